import CLibPQ

/// Which statements a connection has prepared (`PQprepare`), so a statement it runs again is only bound
/// and executed: PostgreSQL parses, analyses and rewrites it once per connection, and may keep a generic
/// plan instead of planning it on every run.
///
/// A statement is prepared the second time the connection sees its text with the same parameter types,
/// so text built once (an `unsafeSQL` fragment with values in it) does not fill the server's memory. Only
/// plain reads and writes are prepared (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `WITH`, `VALUES`), never
/// transaction control or schema changes, and at most ``capacity`` of them per connection: when it holds
/// that many, the one run least recently makes room (``leastRecentlyRun``, `DEALLOCATE`). Texts that carry
/// dates (the drill-down's reads) take one each, and a server runs for weeks: without the room made, every
/// statement met after the first 512 would be planned on every run.
struct PreparedStatements {
    /// A statement's text and the types of its parameters: the same text with other types is another
    /// statement for the server.
    struct Key: Hashable {
        let sql: String
        let types: [Oid]
    }

    /// What ``PostgresConnection/run(_:)`` does with a statement.
    enum Plan: Equatable {
        /// Runs it unprepared (`PQexecParams`).
        case unprepared
        /// Prepares it under this name, then runs it.
        case prepare(String)
        /// Runs the statement prepared under this name.
        case execute(String)
    }

    /// How many statements one connection prepares at most; the project's own SQL has a few hundred.
    static let capacity = 512
    /// How many statements seen once are remembered before that memory starts again.
    static let seenCapacity = 4_096

    /// A statement the server prepared: its name, and when it last ran (on ``clock``).
    private struct Prepared {
        let name: String
        var lastRun: UInt64
    }

    private var names: [Key: Prepared] = [:]
    private var clock: UInt64 = 0
    private var seenOnce: Set<Key> = []
    private var lastNumber = 0

    var isEmpty: Bool { names.isEmpty }

    /// Decides how to run `key`, counting this sighting of it.
    mutating func plan(for key: Key) -> Plan {
        clock &+= 1
        if let index = names.index(forKey: key) {
            names.values[index].lastRun = clock
            return .execute(names.values[index].name)
        }
        guard Self.isPreparable(key.sql) else { return .unprepared }
        guard seenOnce.remove(key) != nil else {
            if seenOnce.count >= Self.seenCapacity { seenOnce.removeAll(keepingCapacity: true) }
            seenOnce.insert(key)
            return .unprepared
        }
        lastNumber += 1
        return .prepare("cdt_\(lastNumber)")
    }

    /// Records that the server prepared `key` as `name`.
    mutating func prepared(_ key: Key, as name: String) {
        names[key] = Prepared(name: name, lastRun: clock)
    }

    /// Forgets `key`, whose prepared statement the server can no longer run as it is (or that made room).
    mutating func forget(_ key: Key) {
        names[key] = nil
    }

    /// When ``capacity`` statements are prepared, the one run least recently, to deallocate before another
    /// is prepared; `nil` while there is room.
    var leastRecentlyRun: (key: Key, name: String)? {
        guard names.count >= Self.capacity, let oldest = names.min(by: { $0.value.lastRun < $1.value.lastRun }) else { return nil }
        return (oldest.key, oldest.value.name)
    }

    /// Forgets every statement (after `DEALLOCATE ALL`).
    mutating func removeAll() {
        names.removeAll()
        seenOnce.removeAll()
    }

    /// Whether `sql` is a plain read or write, by its first word.
    static func isPreparable(_ sql: String) -> Bool {
        switch firstWord(of: sql) {
        case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES": true
        default: false
        }
    }

    /// Whether `sql` may change what a prepared statement's result looks like (its first word is `CREATE`,
    /// `ALTER` or `DROP`): after one, the connection starts again with nothing prepared.
    static func changesSchema(_ sql: String) -> Bool {
        switch firstWord(of: sql) {
        case "CREATE", "ALTER", "DROP": true
        default: false
        }
    }

    /// Whether `sql` is only transaction control, which changes nothing a prepared statement depends on.
    static func isTransactionControl(_ sql: String) -> Bool {
        switch firstWord(of: sql) {
        case "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE": true
        default: false
        }
    }

    /// The first word of `sql` in capitals, after blanks, parentheses and `--` comments.
    static func firstWord(of sql: String) -> String {
        var word = ""
        var inComment = false
        for scalar in sql.unicodeScalars {
            if inComment {
                if scalar == "\n" { inComment = false }
                continue
            }
            if scalar.properties.isAlphabetic {
                word.unicodeScalars.append(scalar)
                if word.unicodeScalars.count > 8 { break }
                continue
            }
            if !word.isEmpty { break }
            if scalar == "-" { inComment = true }
        }
        return word.uppercased()
    }
}

extension PostgresError {
    /// The server refused to run a prepared statement because a table it reads changed shape since it was
    /// prepared ("cached plan must not change result type", SQLSTATE 0A000).
    var isStalePreparedStatement: Bool {
        sqlState == "0A000" && message.contains("cached plan must not change result type")
    }
}
