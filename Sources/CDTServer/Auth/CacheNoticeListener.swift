public import CDTPostgres
public import Logging
public import ServiceLifecycle

/// A cache a server keeps only while it hears every change: a listener on ``channel`` calls
/// ``listenerConnected()`` once it listens, ``flush()`` on every notice, and ``listenerDisconnected()`` when
/// its connection is gone.
public protocol NoticeEmptiedCache: Sendable {
    /// The channel the core's triggers notify when something the cache holds changes.
    static var channel: String { get }
    func listenerConnected()
    func listenerDisconnected()
    func flush()
}

extension SessionCache: NoticeEmptiedCache {}
extension ModuleEnablementCache: NoticeEmptiedCache {}

/// Keeps a cache honest: listens on its channel (on a connection of its own) and empties it on every
/// notice. The cache serves nothing until this listens, and nothing from the moment its connection is lost
/// until it listens again; so a change made by any process (another server, the command line, plain SQL)
/// reaches it as soon as the notice arrives, and never later than the cache's time to live.
public struct CacheNoticeListener<Cache: NoticeEmptiedCache>: Service {
    public let cache: Cache
    /// Where to listen: the server's database (any role may `LISTEN`).
    public let conninfo: String
    public let logger: Logger

    public init(cache: Cache, conninfo: String, logger: Logger) {
        self.cache = cache
        self.conninfo = conninfo
        self.logger = logger
    }

    public func run() async throws {
        let cache = cache
        let notices = PostgresListener.listen(conninfo: conninfo, channels: [Cache.channel], logger: logger) { connected in
            if connected { cache.listenerConnected() } else { cache.listenerDisconnected() }
        }
        defer { cache.listenerDisconnected() }
        await cancelWhenGracefulShutdown {
            for await _ in notices { cache.flush() }
        }
    }
}

/// Empties the ``SessionCache`` on every `NOTIFY cdt_sessions` (a session revoked, an account disabled, a
/// role changed: `sql/core/0020_session_change_notices.sql`).
public typealias SessionRevocationListener = CacheNoticeListener<SessionCache>

/// Empties the ``ModuleEnablementCache`` on every `NOTIFY cdt_module_enablements` (a module enabled,
/// disabled or configured anywhere: `sql/core/0022_module_enablement_notices.sql`).
public typealias ModuleEnablementListener = CacheNoticeListener<ModuleEnablementCache>
