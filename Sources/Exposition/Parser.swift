import MetricModel

// Exposition: the interface a reader needs first. Prometheus's counterpart is
// `model/textparse/interface.go`.
//
// A parser is a *pull parser over bytes*: the caller owns the scrape body, hands the parser an
// unsafe view of it, and calls `next()` until it returns `.eof` or throws. Each call classifies
// one line (an "entry") and makes that entry's parts available through the accessors below,
// which are only meaningful for the entry kind `next()` just returned.
//
// The hot path (a series the scrape cache already knows) costs: one scan of the line, one
// float parse, and a hash of `series` by the caller. Nothing is allocated. `labels()` — which
// allocates a packed `Labels` — is meant for cache misses only.

/// What `next()` found.
public enum ExpositionEntry: Sendable, Equatable {
    /// A sample line with a float value: read `series`/`seriesRange`, `value`, `timestamp`,
    /// and (on a cache miss) `labels()`.
    case series
    /// `# HELP name text`: read `metadataName`/`metadataNameBytes` and `help()`.
    case help
    /// `# TYPE name type`: read `metadataName`/`metadataNameBytes` and `metricType`.
    case type
    /// `# UNIT name unit` (OpenMetrics only): read `metadataName` and `unit()`.
    case unit
    /// Any other `#` line (Prometheus text format only): read `comment()`.
    case comment
    /// End of input (text format: end of the bytes; OpenMetrics: the `# EOF` line, which must
    /// be the last thing in the body).
    case eof
}

/// A metric family's type, as Prometheus's `model.MetricType` (OpenMetrics spelling for the
/// OpenMetrics-only types; `unknown` is the text format's `untyped`).
public enum MetricType: String, Sendable, Equatable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown
}

/// Options shared by both parsers.
public struct ParserOptions: Sendable, Equatable {
    /// Prometheus 3 rewrites the `le` label of histogram buckets and the `quantile` label of
    /// summaries into OpenMetrics float form when materialising labels (`le="1"` → `le="1.0"`,
    /// `quantile="0"` → `quantile="0.0"`), so both exposition formats give one series.
    /// Prometheus 2 did not. Default: true (Prometheus 3).
    public var normalizeFloatLabelValues: Bool
    /// OpenMetrics only: skip `<name>_created` sample lines of counters, summaries and
    /// histograms instead of returning them as series (Prometheus's `OpenMetricsSkipSTSeries`,
    /// on with `created-timestamp-zero-ingestion`). Default false: they are ordinary series.
    public var skipCreatedSeries: Bool

    public init(normalizeFloatLabelValues: Bool = true, skipCreatedSeries: Bool = false) {
        self.normalizeFloatLabelValues = normalizeFloatLabelValues
        self.skipCreatedSeries = skipCreatedSeries
    }
}

/// A pull parser over one exposition body. Implemented by `PromParser` (text format 0.0.4)
/// and `OpenMetricsParser` (OpenMetrics 1.0).
///
/// Contract:
/// - **Lifetime.** A parser holds an unsafe view of the body given to its initialiser. The
///   caller MUST keep those bytes alive and unchanged while it uses the parser (typically: the
///   whole parse runs inside `body.withUnsafeBytes { … }`). Every byte view a parser returns
///   (`series`, `metadataNameBytes`) points into that body and is valid for the same time;
///   ranges (`seriesRange`) are offsets into it and stay meaningful as long as the body does.
/// - **Order.** Call `next()` first; accessors describe the entry it returned and are undefined
///   for other entry kinds. After `.eof` or a thrown error the parser is finished: further
///   `next()` calls return `.eof` or throw again.
/// - **Errors.** Every syntax problem throws an `ExpositionError` carrying the 1-based line
///   number and a snippet, with Prometheus's wording. A body either parses completely or the
///   scrape fails; there is no partial recovery (Prometheus's behaviour).
/// - **Validation split.** `next()` checks syntax, value and timestamp, UTF-8 of label values,
///   quoted names and help texts. Checks that need the whole label set — duplicate label
///   names, an empty metric name — happen in `labels()`, which runs on every cache miss, so a
///   series with duplicate names never enters a scrape cache (Prometheus reports these at
///   append time, `label name "a" is not unique`).
/// - **Threading.** A parser is a value used by one task; it is not `Sendable` (it holds a
///   pointer).
public protocol ExpositionParser {
    /// Advances to the next entry. Blank lines (text format) are skipped.
    mutating func next() throws(ExpositionError) -> ExpositionEntry

    /// 1-based line number where the current entry starts.
    var lineNumber: Int { get }

    // MARK: series

    /// The raw bytes of the current series, `name{labels}` exactly as written (no value, no
    /// timestamp), as a view into the body: the scrape cache's key. Identical lines give
    /// identical bytes; no allocation.
    var series: UnsafeRawBufferPointer { get }
    /// `series` as offsets into the body.
    var seriesRange: Range<Int> { get }
    /// The sample value (NaN normalised to Prometheus's `NormalNaN` bits).
    var value: Double { get }
    /// The sample timestamp in milliseconds, nil when the line has none. OpenMetrics seconds
    /// are converted to milliseconds (truncated toward zero, as Prometheus does).
    var timestamp: Timestamp? { get }
    /// Whether the current OpenMetrics sample carried an exemplar (`# {…} v [ts]`); exemplars
    /// are validated and skipped.
    var hasExemplar: Bool { get }
    /// Materialises the current series' label set, `__name__` included, sorted; escapes
    /// decoded; empty values dropped; `le`/`quantile` normalised per `ParserOptions`.
    /// Allocates: call it on a scrape-cache miss only.
    /// Throws `duplicateLabelName` (`label name "a" is not unique`) and `metricNameMissing`.
    mutating func labels() throws(ExpositionError) -> Labels

    // MARK: metadata and comments

    /// The metric family name of the current HELP/TYPE/UNIT entry, raw (quotes removed,
    /// escapes not decoded), as a view into the body.
    var metadataNameBytes: UnsafeRawBufferPointer { get }
    /// `metadataNameBytes` decoded to a String (escapes decoded).
    var metadataName: String { get }
    /// The raw text of the current HELP/UNIT entry (escapes not decoded), as a view into the
    /// body: lets a scrape cache see that metadata is unchanged without allocating.
    var metadataTextBytes: UnsafeRawBufferPointer { get }
    /// For `.help`: the help text, escapes decoded.
    func help() -> String
    /// For `.type`: the declared type. It stays the parser's current type for the series that
    /// follow (used for the `le`/`quantile` normalisation), as in Prometheus.
    var metricType: MetricType { get }
    /// For `.unit`: the unit text.
    func unit() -> String
    /// For `.comment`: the whole comment line, `#` included (as Prometheus returns it).
    func comment() -> String
}
