import Testing
@testable import HTTPAPI
import MetricModel
import PromQL

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
    @Test func parsesMatchParams() throws {
        let sets = try SelectorParser.parseAll([#"http_requests_total{job="api", code=~"5.."}"#, #"{__name__=~"up|scrape_.*"}"#])
        #expect(sets.count == 2)
        #expect(sets[0].contains(.equal("__name__", "http_requests_total")) && sets[0].contains(.equal("job", "api")))
        #expect(sets[1].count == 1 && sets[1][0].type == .regexMatch)
    }

    @Test(arguments: [#"{job=""}"#, #"up{job="a""#, "up{job}", "", "rate(up[5m])"])
    func rejectsWithBadData(input: String) {
        do {
            _ = try SelectorParser.parseAll([input])
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.kind == .badData)
            #expect(error.message.hasPrefix("invalid parameter \"match[]\": "), "\(error.message)")
        }
    }
}

@Suite struct QueryJSONTests {
    @Test func rendersVectorMatrixScalarWithTimestamps() {
        let v = PrometheusAPI.render(QueryResult(value: .vector([VectorElement(labels: Labels(["__name__": "up", "job": "a"]), t: 1_435_781_451_781, v: 1)]), annotations: Annotations()))
        #expect(String(decoding: v, as: UTF8.self) == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1435781451.781,"1"]}]}}"#)
        let m = PrometheusAPI.render(QueryResult(value: .matrix([MatrixSeries(labels: Labels(["a": "b"]), samples: [Sample(t: 1000, v: 0.5), Sample(t: 1780, v: .infinity)])]), annotations: Annotations()))
        #expect(String(decoding: m, as: UTF8.self) == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"0.5"],[1.780,"+Inf"]]}]}}"#)
        var ann = Annotations()
        ann.warnings = ["w"]
        let sc = PrometheusAPI.render(QueryResult(value: .scalar(t: 2000, v: .nan), annotations: ann))
        #expect(String(decoding: sc, as: UTF8.self) == #"{"status":"success","data":{"resultType":"scalar","result":[2,"NaN"]},"warnings":["w"]}"#)
    }
}

@Suite struct JSONNumberTests {
    // Each expected text is what Prometheus 2.42 answered for `vector(<v>)` at time=1.78.
    @Test(arguments: [
        (1.0, "1"), (1e-7, "1e-07"), (1.5e22, "1.5e+22"), (-1e-7, "-1e-07"), (0.000001, "0.000001"),
        (1e21, "1e+21"), (123456789012345678.0, "123456789012345680"), (0.5, "0.5"), (-2.25, "-2.25"),
        (Double.nan, "NaN"), (-Double.infinity, "-Inf"), (0.0, "0"), (1795284000.0, "1795284000"),
    ])
    func sampleValues(_ v: Double, _ expected: String) {
        var out: [UInt8] = []
        PromFloat.appendJSONValue(v, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test(arguments: [(Int64(1780), "1.780"), (-500, "-0.500"), (1_435_781_451_781, "1435781451.781"), (2000, "2"),
                      (1005, "1.005"), (1050, "1.050"), (0, "0"), (-2000, "-2")])
    func timestamps(_ t: Int64, _ expected: String) {
        var w = JSONWriter()
        w.timestamp(t)
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
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

@Suite struct ExternalURLTests {
    @Test func loopbackTargetsShowTheExternalHost() {
        let e = ExternalURL(flag: "https://prom.example.org:8443/", listenAddress: "0.0.0.0:9090")
        #expect(e.url == "https://prom.example.org:8443/")
        // Our own port: external scheme, host and port.
        #expect(e.globalURL("http://127.0.0.1:9090/metrics") == "https://prom.example.org:8443/metrics")
        // Another local port: only the host changes.
        #expect(e.globalURL("http://localhost:9100/metrics?x=1") == "http://prom.example.org:9100/metrics?x=1")
        // Remote targets stay as they are.
        #expect(e.globalURL("http://10.0.0.1:9100/metrics") == "http://10.0.0.1:9100/metrics")
        let d = ExternalURL(flag: nil, listenAddress: "127.0.0.1:19090")
        #expect(d.url.hasPrefix("http://") && d.url.hasSuffix(":19090/"))
    }
}
