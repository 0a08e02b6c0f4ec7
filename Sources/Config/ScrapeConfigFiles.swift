import Foundation

extension PrometheusConfig {
    /// The scrape configs of the main file plus those of `scrape_config_files` (re-read now, like
    /// Prometheus's `GetScrapeConfigs`): globals applied, job names unique across all files.
    public func allScrapeConfigs() throws(ConfigError) -> [ScrapeConfig] {
        var out = scrapeConfigs
        var seen: [String: String] = [:]
        for sc in scrapeConfigs { seen[sc.jobName] = "main config file" }
        for pattern in scrapeConfigFiles {
            for file in FileSD.matchingFiles(FileSDConfig(files: [pattern])) {
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw ConfigError(file: file, message: "open \(file): \(error.localizedDescription)")
                }
                let ctx = YAMLContext(file: file)
                guard let m = try ctx.mapping(try ctx.compose(text), type: "config.ScrapeConfigs", known: ["scrape_configs"]),
                      let list = m.value("scrape_configs") else { continue }
                var configs = try ctx.scrapeConfigs(list, global: global, seen: seen)
                for i in configs.indices {
                    seen[configs[i].jobName] = quoteGo(file)
                    configs[i].resolvePaths(relativeTo: (file as NSString).deletingLastPathComponent)
                }
                out += configs
            }
        }
        return out
    }
}
