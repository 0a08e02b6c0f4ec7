/// The text exposition formats promfleet parses and writes.
public enum ExpositionFormat: String, Sendable, Equatable {
    /// Prometheus text format 0.0.4 (`text/plain`).
    case prometheusText
    /// OpenMetrics 1.0 (`application/openmetrics-text`).
    case openMetrics

    /// The `Content-Type` promfleet sends when it writes this format.
    public var contentType: String {
        switch self {
        case .prometheusText: return TextWriter.contentType
        case .openMetrics: return OpenMetricsWriter.contentType
        }
    }
}

/// Choosing a parser from a scrape response's `Content-Type`, and the `Accept` header to send.
public enum ContentNegotiation {
    /// The `Accept` header Prometheus 2.42 sends when scraping (OpenMetrics preferred, then the
    /// text format, then anything).
    public static let scrapeAcceptHeader =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    /// The `Accept` header Prometheus 3 sends by default (`scrape_protocols` default, UTF-8
    /// names allowed). promfleet parses every format it lists (it never asks for protobuf).
    public static let scrapeAcceptHeaderPrometheus3 =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

    /// The outcome of looking at a `Content-Type`: the format to parse with (nil: the scrape
    /// fails with `message`), and a message that is a warning when a format was still chosen.
    public struct Decision: Sendable, Equatable {
        public var format: ExpositionFormat?
        public var message: String?
    }

    /// Prometheus 3's `textparse.New` media-type rules: `application/openmetrics-text` →
    /// OpenMetrics, `text/plain` → text format (any version), anything else — a blank header,
    /// one that does not parse as a media type, or an unsupported type (protobuf included) —
    /// uses `fallback` (`fallback_scrape_protocol`) with a warning, or fails when there is none.
    public static func decide(contentType: String?, fallback: ExpositionFormat?) -> Decision {
        let ct = contentType ?? ""
        let fb = fallback.map { $0 == .openMetrics ? "application/openmetrics-text" : "text/plain" } ?? ""
        if ct.isEmpty {
            if fallback == nil {
                return Decision(format: nil, message: "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target")
            }
            return Decision(format: fallback, message: "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol \"\(fb)\"")
        }
        guard let media = mediaType(ct) else {
            if fallback == nil {
                return Decision(format: nil, message: "cannot parse Content-Type \"\(ct)\" and no fallback_scrape_protocol for target")
            }
            return Decision(format: fallback, message: "could not parse received Content-Type \"\(ct)\", using fallback_scrape_protocol \"\(fb)\"")
        }
        switch media {
        case "application/openmetrics-text": return Decision(format: .openMetrics, message: nil)
        case "text/plain": return Decision(format: .prometheusText, message: nil)
        default:
            if fallback == nil {
                return Decision(format: nil, message: "received unsupported Content-Type \"\(ct)\" and no fallback_scrape_protocol specified for target")
            }
            return Decision(format: fallback, message: "received unsupported Content-Type \"\(ct)\", using fallback_scrape_protocol \"\(fb)\"")
        }
    }

    /// Prometheus 2's rule (`textparse.New` before 3.0): OpenMetrics when the media type is
    /// `application/openmetrics-text`, the text format for everything else.
    public static func formatPrometheus2(contentType: String?) -> ExpositionFormat {
        mediaType(contentType ?? "") == "application/openmetrics-text" ? .openMetrics : .prometheusText
    }

    /// Go's `mime.ParseMediaType`, reduced to what the decision needs: the lower-cased
    /// `type/subtype`, or nil when the header is malformed (missing subtype, bad token, a
    /// parameter without `=`, an unterminated quoted value).
    public static func mediaType(_ header: String) -> String? {
        let parts = splitParameters(header)
        guard let first = parts.first else { return nil }
        let media = trim(first).lowercased()
        let pieces = media.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, isToken(pieces[0]), isToken(pieces[1]) else { return nil }
        for p in parts.dropFirst() {
            let t = trim(p)
            if t.isEmpty { continue } // Go tolerates a trailing ";"
            guard let eq = t.firstIndex(of: "=") else { return nil }
            let key = trim(Substring(t[..<eq]))
            let value = trim(Substring(t[t.index(after: eq)...]))
            guard isToken(Substring(key)), !value.isEmpty else { return nil }
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { return nil }
            } else if !isToken(Substring(value)) {
                return nil
            }
        }
        return media
    }

    private static func splitParameters(_ s: String) -> [Substring] {
        var out: [Substring] = []
        var start = s.startIndex
        var inQuotes = false
        var idx = s.startIndex
        while idx < s.endIndex {
            let c = s[idx]
            if c == "\"" { inQuotes.toggle() }
            if c == ";" && !inQuotes {
                out.append(s[start..<idx])
                start = s.index(after: idx)
            }
            idx = s.index(after: idx)
        }
        out.append(s[start...])
        return out
    }

    private static func trim(_ s: Substring) -> String {
        String(s.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    private static func isToken<S: StringProtocol>(_ s: S) -> Bool {
        if s.isEmpty { return false }
        for u in s.utf8 {
            if u <= 0x20 || u >= 0x7F { return false }
            if "()<>@,;:\\\"/[]?=".utf8.contains(u) { return false }
        }
        return true
    }
}
