import Foundation
import HTTPAPI

/// A loopback HTTP/1.1 server (POSIX sockets, one thread) that answers every request with a
/// generated /federate body: `series` lines `fake_metric{i="N",replica="R",shard="S"} V T`,
/// written in `partBytes` parts with `delayMs` between parts, chunked (or with a
/// Content-Length), optionally gzip'd, optionally cut off after `failAfterBytes` (the socket is
/// closed mid-body). Stopped by `stop()`.
final class FakeFederateServer: @unchecked Sendable {
    struct Behaviour: Sendable {
        var series = 1000
        var value = 1.0
        /// Sample timestamp (ms); 0: the time of the request.
        var timestamp: Int64 = 0
        var replica = "a"
        var shard = "0"
        var partBytes = 64 * 1024
        var delayMs = 0
        var failAfterBytes: Int?
        /// After this many body bytes, send nothing more for `stallMs` (connection kept open).
        var stallAfterBytes: Int?
        var stallMs = 0
        var gzip = false
    }

    let fd: Int32
    let port: Int
    private let lock = NSLock()
    private var _behaviour: Behaviour
    private var _requests = 0
    private var stopped = false
    private let box = ServerLoop()

    var behaviour: Behaviour {
        get { lock.withLock { _behaviour } }
        set { lock.withLock { _behaviour = newValue } }
    }
    var requests: Int { lock.withLock { _requests } }

    init(_ b: Behaviour) throws {
        _behaviour = b
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listen(fd, 16)
        box.server = self
        let b = box
        Thread { b.server?.acceptLoop() }.start()
    }

    final class ServerLoop: @unchecked Sendable { weak var server: FakeFederateServer? }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    static func body(_ b: Behaviour) -> [UInt8] {
        var b = b
        if b.timestamp == 0 { b.timestamp = Int64(Date().timeIntervalSince1970 * 1000) }
        var out: [UInt8] = []
        out.reserveCapacity(b.series * 70)
        out.append(contentsOf: "# TYPE fake_metric untyped\n".utf8)
        for i in 0..<b.series {
            out.append(contentsOf: "fake_metric{i=\"\(i)\",replica=\"\(b.replica)\",shard=\"\(b.shard)\"} \(b.value) \(b.timestamp)\n".utf8)
        }
        return out
    }

    private func acceptLoop() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            if lock.withLock({ stopped }) { close(c); return }
            let t = Thread { [self] in serve(c) }
            t.start()
        }
    }

    private func serve(_ c: Int32) {
        defer { close(c) }
        var req: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !req.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let n = read(c, &buf, buf.count)
            if n <= 0 { return }
            req.append(contentsOf: buf[0..<n])
        }
        lock.withLock { _requests += 1 }
        let b = behaviour
        var body = Self.body(b)
        if b.gzip { body = GzipCompressor.gzip(body) }
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
        if b.gzip { head += "Content-Encoding: gzip\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        guard writeAll(c, Array(head.utf8)) else { return }
        var sent = 0
        while sent < body.count {
            var n = min(b.partBytes, body.count - sent)
            if let f = b.failAfterBytes, sent + n > f {
                n = f - sent
                if n > 0 { _ = writeAll(c, Array(body[sent..<(sent + n)])) }
                var l = linger(l_onoff: 1, l_linger: 0)  // RST, as a crashed replica's kernel would
                setsockopt(c, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
                return
            }
            if let st = b.stallAfterBytes, sent < st, sent + n >= st {
                guard writeAll(c, Array(body[sent..<st])) else { return }
                usleep(useconds_t(b.stallMs * 1000))
                return
            }
            guard writeAll(c, Array(body[sent..<(sent + n)])) else { return }
            sent += n
            if b.delayMs > 0 { usleep(useconds_t(b.delayMs * 1000)) }
        }
    }

    private func writeAll(_ c: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            off += n
        }
        return true
    }
}
