import Testing
@testable import Scrape
import MetricModel

@Suite struct TextParserTests {
    func parse(_ s: String) throws(ExpositionParseError) -> [(String, [(String, String)], Double, Int64?)] {
        let bytes = Array(s.utf8)
        var out: [(String, [(String, String)], Double, Int64?)] = []
        try bytes.withUnsafeBufferPointer { (buf) throws(ExpositionParseError) in
            var p = TextParser(buf)
            while let smp = try p.next() {
                let (n, ls) = p.labels(of: smp)
                out.append((n, ls, smp.value, smp.timestamp))
            }
        }
        return out
    }

    @Test func parsesSamplesCommentsAndEscapes() throws {
        let r = try parse("""
        # HELP http_requests_total The total.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3
        
        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
        metric_without_labels 12.47
        weird{a="}",} +Inf
          # indented comment
        nan_value NaN
        # EOF
        """)
        #expect(r.count == 6)
        #expect(r[0].0 == "http_requests_total" && r[0].1.count == 2 && r[0].2 == 1027 && r[0].3 == 1_395_066_363_000)
        #expect(r[1].2 == 3 && r[1].3 == nil)
        #expect(r[2].1[0].1 == "C:\\DIR\\FILE.TXT")
        #expect(r[2].1[1].1 == "Cannot find file:\n\"FILE.TXT\"")
        #expect(r[2].2 == 1.458255915e9)
        #expect(r[3].1.isEmpty && r[3].2 == 12.47)
        #expect(r[4].1.map(\.1) == ["}"] && r[4].2 == .infinity)
        #expect(r[5].2.isNaN)
    }

    @Test(arguments: [
        ("ok 1\nbad{a=\"1\" 2\n", 2),
        ("ok 1\n# c\nmetric 1 2 3\n", 3),
        ("metric abc\n", 1),
        ("a 1\nb 2\nc{x=1} 3\n", 3),
        ("{a=\"1\"} 2\n", 1),
        ("m{a=\"unterminated} 1\n", 1),
    ])
    func errorsNameTheLine(body: String, line: Int) {
        do {
            _ = try parse(body)
            Issue.record("expected a parse error")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.hasPrefix("line \(line): "))
        }
    }
}
