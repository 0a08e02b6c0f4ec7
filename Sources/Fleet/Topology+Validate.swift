import Catalog
import Foundation

extension Topology {
    static let generatedJobs = ["exporter", "promfleet"]

    /// Checks everything parsing could not; appends issues to `r`.
    func validate(_ r: inout YAMLReader) {
        let lines = r
        func fail(_ field: String, _ reason: String) {
            r.issues.append(TopologyIssue(field: field, reason: reason, line: lines.line(of: field)))
        }
        if !Self.isValidName(fleet) {
            fail("fleet", "\"\(fleet)\" must be lowercase letters, digits, '-' or '_', starting with a letter or digit")
        }
        if dataDir.isEmpty { fail("data_dir", "must not be empty") }
        if replicas < 1 { fail("replicas", "must be at least 1 (got \(replicas))") }
        if replicas > 26 { fail("replicas", "must be at most 26 (got \(replicas))") }
        if shards < 1 { fail("shards", "must be at least 1 (got \(shards))") }
        if shardBy.isEmpty { fail("shard_by", "must name at least one label") }
        for label in shardBy where !Self.isValidLabelName(label) {
            fail("shard_by", "\"\(label)\" is not a valid label name")
        }
        if Set(shardBy).count != shardBy.count { fail("shard_by", "names a label twice") }
        if ports.host.isEmpty { fail("ports.host", "must not be empty") }
        if let exporter {
            if exporter.count < 1 { fail("exporter.count", "must be at least 1 (got \(exporter.count))") }
            if exporter.seriesPerTarget < 1 {
                fail("exporter.series_per_target", "must be at least 1 (got \(exporter.seriesPerTarget))")
            }
        }
        if let federation {
            if federation.replicas < 1 { fail("federation.replicas", "must be at least 1 (got \(federation.replicas))") }
            if federation.replicas > 26 { fail("federation.replicas", "must be at most 26 (got \(federation.replicas))") }
            if federation.match.isEmpty { fail("federation.match", "must list at least one selector") }
            for m in federation.match where m.trimmingCharacters(in: .whitespaces).isEmpty {
                fail("federation.match", "an empty selector matches nothing")
            }
        }
        var jobs = Set<String>()
        for (i, job) in scrapeConfigs.enumerated() {
            if Self.generatedJobs.contains(job.jobName) {
                fail("scrape_configs[\(i)].job_name", "\"\(job.jobName)\" is reserved for promfleet's own job")
            }
            if !jobs.insert(job.jobName).inserted {
                fail("scrape_configs[\(i)].job_name", "duplicate job name \"\(job.jobName)\"")
            }
        }
        if scrapeConfigs.isEmpty && exporter == nil && !selfScrape {
            fail("scrape_configs", "nothing to scrape: give scrape_configs, exporter or self_scrape: true")
        }
        guard r.issues.isEmpty else { return }  // the layout needs sane counts
        validatePorts(fail)
        r.issues.sort { ($0.line ?? .max) < ($1.line ?? .max) }
    }

    private func validatePorts(_ fail: (String, String) -> Void) {
        let members = members()
        let names = Set(members.map(\.name))
        for name in ports.members.keys.sorted() where !names.contains(name) {
            fail("ports.members.\(name)", "no such member (members: \(members.map(\.name).joined(separator: ", ")))")
        }
        var owners: [Int: String] = [:]
        func claim(_ port: Int, _ owner: String, _ field: String) {
            if !(1...65535).contains(port) {
                fail(field, "port \(port) is outside 1-65535")
            } else if let other = owners[port] {
                fail(field, "port \(port) of \(owner) clashes with \(other)")
            } else {
                owners[port] = owner
            }
        }
        for m in members {
            let field = ports.members[m.name] != nil ? "ports.members.\(m.name)"
                : m.role == .router && router?.port != nil ? "router.port" : "ports.base"
            claim(m.port, m.name, field)
        }
        if let exporter {
            for i in 0..<exporter.count { claim(exporter.basePort + i, "exporter target \(i)", "exporter.base_port") }
        }
    }

    static func isValidName(_ s: String) -> Bool {
        guard let first = s.utf8.first, (first >= 97 && first <= 122) || (first >= 48 && first <= 57) else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
    }

    static func isValidLabelName(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Refuses a set of topologies that would share a fleet name or a data dir (one catalog per
    /// fleet; two fleets in one directory would overwrite each other's configs).
    public static func checkDistinct(_ topologies: [(path: String, topology: Topology)]) throws {
        var issues: [TopologyIssue] = []
        var names: [String: String] = [:], dirs: [String: String] = [:]
        for (path, t) in topologies {
            if let other = names[t.fleet] {
                issues.append(TopologyIssue(field: "fleet", reason: "duplicate fleet name \"\(t.fleet)\" (\(other) and \(path))"))
            }
            if let other = dirs[t.dataDir] {
                issues.append(TopologyIssue(field: "data_dir", reason: "\(t.dataDir) is used by \(other) and \(path)"))
            }
            names[t.fleet] = names[t.fleet] ?? path
            dirs[t.dataDir] = dirs[t.dataDir] ?? path
        }
        if !issues.isEmpty { throw TopologyError(issues: issues) }
    }
}
