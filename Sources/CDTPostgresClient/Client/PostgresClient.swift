public import Logging
public import ServiceLifecycle
import NIOPosix

/// The PostgreSQL client the platform uses for every database call: a bounded pool of libpq connections
/// whose blocking calls run on a dedicated thread pool, never on Swift's cooperative pool.
///
/// ```swift
/// let db = PostgresClient(configuration: .init(conninfo: "postgresql://localhost/cdt"), logger: logger)
/// let rows = try await db.query("SELECT name FROM units WHERE code = \(code)")
/// try await db.withTransaction { tx in
///     try await tx.execute("INSERT INTO teams (id, village) VALUES (\(id), \(village))")
/// }
/// ```
///
/// As a `Service` it closes its connections when the service group shuts down.
public final class PostgresClient: Sendable, Service {
    public let configuration: PostgresClientConfiguration
    let logger: Logger
    let pool: ConnectionPool
    let threadPool: NIOThreadPool

    /// Creates the client. No connection is opened until the first call needs one.
    public init(configuration: PostgresClientConfiguration, logger: Logger = Logger(label: "cdt.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.pool = ConnectionPool(capacity: configuration.maximumConnections, leaseTimeout: configuration.leaseTimeout)
        // One thread per connection, so a blocking call never queues behind another.
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maximumConnections)
        self.threadPool.start()
    }

    // MARK: Running statements

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs one statement and returns how many rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await withConnection { try await $0.execute(query) }
    }

    /// Runs SQL text of one or more statements, with no parameters. Never pass text built from input.
    public func execute(unsafeSQL sql: String) async throws {
        try await withConnection { try await $0.execute(unsafeSQL: sql) }
    }

    /// Loads rows with `COPY table (columns) FROM STDIN`; see ``PostgresSession/copy(into:columns:rows:)``.
    @discardableResult
    public func copy(into table: String, columns: [String], rows: @escaping @Sendable (inout PostgresCopyWriter) throws -> Void) async throws -> Int {
        try await withConnection { try await $0.copy(into: table, columns: columns, rows: rows) }
    }

    /// Sends a notification on `channel` (delivered when the surrounding transaction, if any, commits).
    public func notify(channel: String, payload: String = "") async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }

    // MARK: Leasing

    /// Runs `body` with a connection of its own, returned to the pool afterwards, even when `body` throws
    /// or the task is cancelled. The session must not escape `body`.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        let connection = try await leaseConnection()
        let session = PostgresSession(connection: connection, threadPool: threadPool)
        let result: Result
        // Every lease says its whole scope, even "none", in one statement: whatever the connection's
        // previous lease set (its scope, or a setting a statement of its body changed) never carries over.
        // It runs just before the body's first statement, on the same trip to the blocking pool.
        connection.pendingScope = (RowScope.current ?? .noProvince).statement
        do {
            result = try await body(session)
        } catch {
            await giveBack(connection)
            throw error
        }
        await giveBack(connection)
        return result
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        try await withConnection { session in try await session.withTransaction(body) }
    }

    private func leaseConnection() async throws -> PostgresConnection {
        try Task.checkCancellation()
        if case .connection(let connection) = try await pool.lease() {
            // The health check waits for nothing (see `isUsable`), so it runs here, not on the blocking pool:
            // a hand-off there and back costs two thread wake-ups, and every lease makes one.
            if connection.isUsable { return connection }
            // Broken while idle (a server restart, say): close it and reuse its slot for a new one.
            logger.info("discarding a broken pooled connection")
            await close(connection, freeingSlot: false)
        }
        do {
            let configuration = configuration
            return try await threadPool.runBlocking {
                try PostgresConnection.connect(conninfo: configuration.conninfo, connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                                              sessionSettings: configuration.sessionSettings)
            }
        } catch {
            pool.releaseSlot()
            throw error
        }
    }

    /// Returns a connection to the pool if it is healthy and outside any transaction; closes it otherwise.
    /// (The next lease overwrites its row scope before its first statement.)
    private func giveBack(_ connection: PostgresConnection) async {
        // A lease that ran no statement never needed its scope, nor a transaction it never finished.
        connection.pendingScope = nil
        connection.deferredControl.removeAll()
        connection.genericPlanLevel = nil
        // The checks wait for nothing and run here; only a rollback, a round trip, goes to the blocking pool.
        let healthy: Bool
        if !connection.isUsable {
            healthy = false
        } else if connection.isIdle {
            healthy = true
        } else {
            healthy = (try? await threadPool.runBlocking { () -> Bool in
                // A transaction left open (a raw BEGIN, say) must not leak into the next lease.
                connection.transactionDepth = 0
                return (try? connection.executeSimple("ROLLBACK")) != nil && connection.isIdle
            }) ?? false
        }
        guard healthy else {
            await close(connection)
            return
        }
        if let leftover = pool.release(connection) {
            await close(leftover, freeingSlot: false)
        }
    }

    /// Closes a connection on the blocking pool (`PQfinish` may wait for the network), freeing its slot
    /// unless the slot is reused or the pool already let it go.
    private func close(_ connection: PostgresConnection, freeingSlot: Bool = true) async {
        _ = try? await threadPool.runBlocking { connection.close() }
        if freeingSlot { pool.releaseSlot() }
    }

    // MARK: Lifecycle

    /// Idle and in-use connection counts, and the number of callers waiting for one.
    public var poolStatistics: (idle: Int, inUse: Int, waiting: Int) { pool.statistics }

    /// Closes idle connections and refuses new work; connections in use close when they are returned.
    public func close() async {
        for connection in pool.close() {
            await close(connection, freeingSlot: false)
        }
        try? await threadPool.shutdownGracefully()
    }

    /// Runs until graceful shutdown, then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
