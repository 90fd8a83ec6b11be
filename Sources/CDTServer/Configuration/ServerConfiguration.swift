public import Foundation
public import Logging

/// Everything the server needs to start, resolved from ``ConfigurationSources``.
///
/// | key | environment | default |
/// | --- | --- | --- |
/// | `http.host` | `HTTP_HOST` | `127.0.0.1` |
/// | `http.port` | `HTTP_PORT` | `8080` |
/// | `database.url` | `DATABASE_URL` | none: the embedded cluster |
/// | `database.app.url` | `DATABASE_APP_URL` | none: `database.url` (see below) |
/// | `database.pool.size` | `DATABASE_POOL_SIZE` | `8` |
/// | `database.pool.timeout` | `DATABASE_POOL_TIMEOUT` | `10` (seconds) |
/// | `data.dir` | `CDT_DATA_DIR` | `/var/lib/cdt` as root, else `$XDG_DATA_HOME/cdt` or `~/.local/share/cdt` |
/// | `log.level` | `LOG_LEVEL` | `info` |
/// | `log.requests.slow` | `LOG_REQUESTS_SLOW` | `1000` (milliseconds; `0` logs every request at `info`) |
/// | `http.trusted.proxies` | `HTTP_TRUSTED_PROXIES` | none |
/// | `secret.key` | `CDT_SECRET_KEY` | `<data.dir>/secret.key`, made on first use |
/// | `session.idle.timeout` | `SESSION_IDLE_TIMEOUT` | `3600` (seconds) |
/// | `database.allow-owner-role` | `CDT_ALLOW_OWNER_ROLE` | `false` |
/// | `http.cursor-key` | `HTTP_CURSOR_KEY` | none: a key made at start |
/// | `modules.delivery.concurrency` | `MODULES_DELIVERY_CONCURRENCY` | `2` |
///
/// `database.url` connects as the owner of the tables (migrations run as it); `database.app.url` as the
/// role the server serves requests as, which owns no table and has no BYPASSRLS (`cdt_app`, created by the
/// migrations; give it a password). Without it the server would serve as the owner, where row-level
/// security does not apply: it refuses to start as a superuser, a BYPASSRLS role or a table owner unless
/// `database.allow-owner-role` is true. The embedded cluster uses both roles on its private socket.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The database to use; `nil` means the embedded cluster under ``dataDirectory``.
    public var databaseURL: String?
    /// The database as the application role; `nil` means ``databaseURL`` itself.
    public var databaseAppURL: String?
    public var poolSize: Int
    public var poolTimeoutSeconds: Int
    /// The data folder of the embedded cluster.
    public var dataDirectory: String
    public var logLevel: Logger.Level
    /// Which answered requests get a line at `info`: errors, and requests slower than `log.requests.slow`.
    public var requestLog = RequestLogPolicy()
    /// The reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    public var trustedProxies: TrustedProxies = .none
    /// The key two-factor secrets are sealed with (base64 of 32 bytes); `nil` means the one kept in
    /// `<data.dir>/secret.key`.
    public var secretKey: String?
    /// Seconds a session may go unused before it ends.
    public var sessionIdleTimeoutSeconds: Int = 3600
    /// Whether the server may serve as a role row-level security does not hold (see ``ServingRole``).
    public var allowOwnerRole = false
    /// The secret list cursors are signed with (at least 32 characters); `nil` makes one at start, so
    /// cursors do not outlive the process. Give every instance behind a load balancer the same one.
    public var cursorKey: String?
    /// How many provinces' batches of events the module dispatcher delivers at once (see ``ModuleDispatcher``).
    public var deliveryConcurrency = 2

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databaseURL: String? = nil, poolSize: Int = 8,
        poolTimeoutSeconds: Int = 10, dataDirectory: String = ServerConfiguration.defaultDataDirectory(), logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.poolSize = poolSize
        self.poolTimeoutSeconds = poolTimeoutSeconds
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
    }

    /// Resolves every setting, flags first, then environment, then file, then defaults.
    /// - Throws: ``ConfigurationError`` for a malformed value, naming its key and source.
    public init(from sources: ConfigurationSources) throws {
        self.init()
        host = sources.string("http.host") ?? host
        port = try sources.integer("http.port", in: 0...65_535) ?? port
        databaseURL = sources.string("database.url").flatMap { $0.isEmpty ? nil : $0 }
        databaseAppURL = sources.string("database.app.url").flatMap { $0.isEmpty ? nil : $0 }
        poolSize = try sources.integer("database.pool.size", in: 1...500) ?? poolSize
        poolTimeoutSeconds = try sources.integer("database.pool.timeout", in: 1...3600) ?? poolTimeoutSeconds
        allowOwnerRole = try sources.boolean("database.allow-owner-role") ?? allowOwnerRole
        if let (key, source) = sources.value("http.cursor-key") {
            guard key.count >= 32 else { throw ConfigurationError("\(source) must be at least 32 characters, not \(key.count)") }
            cursorKey = key
        }
        dataDirectory = sources.string("data.dir") ?? Self.defaultDataDirectory(environment: sources.environment)
        if let (text, source) = sources.value("http.trusted.proxies") {
            do { trustedProxies = try TrustedProxies(parsing: text) } catch let error as ConfigurationError {
                throw ConfigurationError("\(source): \(error.message.replacingOccurrences(of: "http.trusted.proxies: ", with: ""))")
            }
        }
        if let (text, source) = sources.value("secret.key") {
            guard TwoFactorSecrets.key(base64: text) != nil else {
                throw ConfigurationError("\(source) must be 32 bytes in base64 (make one with: openssl rand -base64 32)")
            }
            secretKey = text
        }
        sessionIdleTimeoutSeconds = try sources.integer("session.idle.timeout", in: 60...86_400) ?? sessionIdleTimeoutSeconds
        if let concurrency = try sources.integer("modules.delivery.concurrency", in: 1...16), let (_, source) = sources.value("modules.delivery.concurrency") {
            // Each delivery holds a connection and may read ahead on another; two are left for requests.
            guard concurrency * 2 + 2 <= poolSize else {
                throw ConfigurationError("\(source) is \(concurrency): it needs database.pool.size of at least \(concurrency * 2 + 2) (two connections for each delivery, two for requests), not \(poolSize)")
            }
            deliveryConcurrency = concurrency
        }
        if let slow = try sources.integer("log.requests.slow", in: 0...3_600_000) { requestLog.slowThreshold = .milliseconds(slow) }
        if let (text, source) = sources.value("log.level") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(source) must be one of trace, debug, info, notice, warning, error, critical, not '\(text)'")
            }
            logLevel = level
        }
    }

    /// `/var/lib/cdt` as root (reachable by the `postgres` user that runs the cluster), else a folder in
    /// the user's data home.
    public static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if geteuid() == 0 { return "/var/lib/cdt" }
        if let dataHome = environment["XDG_DATA_HOME"], !dataHome.isEmpty { return dataHome + "/cdt" }
        return (environment["HOME"] ?? NSTemporaryDirectory()) + "/.local/share/cdt"
    }
}
