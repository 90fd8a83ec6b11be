import CLibPQ
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Owns one libpq connection (`PGconn`). Every method blocks: callers run them on the client's thread pool,
/// and only one task uses a connection at a time (the pool guarantees it). `PQfinish` runs exactly once,
/// from ``close()`` or `deinit`.
final class PostgresConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Which statement is running, so a late cancellation cannot hit the next one, and the `PGcancel`
    /// handle that cancels it from another thread.
    private let running: Mutex<RunningStatement>

    /// Only touched under the mutex; `PGcancel` is documented as safe to use from another thread.
    private struct RunningStatement: @unchecked Sendable {
        var generation: UInt64 = 0
        var active = false
        var cancelHandle: OpaquePointer?
    }
    /// Savepoint depth for nested transactions.
    var transactionDepth = 0
    /// The statements prepared on this connection.
    private var preparedStatements = PreparedStatements()
    /// The row-scope statement of the current lease, not yet run: it runs just before the lease's first
    /// statement, on the same trip to the blocking pool (a trip costs two thread wake-ups). Set when the
    /// connection is leased, cleared when it is given back; only the lease's holder touches it.
    var pendingScope: PostgresQuery?
    /// `BEGIN`, `SAVEPOINT`, `RELEASE SAVEPOINT` and `SET LOCAL plan_cache_mode` (``PostgresSession/planGenerically()``)
    /// not sent yet: they go, in one message, just before the next statement, on its trip to the blocking pool
    /// (nothing runs between, so the outcome is the same).
    var deferredControl: [String] = []
    /// The transaction depth at which ``PostgresSession/planGenerically()`` set generic plans (a rollback to
    /// that level undoes it), or `nil` when the transaction plans as PostgreSQL chooses.
    var genericPlanLevel: Int?

    private init(handle: OpaquePointer) {
        self.handle = handle
        self.running = Mutex(RunningStatement(cancelHandle: PQgetCancel(handle)))
    }

    deinit { close() }

    /// Closes the connection; calling it again does nothing.
    func close() {
        running.withLock { state in
            if let cancelHandle = state.cancelHandle { PQfreeCancel(cancelHandle) }
            state.cancelHandle = nil
            state.active = false
        }
        if let handle { PQfinish(handle) }
        handle = nil
    }

    // MARK: Connecting

    /// Opens a connection from a URL (`postgresql://user@host/db`) or key/value conninfo (`host=… dbname=…`).
    ///
    /// The session is set to UTF-8, `TimeZone = 'UTC'` and ISO dates, which the value decoders rely on, and
    /// then to `sessionSettings` (``PostgresClientConfiguration/sessionSettings``), in the same message.
    static func connect(conninfo: String, connectTimeoutSeconds: Int = 10, sessionSettings: [String: String] = [:]) throws -> PostgresConnection {
        // Later keys override the expanded conninfo; earlier ones are defaults it may override.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = [String(connectTimeoutSeconds), "cdt", conninfo, "UTF8"]
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let error = connectionError(handle)
            PQfinish(handle)
            throw error
        }
        // Server notices ("relation already exists, skipping") are not errors; libpq would print them to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle)
        var settings = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET IntervalStyle TO 'iso_8601'; SET bytea_output TO 'hex'"
        for (name, value) in sessionSettings.sorted(by: { $0.key < $1.key }) {
            guard isSettingName(name) else {
                throw PostgresError(code: .connectionFailed, message: "session setting name \"\(name)\" is not a setting's name (letters, digits, _ and .)")
            }
            settings += "; SET \(name) TO '\(value.replacingOccurrences(of: "'", with: "''"))'"
        }
        try connection.executeSimple(settings)
        return connection
    }

    /// Letters, digits, `_` and `.`: all a PostgreSQL setting's name holds, so it can go into `SET` as it is.
    private static func isSettingName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ".") }
    }

    /// Turns libpq's message into an error whose code says what went wrong, without the password.
    private static func connectionError(_ handle: OpaquePointer) -> PostgresError {
        // libpq's message spans lines ("…failed: Connection refused\n\tIs the server running…"); keep it on one.
        let libpqMessage = String(cString: PQerrorMessage(handle))
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        let host = PQhost(handle).map { String(cString: $0) } ?? "?"
        let port = PQport(handle).map { String(cString: $0) } ?? "?"
        let database = PQdb(handle).map { String(cString: $0) } ?? "?"
        let user = PQuser(handle).map { String(cString: $0) } ?? "?"
        let target = "database \"\(database)\" as user \"\(user)\" at \(host):\(port)"
        let code: PostgresError.Code
        let lowered = libpqMessage.lowercased()
        if lowered.contains("password authentication failed") || lowered.contains("no password supplied")
            || lowered.contains("authentication failed") || lowered.contains("role") && lowered.contains("does not exist") {
            code = .authenticationFailed
        } else if lowered.contains("database") && lowered.contains("does not exist") {
            code = .databaseNotFound
        } else if lowered.contains("connection refused") || lowered.contains("no such file or directory")
            || lowered.contains("could not translate host name") || lowered.contains("timeout expired")
            || lowered.contains("network is unreachable") || lowered.contains("no route to host") {
            code = .serverUnreachable
        } else {
            code = .connectionFailed
        }
        let summary: String
        switch code {
        case .authenticationFailed: summary = "authentication failed for \(target)"
        case .databaseNotFound: summary = "\(target): the database does not exist"
        case .serverUnreachable: summary = "no PostgreSQL server answers for \(target)"
        default: summary = "cannot connect to \(target)"
        }
        return PostgresError(code: code, message: summary, detail: libpqMessage)
    }

    // MARK: Health

    /// Whether the connection is still good. Costs no round trip and never waits (a `poll` with no
    /// timeout, then only input already there), so callers run it on their own thread: it only reads what
    /// the server may already have sent (a termination notice after a restart, say).
    var isUsable: Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        // A server shutting down sends a FATAL message and then closes: reading the message and then the
        // end of the stream takes more than one read, so keep reading while input is waiting.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return false }
            guard PQconsumeInput(handle) == 1 else { return false }
            while let notification = PQnotifies(handle) { PQfreemem(notification) }
        }
        return PQstatus(handle) == CONNECTION_OK && PQisBusy(handle) == 0
    }

    /// Whether the connection sits outside any transaction.
    var isIdle: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    var isInFailedTransaction: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_INERROR
    }

    // MARK: Running statements

    /// Runs one statement with bound parameters; results come back in text form.
    func run(_ query: PostgresQuery) throws -> PostgresRows {
        guard let handle else { throw closedError(query.sql) }
        try sendPending()
        if let failed = query.bindings.first(where: { $0.encodingError != nil }) {
            throw PostgresError(code: .unsupportedType, message: "a parameter could not be encoded: \(failed.encodingError!)", query: query.sql)
        }
        if PreparedStatements.changesSchema(query.sql) { try forgetPreparedStatements() }
        let key = PreparedStatements.Key(sql: query.sql, types: query.bindings.map(\.type.oid))
        var plan = preparedStatements.plan(for: key)
        if case .prepare = plan, let oldest = preparedStatements.leastRecentlyRun {
            // Room for it: the statement run least recently goes (not in a failed transaction, which refuses
            // DEALLOCATE: the statement runs unprepared and fails as it would have).
            if isInFailedTransaction {
                plan = .unprepared
            } else {
                let result = PQexec(handle, "DEALLOCATE \(oldest.name)")
                defer { PQclear(result) }
                _ = try makeRows(result, query: "DEALLOCATE \(oldest.name)")
                preparedStatements.forget(oldest.key)
            }
        }
        if case .prepare(let name) = plan {
            let result = PQprepare(handle, name, query.sql, Int32(key.types.count), key.types)
            defer { PQclear(result) }
            _ = try makeRows(result, query: query.sql)
            preparedStatements.prepared(key, as: name)
        }
        let wasIdle = isIdle
        let result = withParameters(query.bindings) { count, types, values, lengths, formats in
            switch plan {
            case .unprepared: PQexecParams(handle, query.sql, count, types, values, lengths, formats, 0)
            case .prepare(let name), .execute(let name): PQexecPrepared(handle, name, count, values, lengths, formats, 0)
            }
        }
        defer { PQclear(result) }
        do {
            return try makeRows(result, query: query.sql)
        } catch let error as PostgresError where error.isStalePreparedStatement && plan != .unprepared {
            // A table the statement reads changed shape since it was prepared (a migration on another
            // connection): others may read it too, so start again with nothing prepared (only the one when a
            // failed transaction refuses DEALLOCATE), and run it again now when no transaction was open.
            if isIdle { try? forgetPreparedStatements() }
            preparedStatements.forget(key)
            guard wasIdle, isIdle else { throw error }
            return try run(query)
        }
    }

    /// Runs SQL text through the simple query protocol: several statements, no parameters.
    ///
    /// Anything but transaction control may change the schema (migrations run this way), so the
    /// connection's prepared statements are dropped after it.
    @discardableResult
    func executeSimple(_ sql: String) throws -> PostgresRows {
        guard let handle else { throw closedError(sql) }
        try sendPending()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let rows = try makeRows(result, query: sql)
        if !PreparedStatements.isTransactionControl(sql) { try forgetPreparedStatements() }
        return rows
    }

    /// Sends what waits for the next statement, in order: the lease's row scope, then the deferred
    /// transaction control. Every statement of a lease, whatever its kind, runs after both.
    func sendPending() throws {
        try applyPendingScope()
        try sendDeferredControl()
    }

    /// Runs the lease's row-scope statement if it has not run yet, before any deferred `BEGIN`: a scope set
    /// inside a transaction would be undone by its rollback, and the lease would go on under the previous
    /// lease's. If it fails (a cancellation, say), it stays pending, so a body that catches that error and
    /// goes on never runs a statement under the previous lease's scope.
    private func applyPendingScope() throws {
        guard let scope = pendingScope else { return }
        pendingScope = nil
        let control = deferredControl
        deferredControl = []
        defer { deferredControl = control + deferredControl }
        do {
            _ = try run(scope)
        } catch {
            pendingScope = scope
            throw error
        }
    }

    /// Sends the deferred transaction control in one message.
    private func sendDeferredControl() throws {
        guard !deferredControl.isEmpty, let handle else { return }
        let sql = deferredControl.joined(separator: "; ")
        deferredControl.removeAll()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        _ = try makeRows(result, query: sql)
    }

    /// Drops every statement this connection prepared (`DEALLOCATE ALL`), when it has any.
    private func forgetPreparedStatements() throws {
        guard !preparedStatements.isEmpty, let handle else { return }
        preparedStatements.removeAll()
        let result = PQexec(handle, "DEALLOCATE ALL")
        defer { PQclear(result) }
        _ = try makeRows(result, query: "DEALLOCATE ALL")
    }

    /// Marks a statement as running, for ``cancelRunningStatement(generation:)``.
    /// A connection runs one statement at a time: sharing a session between concurrent tasks is a bug.
    func beginStatement() -> UInt64 {
        running.withLock { state in
            precondition(!state.active, "a PostgresSession runs one statement at a time; do not use it from concurrent tasks")
            state.generation &+= 1
            state.active = true
            return state.generation
        }
    }

    func endStatement() {
        running.withLock { $0.active = false }
    }

    /// Asks the server to cancel the statement started as `generation`, if it is still running.
    /// Blocks while libpq sends the request, so callers run it on the thread pool.
    func cancelRunningStatement(generation: UInt64) {
        running.withLock { state in
            guard state.active, state.generation == generation, let cancelHandle = state.cancelHandle else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
        }
    }

    // MARK: Results

    func makeRows(_ result: OpaquePointer?, query: String) throws -> PostgresRows {
        guard let result else { throw connectionLost(query) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY else {
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                throw PostgresError(code: .unsupportedType, message: "COPY statements run through copy(into:columns:rows:)", query: query)
            }
            throw serverError(result, query: query)
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(PostgresColumn(
                name: String(cString: PQfname(result, Int32(column))),
                type: PostgresDataType(oid: PQftype(result, Int32(column)))))
        }
        var storage: [UInt8] = []
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(rowCount * columnCount)
        ends.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    starts.append(-1)
                    ends.append(-1)
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                starts.append(storage.count)
                if let value = PQgetvalue(result, row, column), length > 0 {
                    storage.append(contentsOf: UnsafeRawBufferPointer(start: value, count: length))
                }
                ends.append(storage.count)
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
        return PostgresRows(columns: columns, affectedRows: affected, storage: storage, cellStarts: starts, cellEnds: ends)
    }

    func serverError(_ result: OpaquePointer, query: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let sqlState = field("C")
        let broken = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(
            code: broken || sqlState == nil ? .connectionClosed : .server,
            message: message.isEmpty ? "the connection to the server was lost" : message,
            sqlState: sqlState, detail: field("D"), hint: field("H"), constraint: field("n"), query: query)
    }

    func connectionLost(_ query: String) -> PostgresError {
        let message = handle.map { String(cString: PQerrorMessage($0)).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return PostgresError(code: .connectionClosed, message: message.isEmpty ? "the connection to the server was lost" : message, query: query)
    }

    func closedError(_ query: String) -> PostgresError {
        PostgresError(code: .connectionClosed, message: "the connection is closed", query: query)
    }

    /// The raw handle, for the COPY and LISTEN extensions in this target.
    var rawHandle: OpaquePointer? { handle }
}

// MARK: - C buffers

/// Calls `body` with a NULL-terminated array of C strings that stay valid for the call.
func withCStringArray<Result>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    return body(duplicates.map { UnsafePointer($0) } + [nil])
}

/// Lays the parameters out in one buffer and calls `body` with libpq's parallel arrays, valid for the call.
func withParameters<Result>(
    _ bindings: [PostgresBinding],
    _ body: (Int32, [Oid], [UnsafePointer<CChar>?], [Int32], [Int32]) -> Result
) -> Result {
    var storage: [UInt8] = []
    var offsets: [Int] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    var types: [Oid] = []
    for binding in bindings {
        types.append(binding.type.oid)
        switch binding.value {
        case .null:
            offsets.append(-1)
            lengths.append(0)
            formats.append(0)
        case .text(let text):
            offsets.append(storage.count)
            storage.append(contentsOf: text.utf8)
            storage.append(0)
            lengths.append(0)
            formats.append(0)
        case .binary(let bytes):
            offsets.append(storage.count)
            storage.append(contentsOf: bytes)
            storage.append(0)
            lengths.append(Int32(bytes.count))
            formats.append(1)
        }
    }
    return storage.withUnsafeBufferPointer { buffer in
        let values: [UnsafePointer<CChar>?] = offsets.map { offset in
            guard offset >= 0, let base = buffer.baseAddress else { return nil }
            return UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
        }
        return body(Int32(bindings.count), types, values, lengths, formats)
    }
}
