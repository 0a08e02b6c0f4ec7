import MetricModel

/// One sample of a parsed body, materialised (for tests, backfill import, tools — not the
/// scrape hot path, which works on `ExpositionParser` directly).
public struct ParsedSample: Sendable, Equatable {
    public var labels: Labels
    public var value: Double
    public var timestamp: Timestamp?

    public init(labels: Labels, value: Double, timestamp: Timestamp?) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    /// Equality with NaN == NaN (bitwise for NaNs), for round-trip comparisons.
    public static func == (a: ParsedSample, b: ParsedSample) -> Bool {
        a.labels == b.labels && a.timestamp == b.timestamp
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN && a.value.bitPattern == b.value.bitPattern))
    }
}

/// Metadata of a parsed body, in order of appearance.
public struct ParsedMetadata: Sendable, Equatable {
    public var entry: ExpositionEntry
    public var name: String
    /// Help text, type name, unit or comment text.
    public var text: String
}

/// Code that consumes a parser generically, so the scrape loop runs specialised for the
/// concrete parser (`some ExpositionParser`, no existential on the per-sample path).
public protocol ExpositionVisitor {
    associatedtype Output
    mutating func visit<P: ExpositionParser>(_ parser: inout P) throws -> Output
}

/// Entry points over whole bodies.
public enum Exposition {
    /// Runs `visitor` over a parser of `format` for `body`, which must stay valid for the call.
    public static func visit<V: ExpositionVisitor>(
        _ format: ExpositionFormat, body: UnsafeRawBufferPointer, options: ParserOptions = ParserOptions(),
        _ visitor: inout V
    ) throws -> V.Output {
        switch format {
        case .prometheusText:
            var p = PromParser(body, options: options)
            return try visitor.visit(&p)
        case .openMetrics:
            var p = OpenMetricsParser(body, options: options)
            return try visitor.visit(&p)
        }
    }

    /// Runs `body` with a parser of `format` over `bytes` (kept alive for the call).
    public static func withParser<R>(
        _ format: ExpositionFormat, bytes: [UInt8], options: ParserOptions = ParserOptions(),
        _ body: (inout any ExpositionParser) throws -> R
    ) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            var p: any ExpositionParser = format == .openMetrics
                ? OpenMetricsParser(raw, options: options) : PromParser(raw, options: options)
            return try body(&p)
        }
    }

    /// Parses a whole body into samples (labels materialised) and metadata.
    public static func parse(
        _ bytes: [UInt8], format: ExpositionFormat, options: ParserOptions = ParserOptions()
    ) throws(ExpositionError) -> (samples: [ParsedSample], metadata: [ParsedMetadata]) {
        let r: Result<([ParsedSample], [ParsedMetadata]), ExpositionError> = bytes.withUnsafeBytes { raw in
            switch format {
            case .prometheusText:
                var p = PromParser(raw, options: options)
                return collect(&p)
            case .openMetrics:
                var p = OpenMetricsParser(raw, options: options)
                return collect(&p)
            }
        }
        return try r.get()
    }

    static func collect<P: ExpositionParser>(_ p: inout P) -> Result<([ParsedSample], [ParsedMetadata]), ExpositionError> {
        var samples: [ParsedSample] = []
        var meta: [ParsedMetadata] = []
        do throws(ExpositionError) {
            while true {
                let e = try p.next()
                switch e {
                case .eof:
                    return .success((samples, meta))
                case .series:
                    samples.append(ParsedSample(labels: try p.labels(), value: p.value, timestamp: p.timestamp))
                case .help:
                    meta.append(ParsedMetadata(entry: e, name: p.metadataName, text: p.help()))
                case .type:
                    meta.append(ParsedMetadata(entry: e, name: p.metadataName, text: p.metricType.rawValue))
                case .unit:
                    meta.append(ParsedMetadata(entry: e, name: p.metadataName, text: p.unit()))
                case .comment:
                    meta.append(ParsedMetadata(entry: e, name: "", text: p.comment()))
                }
            }
        } catch {
            return .failure(error)
        }
    }
}
