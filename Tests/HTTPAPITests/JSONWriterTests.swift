import Testing
@testable import HTTPAPI
import MetricModel

@Suite struct JSONWriterTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("a\"b", "\"a\\\"b\""),
        ("back\\slash", "\"back\\\\slash\""),
        ("line\nbreak\ttab", "\"line\\nbreak\\ttab\""),
        ("\u{01}", "\"\\u0001\""),
        ("ünï", "\"ünï\""),
    ])
    func escapesStrings(input: String, expected: String) {
        var w = JSONWriter()
        w.string(input)
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
    }

    @Test func labelsAndEnvelope() {
        var w = JSONWriter()
        w.beginSuccess()
        w.labels(Labels(["__name__": "up", "job": "a\"b"]))
        w.endSuccess(warnings: ["w1"])
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"status":"success","data":{"__name__":"up","job":"a\"b"},"warnings":["w1"]}"#)
    }

    @Test func errorEnvelopeAndStatus() {
        let e = APIError.badData("invalid parameter \"match[]\": x")
        #expect(String(decoding: e.jsonBody(), as: UTF8.self) == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"match[]\": x"}"#)
        #expect(e.kind.httpStatus == 400)
        #expect(APIError.Kind.execution.httpStatus == 422)
        #expect(APIError.Kind.unavailable.httpStatus == 503)
    }
}

@Suite struct FormParamsTests {
    @Test func repeatedAndDecoded() {
        var p = FormParams(query: "match%5B%5D=up%7Bjob%3D%22a%22%7D&match[]=b+c&start=1")
        p.add(encoded: Array("match[]=x&end=2".utf8))
        #expect(p.all("match[]") == ["up{job=\"a\"}", "b c", "x"])
        #expect(p.first("start") == "1")
        #expect(p.first("end") == "2")
        #expect(p.first("nope") == nil)
    }
}

@Suite struct SelectorParserTests {
    @Test func parsesNameAndMatchers() throws {
        let ms = try SelectorParser.parse(#"http_requests_total{job="api", code=~"5..",path!="/x",env!~'dev|test'}"#)
        #expect(ms.count == 5)
        #expect(ms[0] == .equal("__name__", "http_requests_total"))
        #expect(ms[1] == .equal("job", "api"))
        #expect(ms[2].type == .regexMatch && ms[2].value == "5..")
        #expect(ms[3].type == .notEqual && ms[3].value == "/x")
        #expect(ms[4].type == .regexNoMatch && ms[4].value == "dev|test")
    }

    @Test func bracesOnlyAndEscapes() throws {
        let ms = try SelectorParser.parse(#"{__name__=~"up|scrape_.*",a="q\"uote"}"#)
        #expect(ms.count == 2)
        #expect(ms[1].value == "q\"uote")
    }

    @Test(arguments: [
        (#"{job=""}"#, "vector selector must contain at least one non-empty matcher"),
        (#"up{job="a""#, "unexpected end of input inside braces"),
        (#"up{job}"#, "unexpected character after label name"),
        ("", "unexpected end of input"),
        (#"up{job="a"} extra"#, "unexpected character"),
    ])
    func rejects(input: String, message: String) {
        do {
            _ = try SelectorParser.parse(input)
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.hasPrefix("1:"))
        }
    }
}

@Suite struct TimeAndGzipTests {
    @Test func parsesTimes() throws {
        #expect(try APITime.parse("1700000000.5") == 1_700_000_000_500)
        #expect(try APITime.parse("2023-11-14T22:13:20Z") == 1_700_000_000_000)
        #expect(try APITime.parse("2023-11-14T22:13:20.250Z") == 1_700_000_000_250)
        #expect(throws: APIError.self) { try APITime.parse("yesterday") }
    }

    @Test func formatsRFC3339() {
        #expect(APITime.rfc3339(1_700_000_000_000) == "2023-11-14T22:13:20Z")
        #expect(APITime.rfc3339(1_700_000_000_250) == "2023-11-14T22:13:20.25Z")
    }

    @Test func gzipRoundTripStreaming() {
        let text = Array((0..<5000).map { "line \($0) of some metrics text\n" }.joined().utf8)
        let z = GzipCompressor()
        var out = z.compress(Array(text[0..<70000]))
        out += z.compress(Array(text[70000...]))
        out += z.finish()
        #expect(out.count < text.count / 4)
        #expect(out[0] == 0x1F && out[1] == 0x8B)
        #expect(gunzip(out) == text)
    }

    @Test(arguments: [("gzip, deflate", true), ("deflate", false), (nil, false), ("gzip;q=0", false), ("*", true), ("br, gzip;q=0.5", true)])
    func acceptEncoding(header: String?, expected: Bool) {
        #expect(acceptsGzip(header) == expected)
    }
}
