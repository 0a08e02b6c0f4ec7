import MetricModel

/// What `promfleet tsdb analyze DIR` prints (like `promtool tsdb analyze`): every block in the
/// directory, the totals, then label statistics of one block (the newest by default).
public struct TSDBAnalysis: Sendable {
    public struct BlockSummary: Sendable {
        public var meta: BlockMeta
        public var size: Int64
    }

    public var blocks: [BlockSummary]
    /// The analysed block.
    public var block: ULID?
    public var series = 0
    public var labelNames = 0
    /// Unique label pairs.
    public var postings = 0
    /// Sum over series of their label count.
    public var postingsEntries = 0
    /// (name, distinct values), highest first.
    public var labelCardinality: [(String, Int)] = []
    /// ("name=value", series), highest first.
    public var commonPairs: [(String, Int)] = []
    /// (metric name, series), highest first.
    public var metricCardinality: [(String, Int)] = []

    /// Analyses the blocks in `dir`; label statistics for `blockID` or the newest block.
    public init(dir: String, blockID: String? = nil) throws {
        var opened: [Block] = []
        for name in try FS.list(dir) where ULID(string: name) != nil && FS.isDirectory(dir + "/" + name) {
            opened.append(try Block(dir: dir + "/" + name))
        }
        opened.sort { $0.minTime < $1.minTime }
        blocks = opened.map { BlockSummary(meta: $0.meta, size: $0.size) }
        let chosen: Block?
        if let id = blockID {
            guard let b = opened.first(where: { $0.ulid.description == id.uppercased() }) else {
                throw FormatError.corrupt("block \(id) not found in \(dir)")
            }
            chosen = b
        } else {
            chosen = opened.max { $0.ulid < $1.ulid }
        }
        guard let b = chosen else { return }
        block = b.ulid
        var values: [String: Int] = [:]
        var pairs: [(String, Int)] = []
        var metrics: [(String, Int)] = []
        for (name, value, count) in b.index.postingsCounts() {
            values[name, default: 0] += 1
            pairs.append(("\(name)=\(value)", count))
            postingsEntries += count
            if name == LabelName.metricName { metrics.append((value, count)) }
        }
        series = b.index.allPostings().count
        labelNames = values.count
        postings = pairs.count
        let byCount: ((String, Int), (String, Int)) -> Bool = { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        labelCardinality = values.map { ($0.key, $0.value) }.sorted(by: byCount)
        commonPairs = pairs.sorted(by: byCount)
        metricCardinality = metrics.sorted(by: byCount)
    }

    public var totalSamples: UInt64 { blocks.reduce(0) { $0 + $1.meta.stats.numSamples } }
    public var minTime: Timestamp? { blocks.map(\.meta.minTime).min() }
    public var maxTime: Timestamp? { blocks.map(\.meta.maxTime).max() }

    /// The report as text, each top list cut to `limit` entries.
    public func render(limit: Int = 20) -> String {
        var out = "Blocks: \(blocks.count)\n"
        if blocks.isEmpty { return out }
        out += pad(["BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS", "NUM SERIES", "SIZE"]) + "\n"
        for b in blocks {
            let m = b.meta
            out += pad([m.ulid.description, "\(m.minTime)", "\(m.maxTime)", formatDuration(m.maxTime - m.minTime),
                        "\(m.stats.numSamples)", "\(m.stats.numChunks)", "\(m.stats.numSeries)", "\(b.size)"]) + "\n"
        }
        out += "Samples: \(totalSamples)\n"
        out += "Time range: \(minTime!) .. \(maxTime!) (\(formatDuration(maxTime! - minTime!)))\n"
        out += "Size: \(blocks.reduce(0) { $0 + $1.size }) bytes\n\n"
        guard let block else { return out }
        out += "Block ID: \(block)\n"
        out += "Series: \(series)\n"
        out += "Label names: \(labelNames)\n"
        out += "Postings (unique label pairs): \(postings)\n"
        out += "Postings entries (total label pairs): \(postingsEntries)\n"
        for (title, list) in [("Highest cardinality labels:", labelCardinality),
                              ("Most common label pairs:", commonPairs),
                              ("Highest cardinality metric names:", metricCardinality)] {
            out += "\n" + title + "\n"
            for (k, n) in list.prefix(limit) { out += "\(n) \(k)\n" }
        }
        return out
    }

    func pad(_ cols: [String]) -> String {
        let widths = [26, 14, 14, 14, 12, 11, 11, 0]
        return zip(cols, widths).map { c, w in c.count < w ? c + String(repeating: " ", count: w - c.count) : c }
            .joined(separator: "  ")
    }
}

/// Go `time.Duration.String()`-like rendering of milliseconds: 2h0m0s, 1h59m30.001s, 500ms.
public func formatDuration(_ ms: Int64) -> String {
    if ms == 0 { return "0s" }
    if abs(ms) < 1000 { return "\(ms)ms" }
    let neg = ms < 0
    var rest = abs(ms)
    let h = rest / 3_600_000
    rest %= 3_600_000
    let m = rest / 60_000
    rest %= 60_000
    let s = rest / 1000, frac = rest % 1000
    var out = neg ? "-" : ""
    if h > 0 { out += "\(h)h" }
    if h > 0 || m > 0 { out += "\(m)m" }
    out += "\(s)"
    if frac > 0 {
        var f = String(frac)
        f = String(repeating: "0", count: 3 - f.count) + f
        while f.hasSuffix("0") { f.removeLast() }
        out += "." + f
    }
    return out + "s"
}
