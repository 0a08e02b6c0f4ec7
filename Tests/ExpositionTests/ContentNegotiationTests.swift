import Testing
@testable import Exposition

struct CTCase: CustomTestStringConvertible, Sendable {
    var contentType: String?
    var fallback: ExpositionFormat?
    var format: ExpositionFormat?
    var message: String?
    var testDescription: String { "\(contentType ?? "nil") fallback \(fallback.map { "\($0)" } ?? "nil")" }
}

@Suite struct ContentNegotiationTests {
    @Test(arguments: [
        CTCase(contentType: "text/plain; version=0.0.4; charset=utf-8", fallback: nil, format: .prometheusText, message: nil),
        CTCase(contentType: "text/plain;version=1.0.0;escaping=allow-utf-8", fallback: nil, format: .prometheusText, message: nil),
        CTCase(contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8", fallback: nil, format: .openMetrics, message: nil),
        CTCase(contentType: "Application/OpenMetrics-Text;version=0.0.1", fallback: nil, format: .openMetrics, message: nil),
        CTCase(contentType: "", fallback: nil, format: nil,
               message: "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target"),
        CTCase(contentType: nil, fallback: .prometheusText, format: .prometheusText,
               message: "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol \"text/plain\""),
        CTCase(contentType: "application/json", fallback: nil, format: nil,
               message: "received unsupported Content-Type \"application/json\" and no fallback_scrape_protocol specified for target"),
        CTCase(contentType: "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
               fallback: .openMetrics, format: .openMetrics,
               message: "received unsupported Content-Type \"application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited\", using fallback_scrape_protocol \"application/openmetrics-text\""),
        CTCase(contentType: "text", fallback: nil, format: nil,
               message: "cannot parse Content-Type \"text\" and no fallback_scrape_protocol for target"),
        CTCase(contentType: "text/plain; charset", fallback: .prometheusText, format: .prometheusText,
               message: "could not parse received Content-Type \"text/plain; charset\", using fallback_scrape_protocol \"text/plain\""),
    ])
    func decide(_ c: CTCase) {
        let d = ContentNegotiation.decide(contentType: c.contentType, fallback: c.fallback)
        #expect(d.format == c.format)
        #expect(d.message == c.message)
    }

    @Test func prometheus2Rule() {
        #expect(ContentNegotiation.formatPrometheus2(contentType: "application/openmetrics-text; version=1.0.0") == .openMetrics)
        #expect(ContentNegotiation.formatPrometheus2(contentType: nil) == .prometheusText)
        #expect(ContentNegotiation.formatPrometheus2(contentType: "application/json") == .prometheusText)
    }

    @Test func acceptHeaders() {
        #expect(ContentNegotiation.scrapeAcceptHeader
            == "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        #expect(ContentNegotiation.scrapeAcceptHeaderPrometheus3.hasSuffix("*/*;q=0.2"))
        #expect(ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(ExpositionFormat.prometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }
}
