/// An error from the PostgreSQL client: what kind of failure, and everything known about it.
///
/// Server errors carry the SQLSTATE and the server's message, detail and hint. Every error that came
/// from running a statement carries the statement's SQL text, never its bound values.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Compare with the static constants: `error.code == .server`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed, authenticationFailed, databaseNotFound, serverUnreachable
            case connectionClosed, server, decoding, unsupportedType, poolTimeout, poolClosed, copyFailed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The connection could not be made, for a reason not listed below.
        public static let connectionFailed = Code(.connectionFailed)
        /// The server refused the user name or password.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The server is up, but the database named does not exist.
        public static let databaseNotFound = Code(.databaseNotFound)
        /// Nothing answered at the host, port or socket given.
        public static let serverUnreachable = Code(.serverUnreachable)
        /// An established connection broke (server restart, network failure).
        public static let connectionClosed = Code(.connectionClosed)
        /// The server rejected a statement; see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// A value could not be decoded into the Swift type asked for; see ``PostgresError/column``.
        public static let decoding = Code(.decoding)
        /// A Swift value or a PostgreSQL type that this client does not handle.
        public static let unsupportedType = Code(.unsupportedType)
        /// No pooled connection became free within the pool's timeout.
        public static let poolTimeout = Code(.poolTimeout)
        /// The pool was closed.
        public static let poolClosed = Code(.poolClosed)
        /// A COPY was aborted or refused.
        public static let copyFailed = Code(.copyFailed)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The five-character SQLSTATE from the server, such as `23505`; see ``SQLState``.
    public var sqlState: String?
    /// The primary message.
    public var message: String
    /// The server's detail line, if any.
    public var detail: String?
    /// The server's hint, if any.
    public var hint: String?
    /// The constraint the server named, if any (unique and foreign-key violations).
    public var constraint: String?
    /// The column a decoding error concerns.
    public var column: String?
    /// The SQL text of the statement, with `$n` placeholders and without its values.
    public var query: String?
    /// Where the failing call was made.
    public var file: String
    public var line: Int

    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, column: String? = nil, query: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.column = column
        self.query = query
        self.file = file
        self.line = line
    }

    /// For logs: everything but ``detail``, which quotes row values (a member's name or phone number in
    /// a key that was already taken, say) that have no place in a log line.
    public var description: String {
        var text = "PostgreSQL \(code)"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let column { text += " (column \"\(column)\")" }
        if let constraint { text += " (constraint \(constraint))" }
        if let hint { text += "; hint: \(hint)" }
        if let query { text += "; query: \(query)" }
        return text
    }
}

/// SQLSTATE codes the platform reacts to. The full list: PostgreSQL's "Appendix A. Error Codes".
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let exclusionViolation = "23P01"
    public static let foreignKeyViolation = "23503"
    public static let checkViolation = "23514"
    public static let notNullViolation = "23502"
    public static let syntaxError = "42601"
    public static let undefinedTable = "42P01"
    public static let queryCanceled = "57014"
    public static let adminShutdown = "57P01"
    public static let serializationFailure = "40001"
    public static let deadlockDetected = "40P01"
}

/// A failure inside a value decoder; the row turns it into a ``PostgresError`` naming the column.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

extension SQLState {
    /// The server is shutting down at an administrator's request (`pg_ctl stop -m fast`).
    public static let crashShutdown = "57P02"
    /// The server is starting up, shutting down or in recovery, and takes no connections yet.
    public static let cannotConnectNow = "57P03"
    /// Insufficient privilege, which row-level security raises for a row outside the transaction's provinces.
    public static let insufficientPrivilege = "42501"
    /// A string holds a character the database cannot store (NUL in `jsonb`).
    public static let untranslatableCharacter = "22P05"
}

extension PostgresError {
    /// Whether the database is out of reach for now (down, restarting, the connection broken, or the pool
    /// out of connections), so the same request may well succeed a moment later: the client's own connection
    /// failures, SQLSTATE class 08 (connection exception), and 57P01, 57P02, 57P03 (shutting down, starting).
    public var isUnavailable: Bool {
        if code == .connectionFailed || code == .serverUnreachable || code == .connectionClosed || code == .poolTimeout { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || [SQLState.adminShutdown, SQLState.crashShutdown, SQLState.cannotConnectNow].contains(sqlState)
    }

    /// Whether the server refused the statement for something in the data it was given (a broken
    /// constraint, an unstorable value, a row row-level security hides), rather than for the state of the
    /// connection or the transaction (classes 08, 40, 53, 57, 58 and XX, which a retry may cure).
    public var isStatementError: Bool {
        guard code == .server, !isUnavailable, let sqlState else { return false }
        return !["08", "40", "53", "57", "58", "XX"].contains(String(sqlState.prefix(2)))
    }
}
