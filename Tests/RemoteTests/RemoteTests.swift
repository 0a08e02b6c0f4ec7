import MetricModel
import NIOCore
import Testing
@testable import Remote

@Suite struct RemoteTests {
    @Test(arguments: [
        ("up", "up"),
        ("rate(x{job=\"a b\"}[5m])", "rate%28x%7Bjob%3D%22a+b%22%7D%5B5m%5D%29"),
        ("a&b=c/d", "a%26b%3Dc%2Fd"),
        ("ü", "%C3%BC"),
    ])
    func formEscapeRoundTrips(_ raw: String, _ escaped: String) {
        #expect(FormEncoding.escape(raw) == escaped)
        #expect(FormEncoding.unescape(escaped) == raw)
    }

    @Test func parsesForms() {
        let p = FormEncoding.parse("query=sum%28x%29&time=1.5&match[]=a&match[]=b&flag")
        #expect(p.map(\.0) == ["query", "time", "match[]", "match[]", "flag"])
        #expect(p.map(\.1) == ["sum(x)", "1.5", "a", "b", ""])
    }

    @Test func decodesMatrixAndVector() throws {
        let body = ByteBuffer(string: """
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"__name__":"x","job":"j"},"values":[[1700000000,"1"],[1700000000.25,"+Inf"],[1700000015.001,"NaN"]]},
          {"metric":{},"values":[]}]}}
        """)
        let s = try PromJSON.decodeMatrix(body)
        #expect(s.count == 2)
        #expect(s[0].labels == Labels(["__name__": "x", "job": "j"]))
        #expect(s[0].samples.map(\.t) == [1_700_000_000_000, 1_700_000_000_250, 1_700_000_015_001])
        #expect(s[0].samples[1].v == .infinity)
        #expect(s[0].samples[2].v.isNaN)
        let v = try PromJSON.decodeMatrix(ByteBuffer(string: "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"a\":\"b\"},\"value\":[2,\"3.5\"]}]}}"))
        #expect(v == [RawSeries(labels: Labels(["a": "b"]), samples: [Sample(t: 2000, v: 3.5)])])
    }

    @Test func errorBodies() {
        let b = ByteBuffer(string: "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:3: parse error\"}")
        #expect(PromJSON.errorFields(b) == ("bad_data", "1:3: parse error"))
        #expect(throws: RemoteError.badResponse("1:3: parse error")) { try PromJSON.decodeMatrix(b) }
        #expect(PromJSON.errorFields(ByteBuffer(string: "oops")) == (nil, nil))
    }

    @Test(arguments: [(0, "0"), (1500, "1.5"), (1_700_000_000_001, "1700000000.001"), (1_700_000_000_120, "1700000000.12"), (-1500, "-1.5")] as [(Int64, String)])
    func timeFormat(_ t: Int64, _ s: String) {
        #expect(PromJSON.formatTime(t) == s)
    }

    @Test func retryability() {
        #expect(RemoteError.timeout.isRetryable)
        #expect(RemoteError.serverError(status: 503, message: "x").isRetryable)
        #expect(!RemoteError.clientError(status: 400, errorType: "bad_data", message: "x").isRetryable)
    }
}
