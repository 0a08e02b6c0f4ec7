import Hummingbird
import NIOCore

/// Response construction in one place: JSON/text bodies, gzip when accepted, and the mapping of
/// errors to Prometheus's error envelope and status codes.
public enum Reply {
    public static func bytes(_ b: [UInt8], contentType: String, status: HTTPResponse.Status = .ok,
                             request: Request? = nil) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        var body = b
        if let r = request, b.count > 1024, acceptsGzip(r.headers[.acceptEncoding]) {
            body = GzipCompressor.gzip(b)
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(body.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    public static func json(_ b: [UInt8], status: HTTPResponse.Status = .ok, request: Request? = nil) -> Response {
        bytes(b, contentType: "application/json", status: status, request: request)
    }

    public static func text(_ s: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(s.utf8), contentType: "text/plain; charset=utf-8", status: status)
    }

    /// The API error envelope with Prometheus's status for its type.
    public static func error(_ e: APIError) -> Response {
        json(e.jsonBody(), status: HTTPResponse.Status(code: e.kind.httpStatus))
    }

    /// Runs an API handler, turning any thrown error into the error envelope.
    public static func api(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let e as APIError {
            return error(e)
        } catch {
            return Reply.error(.internal("\(error)"))
        }
    }
}

extension Request {
    /// Query parameters, plus the form body for POST `application/x-www-form-urlencoded`.
    public mutating func formParams(limit: Int = 16 << 20) async throws -> FormParams {
        var p = FormParams(query: uri.query)
        if method == .post, (headers[.contentType] ?? "").hasPrefix("application/x-www-form-urlencoded") {
            let buf = try await collectBody(upTo: limit)
            p.add(encoded: Array(buffer: buf))
        }
        return p
    }
}
