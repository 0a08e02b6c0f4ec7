#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A response of `HTTPClient`: status code, headers (names lowercased) and the decoded body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Parses a complete HTTP/1.1 response (the connection was closed by the peer): status line,
    /// headers, and a body delimited by `Content-Length`, `Transfer-Encoding: chunked`, or the
    /// end of the bytes. Nil when malformed or truncated.
    public static func parse(_ bytes: [UInt8]) -> HTTPResponse? {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        let head = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { return nil }
        let statusParts = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            return nil
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingSpaces
        }
        let rest = Array(bytes[(headerEnd + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let body = dechunk(rest) else { return nil }
            return HTTPResponse(status: status, headers: headers, body: body)
        }
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard rest.count >= length else { return nil }
            return HTTPResponse(status: status, headers: headers, body: Array(rest.prefix(length)))
        }
        return HTTPResponse(status: status, headers: headers, body: rest)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: i) else { return nil }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self)
                .split(separator: ";").first.map(String.init)?.trimmingSpaces ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return nil }
            i = lineEnd + 2
            if size == 0 { return out }
            guard i + size <= bytes.count else { return nil }
            out.append(contentsOf: bytes[i..<(i + size)])
            i += size + 2
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

/// Why a request failed before a response was read.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case badAddress(String)
    case connect(String, errno: Int32)
    case timeout(String)
    case io(String, errno: Int32)
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .badAddress(let a): "bad address \(a)"
        case .connect(let a, let e): "connect \(a): \(String(cString: strerror(e)))"
        case .timeout(let a): "\(a): timed out"
        case .io(let a, let e): "\(a): \(String(cString: strerror(e)))"
        case .malformedResponse(let a): "\(a): malformed HTTP response"
        }
    }
}

/// A tiny blocking HTTP/1.1 client over a POSIX socket (`Connection: close`), for the
/// controller's readiness probes, `/metrics` reads and `POST /-/reload`. IPv4 literal hosts and
/// `localhost` only — members listen on loopback. Call it off the cooperative thread pool.
public enum HTTPClient {
    public static func request(_ method: String = "GET", address: String, path: String,
                               timeoutMs: Int = 2000) throws(HTTPClientError) -> HTTPResponse {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw .badAddress(address)
        }
        var host = String(address[..<colon])
        if host == "localhost" || host.isEmpty || host == "0.0.0.0" { host = "127.0.0.1" }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw .badAddress(address) }

        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .io(address, errno: errno) }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutMs / 1000, tv_usec: (timeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let e = errno
            if e == EINPROGRESS || e == EAGAIN { throw .timeout(address) }
            throw .connect(address, errno: e)
        }
        let request = Array("\(method) \(path) HTTP/1.1\r\nHost: \(address)\r\nUser-Agent: promfleet-controller\r\n"
            .utf8) + Array("Accept: */*\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else {
                let e = errno
                if e == EAGAIN || e == EWOULDBLOCK { throw .timeout(address) }
                throw .io(address, errno: e)
            }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { throw .timeout(address) }
                throw .io(address, errno: e)
            }
            response.append(contentsOf: buffer[..<n])
            // A server that keeps the connection open despite `Connection: close`: stop once
            // the response is complete.
            if let parsed = HTTPResponse.parse(response), parsed.headers["content-length"] != nil
                || parsed.headers["transfer-encoding"] != nil { return parsed }
        }
        guard let parsed = HTTPResponse.parse(response) else { throw .malformedResponse(address) }
        return parsed
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
