public import CDTPostgres
public import Logging
public import ServiceLifecycle

/// Keeps a ``SessionCache`` honest: listens on its channel (`LISTEN cdt_sessions`, on a connection of its
/// own) and empties it on every notice the core's triggers send. The cache serves nothing until this
/// listens, and nothing from the moment its connection is lost until it listens again; so a session
/// revoked by any process (another server, `cdt users`, plain SQL) is refused here as soon as the notice
/// arrives, and never later than the cache's time to live.
public struct SessionRevocationListener: Service {
    public let cache: SessionCache
    /// Where to listen: the database the server's sessions are in (any role may `LISTEN`).
    public let conninfo: String
    public let logger: Logger

    public init(cache: SessionCache, conninfo: String, logger: Logger) {
        self.cache = cache
        self.conninfo = conninfo
        self.logger = logger
    }

    public func run() async throws {
        let cache = cache
        let notices = PostgresListener.listen(conninfo: conninfo, channels: [SessionCache.channel], logger: logger) { connected in
            if connected { cache.listenerConnected() } else { cache.listenerDisconnected() }
        }
        defer { cache.listenerDisconnected() }
        await cancelWhenGracefulShutdown {
            for await _ in notices { cache.flush() }
        }
    }
}
