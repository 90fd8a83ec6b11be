import Foundation
import NIOPosix

/// One leased connection, handed to the body of ``PostgresClient/withConnection(isolation:_:)`` and
/// ``PostgresClient/withTransaction(isolation:_:)``. Statements on a session run one after another on
/// the same connection, so a transaction sees its own writes. Do not keep a session past its body.
public struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let threadPool: NIOThreadPool

    /// Runs one statement and returns its rows. Cancelling the task asks the server to cancel it.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await blocking(cancellable: true) { connection in try connection.run(query) }
    }

    /// Runs one statement and returns how many rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Runs SQL text of one or more statements with no parameters. Never pass text built from input.
    public func execute(unsafeSQL sql: String) async throws {
        _ = try await blocking(cancellable: true) { connection in try connection.executeSimple(sql) }
    }

    /// Loads rows with `COPY table (columns) FROM STDIN` in text format and returns how many were stored.
    /// `rows` runs on the client's thread pool; a throw from it aborts the COPY, leaving nothing behind.
    ///
    /// ```swift
    /// try await session.copy(into: "units", columns: ["code", "name", "parent_code"]) { writer in
    ///     for unit in units { try writer.appendRow(unit.code, unit.name, unit.parentCode) }
    /// }
    /// ```
    @discardableResult
    public func copy(into table: String, columns: [String], rows: @escaping @Sendable (inout PostgresCopyWriter) throws -> Void) async throws -> Int {
        let statement = "COPY \(PostgresQuery.quoteIdentifier(table)) ("
            + columns.map(PostgresQuery.quoteIdentifier).joined(separator: ", ") + ") FROM STDIN"
        return try await blocking(cancellable: true) { connection in try connection.copyIn(statement, rows) }
    }

    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` when it returns or `ROLLBACK` when it throws.
    /// `BEGIN`, `SAVEPOINT` and `RELEASE SAVEPOINT` are sent with the next statement rather than on trips
    /// of their own to the blocking pool.
    ///
    /// Nesting is allowed: a transaction inside a transaction is a savepoint, released on return and
    /// rolled back to on a throw, so the inner failure undoes only the inner work.
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        let depth = connection.transactionDepth
        let savepoint = "cdt_savepoint_\(depth)"
        connection.deferredControl.append(depth == 0 ? "BEGIN" : "SAVEPOINT \(savepoint)")
        connection.transactionDepth = depth + 1
        let result: Result
        do {
            result = try await body(self)
        } catch {
            connection.transactionDepth = depth
            undoGenericPlans(above: depth)
            try? await control(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)")
            throw error
        }
        connection.transactionDepth = depth
        // A statement that failed inside the body (and was caught there) aborted the transaction:
        // COMMIT would silently roll back, so say so instead.
        if connection.isInFailedTransaction {
            undoGenericPlans(above: depth)
            try? await control(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)")
            throw PostgresError(code: .server, message: "a statement in the transaction failed, so it was rolled back", query: "COMMIT")
        }
        do {
            if depth == 0 {
                connection.genericPlanLevel = nil
                try await control("COMMIT")
            } else {
                // Released, the savepoint's settings belong to the level around it.
                if let level = connection.genericPlanLevel, level > depth { connection.genericPlanLevel = depth }
                connection.deferredControl.append("RELEASE SAVEPOINT \(savepoint)")
            }
        } catch {
            if depth == 0 { try? await control("ROLLBACK") }
            throw error
        }
        return result
    }

    /// Forgets ``planGenerically()`` when it was called at a level deeper than `depth`, whose rollback undoes it.
    private func undoGenericPlans(above depth: Int) {
        if let level = connection.genericPlanLevel, level > depth { connection.genericPlanLevel = nil }
    }

    /// Has PostgreSQL plan the rest of the transaction's statements once, generically, and run that plan
    /// whatever their values (`SET LOCAL plan_cache_mode = force_generic_plan`, sent with the next statement
    /// rather than on a trip of its own). Outside a transaction it does nothing.
    ///
    /// For statements whose best plan does not depend on their values, such as reads by key of arrays of
    /// ids: PostgreSQL prices the generic plan of such a read above the custom plan for a short array, so
    /// it plans the read anew at every execution, which can take longer than running it. It ends with the
    /// transaction (or the savepoint it was called in, when that is rolled back).
    ///
    /// ```swift
    /// try await client.withTransaction { tx in
    ///     tx.planGenerically()
    ///     let known = try await tx.query("SELECT id FROM households WHERE id = ANY(\(ids))")
    ///     …
    /// }
    /// ```
    public func planGenerically() {
        guard connection.transactionDepth > 0, connection.genericPlanLevel == nil else { return }
        connection.genericPlanLevel = connection.transactionDepth
        connection.deferredControl.append("SET LOCAL plan_cache_mode = force_generic_plan")
    }

    // MARK: Plumbing

    /// Transaction control runs even when the task is cancelled, so a rollback is never skipped.
    func control(_ sql: String) async throws {
        _ = try await blocking(cancellable: false) { connection in try connection.executeSimple(sql) }
    }

    /// Runs `work` on the thread pool. A cancellable statement is checked for cancellation first, and
    /// cancelling the task while it runs sends `PQcancel` from a short-lived thread of its own: it blocks
    /// while it talks to the server, and every pool thread may be busy running statements.
    private func blocking<Value: Sendable>(
        cancellable: Bool,
        _ work: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        let connection = connection
        let threadPool = threadPool
        if cancellable { try Task.checkCancellation() }
        let generation = connection.beginStatement()
        defer { connection.endStatement() }
        let run = { try await threadPool.runBlocking { try work(connection) } }
        guard cancellable else { return try await run() }
        return try await withTaskCancellationHandler(operation: run) {
            Thread { connection.cancelRunningStatement(generation: generation) }.start()
        }
    }
}
