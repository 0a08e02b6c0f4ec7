import Foundation
import Yams

/// HTTP client settings shared by scrape configs, HTTP SD and Alertmanager configs (Prometheus
/// `common/config.HTTPClientConfig`). Parsed and validated here; used by the Scrape module.
public struct HTTPClientConfig: Hashable, Sendable {
    public var basicAuth: BasicAuth?
    /// `authorization`, or the older `bearer_token` / `bearer_token_file` converted to it
    /// (type `Bearer`), as Prometheus does.
    public var authorization: Authorization?
    /// `oauth2` is accepted and kept, not implemented.
    public var oauth2: RawYAML?
    public var tlsConfig = TLSConfig()
    public var followRedirects = true
    public var enableHTTP2 = true
    public var proxyURL: String?
    public var noProxy: String?
    public var proxyFromEnvironment = false
    public var proxyConnectHeader: RawYAML?
    public var httpHeaders: RawYAML?

    public init() {}

    static let yamlKeys = [
        "basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file", "tls_config",
        "follow_redirects", "enable_http2", "proxy_url", "no_proxy", "proxy_from_environment",
        "proxy_connect_header", "http_headers",
    ]

    mutating func resolvePaths(relativeTo dir: String) {
        if var b = basicAuth {
            b.usernameFile = joinDir(dir, b.usernameFile)
            b.passwordFile = joinDir(dir, b.passwordFile)
            basicAuth = b
        }
        if var a = authorization {
            a.credentialsFile = joinDir(dir, a.credentialsFile)
            authorization = a
        }
        tlsConfig.resolvePaths(relativeTo: dir)
    }
}

public struct BasicAuth: Hashable, Sendable {
    public var username = ""
    public var usernameFile: String?
    public var password = Secret("")
    public var passwordFile: String?
    public init() {}
}

public struct Authorization: Hashable, Sendable {
    public var type = "Bearer"
    public var credentials = Secret("")
    public var credentialsFile: String?
    public init() {}
}

public struct TLSConfig: Hashable, Sendable {
    public var ca: String?
    public var cert: String?
    public var key: Secret?
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var serverName: String?
    public var insecureSkipVerify = false
    public var minVersion: String?
    public var maxVersion: String?
    public init() {}

    static let yamlKeys = ["ca", "cert", "key", "ca_file", "cert_file", "key_file", "server_name",
                           "insecure_skip_verify", "min_version", "max_version"]

    mutating func resolvePaths(relativeTo dir: String) {
        caFile = joinDir(dir, caFile)
        certFile = joinDir(dir, certFile)
        keyFile = joinDir(dir, keyFile)
    }
}

/// Prometheus's `config.JoinDir`: relative paths are taken relative to the config file's directory.
func joinDir(_ dir: String, _ path: String?) -> String? {
    guard let path, !path.isEmpty else { return path }
    return joinDirPath(dir, path)
}

func joinDir(_ dir: String, _ path: String) -> String { joinDirPath(dir, path) }

func joinDirPath(_ dir: String, _ path: String) -> String {
    if path.isEmpty || path.hasPrefix("/") || dir.isEmpty { return path }
    return dir.hasSuffix("/") ? dir + path : dir + "/" + path
}

extension YAMLContext {
    /// Reads the inline HTTP client fields of `m` and validates them like `HTTPClientConfig.Validate`.
    func httpClientConfig(_ m: MapReader) throws(ConfigError) -> HTTPClientConfig {
        var c = HTTPClientConfig()
        if let n = m.value("basic_auth"), let b = try mapping(n, type: "config.BasicAuth",
                known: ["username", "username_file", "password", "password_file"]) {
            var ba = BasicAuth()
            ba.username = try b.string("username") ?? ""
            ba.usernameFile = try b.string("username_file")
            ba.password = Secret(try b.string("password") ?? "")
            ba.passwordFile = try b.string("password_file")
            if !ba.username.isEmpty && !(ba.usernameFile ?? "").isEmpty {
                throw m.error("basic_auth", "at most one of basic_auth username, username_file & username_ref must be configured")
            }
            if !ba.password.isEmpty && !(ba.passwordFile ?? "").isEmpty {
                throw m.error("basic_auth", "at most one of basic_auth password, password_file & password_ref must be configured")
            }
            c.basicAuth = ba
        }
        if let n = m.value("authorization"), let a = try mapping(n, type: "config.Authorization",
                known: ["type", "credentials", "credentials_file"]) {
            var au = Authorization()
            au.type = (try a.string("type") ?? "").trimmingCharacters(in: .whitespaces)
            if au.type.isEmpty { au.type = "Bearer" }
            au.credentials = Secret(try a.string("credentials") ?? "")
            au.credentialsFile = try a.string("credentials_file")
            if au.type.lowercased() == "basic" {
                throw m.error("authorization", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead")
            }
            if !au.credentials.isEmpty && !(au.credentialsFile ?? "").isEmpty {
                throw m.error("authorization", "at most one of authorization credentials & credentials_file must be configured")
            }
            c.authorization = au
        }
        if let n = m.value("oauth2"), !isNull(n) { c.oauth2 = raw(n) }
        let bearer = try m.string("bearer_token") ?? ""
        let bearerFile = try m.string("bearer_token_file") ?? ""
        if !bearer.isEmpty && !bearerFile.isEmpty {
            throw m.error("bearer_token", "at most one of bearer_token & bearer_token_file must be configured")
        }
        if (c.basicAuth != nil || c.oauth2 != nil) && (!bearer.isEmpty || !bearerFile.isEmpty) {
            throw m.error(bearer.isEmpty ? "bearer_token_file" : "bearer_token", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
        }
        if c.authorization != nil {
            if !bearer.isEmpty || !bearerFile.isEmpty {
                throw m.error("authorization", "authorization is not compatible with bearer_token & bearer_token_file")
            }
            if c.basicAuth != nil || c.oauth2 != nil {
                throw m.error("authorization", "at most one of basic_auth, oauth2 & authorization must be configured")
            }
        } else if !bearer.isEmpty {
            var au = Authorization()
            au.credentials = Secret(bearer)
            c.authorization = au
        } else if !bearerFile.isEmpty {
            var au = Authorization()
            au.credentialsFile = bearerFile
            c.authorization = au
        }
        if c.oauth2 != nil && c.basicAuth != nil {
            throw m.error("oauth2", "at most one of basic_auth, oauth2 & authorization must be configured")
        }
        if let n = m.value("tls_config") { c.tlsConfig = try tlsConfig(n) }
        c.followRedirects = try m.bool("follow_redirects") ?? true
        c.enableHTTP2 = try m.bool("enable_http2") ?? true
        c.proxyURL = try m.string("proxy_url")
        c.noProxy = try m.string("no_proxy")
        c.proxyFromEnvironment = try m.bool("proxy_from_environment") ?? false
        if let n = m.value("proxy_connect_header"), !isNull(n) { c.proxyConnectHeader = raw(n) }
        if let n = m.value("http_headers"), !isNull(n) { c.httpHeaders = raw(n) }
        if c.proxyFromEnvironment && !(c.proxyURL ?? "").isEmpty {
            throw m.error("proxy_from_environment", "if proxy_from_environment is configured, proxy_url must not be configured")
        }
        if !(c.noProxy ?? "").isEmpty && (c.proxyURL ?? "").isEmpty {
            throw m.error("no_proxy", "if no_proxy is configured, proxy_url must also be configured")
        }
        return c
    }

    func tlsConfig(_ node: Node) throws(ConfigError) -> TLSConfig {
        var t = TLSConfig()
        guard let m = try mapping(node, type: "config.TLSConfig", known: TLSConfig.yamlKeys) else { return t }
        t.ca = try m.string("ca")
        t.cert = try m.string("cert")
        t.key = try m.string("key").map(Secret.init)
        t.caFile = try m.string("ca_file")
        t.certFile = try m.string("cert_file")
        t.keyFile = try m.string("key_file")
        t.serverName = try m.string("server_name")
        t.insecureSkipVerify = try m.bool("insecure_skip_verify") ?? false
        t.minVersion = try m.string("min_version")
        t.maxVersion = try m.string("max_version")
        if t.ca != nil && t.caFile != nil { throw m.error("ca", "at most one of ca and ca_file must be configured") }
        if t.cert != nil && t.certFile != nil { throw m.error("cert", "at most one of cert and cert_file must be configured") }
        if t.key != nil && t.keyFile != nil { throw m.error("key", "at most one of key and key_file must be configured") }
        if (t.cert != nil || t.certFile != nil) != (t.key != nil || t.keyFile != nil) {
            throw m.error(nil, "exactly one of key or key_file must be configured when a client certificate is configured")
        }
        for (k, v) in [("min_version", t.minVersion), ("max_version", t.maxVersion)] {
            if let v, !["TLS10", "TLS11", "TLS12", "TLS13"].contains(v) {
                throw m.error(k, "unknown TLS version: \(v)")
            }
        }
        return t
    }
}
