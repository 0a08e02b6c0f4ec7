import MetricModel
import PromQL

/// `match[]` series selectors, parsed by the PromQL parser (one source of truth for selector
/// syntax), with Prometheus's API error wording.
public enum SelectorParser {
    /// Parses each `match[]` value; errors become `bad_data` ("invalid parameter "match[]": 1:5: parse error: …").
    public static func parseAll(_ values: [String]) throws(APIError) -> [[LabelMatcher]] {
        var out: [[LabelMatcher]] = []
        for v in values {
            let ms: [LabelMatcher]
            do { ms = try Parser.parseMetricSelector(v) } catch {
                throw APIError.badData("invalid parameter \"match[]\": \(error.description)")
            }
            if ms.allSatisfy({ $0.matchesEmpty }) {
                throw APIError.badData("invalid parameter \"match[]\": match[] must contain at least one non-empty matcher")
            }
            out.append(ms)
        }
        return out
    }
}
