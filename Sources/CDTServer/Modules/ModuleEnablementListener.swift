public import CDTPostgres
public import Logging
public import ServiceLifecycle

/// Keeps a ``ModuleEnablementCache`` honest: listens on its channel (`LISTEN cdt_module_enablements`, on a
/// connection of its own) and empties it on every notice the core's triggers send. The cache serves nothing
/// until this listens, and nothing from the moment its connection is lost until it listens again; so a
/// module disabled by any process (another server, `cdt modules disable`, plain SQL) stops answering here as
/// soon as the notice arrives, and never later than the cache's time to live.
public struct ModuleEnablementListener: Service {
    public let cache: ModuleEnablementCache
    /// Where to listen: the server's database (any role may `LISTEN`).
    public let conninfo: String
    public let logger: Logger

    public init(cache: ModuleEnablementCache, conninfo: String, logger: Logger) {
        self.cache = cache
        self.conninfo = conninfo
        self.logger = logger
    }

    public func run() async throws {
        let cache = cache
        let notices = PostgresListener.listen(conninfo: conninfo, channels: [ModuleEnablementCache.channel], logger: logger) { connected in
            if connected { cache.listenerConnected() } else { cache.listenerDisconnected() }
        }
        defer { cache.listenerDisconnected() }
        await cancelWhenGracefulShutdown {
            for await _ in notices { cache.flush() }
        }
    }
}
