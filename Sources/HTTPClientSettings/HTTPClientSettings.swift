import Foundation
import NIOSSL

// The settings of an outgoing HTTP client as prometheus.yml's HTTP client config gives them
// (`basic_auth`, `authorization`, `tls_config`), shared by everything that calls peers: scrapes,
// remote write, the Alertmanager notifier.

/// Request authentication.
public enum HTTPAuth: Sendable, Equatable {
    case none
    case basic(username: String, password: String)
    /// `Authorization: <type> <credentials>`; with a file, the credentials are re-read per request
    /// (as Prometheus does).
    case authorization(type: String, credentials: String, credentialsFile: String?)

    /// The `Authorization` header value, nil for `.none`. Throws when the credentials file cannot
    /// be read.
    public func headerValue() throws(HTTPClientSettingsError) -> String? {
        switch self {
        case .none:
            return nil
        case .basic(let u, let p):
            return "Basic " + Data("\(u):\(p)".utf8).base64EncodedString()
        case .authorization(let type, let creds, let file):
            var c = creds
            if let f = file, !f.isEmpty {
                guard let text = try? String(contentsOfFile: f, encoding: .utf8) else {
                    throw HTTPClientSettingsError("unable to read authorization credentials file \(f)")
                }
                c = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return "\(type) \(c)"
        }
    }
}

/// `tls_config`. Files are read when `configuration()` is called (when a client is built).
/// `serverName` is kept but not applied: the target host is verified.
public struct TLSSettings: Sendable, Hashable {
    public var ca: String?
    public var caFile: String?
    public var cert: String?
    public var certFile: String?
    public var key: String?
    public var keyFile: String?
    public var serverName: String?
    public var insecureSkipVerify = false
    /// "TLS10" … "TLS13".
    public var minVersion: String?

    public init() {}

    /// Prometheus's `NewTLSConfig`: the CA (file or inline) as the only trust roots, the client
    /// certificate and key, skip verification, minimum version. Errors name the file.
    public func configuration() throws(HTTPClientSettingsError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecureSkipVerify { tls.certificateVerification = .none }
        for f in [caFile, certFile, keyFile] {
            if let f, !f.isEmpty, !FileManager.default.fileExists(atPath: f) {
                let what = f == caFile ? "unable to load specified CA cert \(f)" : "unable to read specified client cert or key \(f)"
                throw HTTPClientSettingsError("\(what): open \(f): no such file or directory")
            }
        }
        do {
            if let f = caFile, !f.isEmpty {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(f))
            } else if let ca, !ca.isEmpty {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
            }
        } catch {
            throw HTTPClientSettingsError("unable to load specified CA cert \(caFile ?? "(inline)"): \(error)")
        }
        do {
            if let f = certFile, !f.isEmpty {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(f).map { .certificate($0) }
            } else if let cert, !cert.isEmpty {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(cert.utf8)).map { .certificate($0) }
            }
            if let f = keyFile, !f.isEmpty {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: f, format: .pem))
            } else if let key, !key.isEmpty {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
            }
        } catch {
            throw HTTPClientSettingsError("unable to use specified client cert (\(certFile ?? "inline")) & key (\(keyFile ?? "inline")): \(error)")
        }
        switch minVersion ?? "" {
        case "TLS10": tls.minimumTLSVersion = .tlsv1
        case "TLS11": tls.minimumTLSVersion = .tlsv11
        case "TLS12", "": tls.minimumTLSVersion = .tlsv12
        case "TLS13": tls.minimumTLSVersion = .tlsv13
        default: throw HTTPClientSettingsError("unknown TLS version: \(minVersion ?? "")")
        }
        return tls
    }
}

/// A client setting that cannot be applied (unreadable file, bad certificate …).
public struct HTTPClientSettingsError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
