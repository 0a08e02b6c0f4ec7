import Dispatch
import Fleet
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

struct HTTPClientTests {
    @Test func parsesContentLength() throws {
        let r = try #require(HTTPResponse.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello!!".utf8)))
        #expect(r.status == 200)
        #expect(r.text == "hello")
        #expect(r.headers["x-a"] == "b")
    }

    @Test func parsesChunked() throws {
        let raw = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=y\r\npedia \r\n0\r\n\r\n"
        let r = try #require(HTTPResponse.parse(Array(raw.utf8)))
        #expect(r.status == 503)
        #expect(r.text == "Wikipedia ")
    }

    @Test(arguments: ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "garbage\r\n\r\n",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "HTTP/1.1 200 OK\r\nno end"])
    func refusesTruncatedOrMalformed(_ raw: String) {
        #expect(HTTPResponse.parse(Array(raw.utf8)) == nil)
    }

    @Test func parsesCloseDelimitedBody() throws {
        let r = try #require(HTTPResponse.parse(Array("HTTP/1.0 200 OK\r\n\r\nall of it".utf8)))
        #expect(r.text == "all of it")
    }

    @Test func refusedConnectionIsAConnectError() throws {
        let port = try freePort()
        #expect {
            _ = try HTTPClient.request(address: "127.0.0.1:\(port)", path: "/-/ready", timeoutMs: 500)
        } throws: { error in
            if case .connect(_, let e)? = error as? HTTPClientError { return e == ECONNREFUSED }
            return false
        }
    }

    @Test func badAddress() {
        #expect(throws: HTTPClientError.badAddress("nohost")) {
            _ = try HTTPClient.request(address: "nohost", path: "/")
        }
    }

    /// A one-shot server on a loopback socket answering with `response`; returns the request it read.
    @Test func talksToARealSocket() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        listen(fd, 1)
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let served = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var request = ""
        DispatchQueue.global().async {
            let c = accept(fd, nil, nil)
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = recv(c, &buf, buf.count, 0)
            request = String(decoding: buf[..<max(0, n)], as: UTF8.self)
            let body = "Prometheus Server is Ready.\n"
            let response = "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            _ = send(c, response, response.utf8.count, 0)
            close(c)
            close(fd)
            served.signal()
        }
        let r = try HTTPClient.request("POST", address: "127.0.0.1:\(port)", path: "/-/reload")
        served.wait()
        #expect(r.status == 200)
        #expect(r.text == "Prometheus Server is Ready.\n")
        #expect(request.hasPrefix("POST /-/reload HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"))
        #expect(request.contains("Connection: close\r\n"))
    }
}
