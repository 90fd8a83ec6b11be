public import Logging

/// Applies migrations in order, each in its own transaction, and records them with a SHA-256 checksum
/// in `cdt_schema_migrations`.
///
/// For each owner, the applied migrations must be the first ones registered, unchanged: a changed applied
/// file, or an applied migration this build does not know, stops the run with a message naming the file.
/// A file rewritten under the rule of ``Migration`` (it names the earlier text's checksum) is accepted,
/// and its record takes the new checksum when the run applies what is pending.
/// Runners on several processes at once are serialized by an advisory lock.
public struct MigrationRunner: Sendable {
    public let client: PostgresClient
    public let migrations: [Migration]
    let logger: Logger

    /// - Parameters:
    ///   - migrations: every migration this build knows, in registration order (core first).
    public init(client: PostgresClient, migrations: [Migration], logger: Logger = Logger(label: "cdt.migrations")) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// What the database holds compared with this build.
    public enum Status: Sendable, Equatable {
        /// Every migration is applied.
        case current
        /// These are still to apply, in order.
        case pending([String])
        /// The database and this build disagree; the message says how and names the file.
        case conflict(String)
    }

    /// Reads the state without changing anything.
    public func status() async throws -> Status {
        try await client.withConnection { try await plan($0) }
    }

    /// Applies what is pending and returns the paths applied (empty when there was nothing to do).
    /// - Throws: ``MigrationError`` when the database and this build disagree.
    @discardableResult
    public func apply() async throws -> [String] {
        try await client.withConnection { session in
            // The lock comes first, so two processes starting on an empty database do not race to create the table.
            try await session.control("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                try await ensureTable(session)
                let applied = try await applyPending(session)
                try await recordRewrittenTexts(session)
                try await session.control("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                try? await session.control("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func applyPending(_ session: PostgresSession) async throws -> [String] {
        switch try await plan(session) {
        case .current:
            return []
        case .conflict(let message):
            throw MigrationError(message: message)
        case .pending(let paths):
            let pending = migrations.filter { paths.contains($0.path) }
            for migration in pending {
                logger.info("applying migration", metadata: ["migration": "\(migration.path)"])
                do {
                    try await session.withTransaction { tx in
                        try await tx.execute(unsafeSQL: migration.sql)
                        try await tx.execute("""
                            INSERT INTO cdt_schema_migrations (owner, name, checksum)
                            VALUES (\(migration.owner), \(migration.name), encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex'))
                            """)
                    }
                } catch let error as PostgresError {
                    throw MigrationError(message: "\(migration.path) failed: \(error.message)", underlying: error)
                }
            }
            return pending.map(\.path)
        }
    }

    /// Records the current checksum of every applied file rewritten under the rule of ``Migration``.
    private func recordRewrittenTexts(_ session: PostgresSession) async throws {
        for migration in migrations where !migration.replacedChecksums.isEmpty {
            try await session.execute("""
                UPDATE cdt_schema_migrations SET checksum = encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex')
                WHERE owner = \(migration.owner) AND name = \(migration.name) AND checksum = ANY(\(migration.replacedChecksums))
                """)
        }
    }

    private func ensureTable(_ session: PostgresSession) async throws {
        try await session.execute(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS cdt_schema_migrations (
                owner text NOT NULL,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (owner, name)
            )
            """)
    }

    /// Compares what is recorded with what this build has; checksums are computed by PostgreSQL.
    /// Before the first migration the table does not exist, and everything is pending.
    private func plan(_ session: PostgresSession) async throws -> Status {
        let hasTable = try await session.query("SELECT to_regclass('cdt_schema_migrations') IS NOT NULL").decode(Bool.self)[0]
        let recorded = hasTable
            ? try await session.query("SELECT owner, name, checksum FROM cdt_schema_migrations ORDER BY owner, name COLLATE \"C\"")
                .decode((String, String, String).self)
            : []
        // Every known file's checksum in one round trip, in registration order.
        let checksums = try await session.query("""
            SELECT encode(sha256(convert_to(t.sql, 'UTF8')), 'hex') FROM unnest(\(migrations.map(\.sql))) WITH ORDINALITY AS t(sql, n) ORDER BY t.n
            """).decode(String.self)
        var checksumByPath: [String: String] = [:]
        for (migration, checksum) in zip(migrations, checksums) { checksumByPath[migration.path] = checksum }
        var recordedByOwner: [String: [(name: String, checksum: String)]] = [:]
        for (owner, name, checksum) in recorded { recordedByOwner[owner, default: []].append((name, checksum)) }

        var pending: [String] = []
        for owner in orderedOwners {
            let known = migrations.filter { $0.owner == owner }
            let applied = recordedByOwner.removeValue(forKey: owner) ?? []
            for (index, record) in applied.enumerated() {
                guard index < known.count, known[index].name == record.name else {
                    return .conflict("the database has migration sql/\(owner)/\(record.name) applied, which this build does not have in that place; is an older cdt running against a newer database?")
                }
                let checksum = checksumByPath[known[index].path] ?? ""
                guard checksum == record.checksum || known[index].replacedChecksums.contains(record.checksum) else {
                    return .conflict("\(known[index].path) was changed after it was applied (recorded checksum \(record.checksum.prefix(12))…, file now \(checksum.prefix(12))…); restore the file and put the change in a new migration")
                }
            }
            pending += known.dropFirst(applied.count).map(\.path)
        }
        return pending.isEmpty ? .current : .pending(pending)
    }

    /// Owners in registration order; owners the database knows but this build does not are left alone,
    /// since a module may be compiled out while its tables remain.
    private var orderedOwners: [String] {
        var seen: Set<String> = []
        return migrations.map(\.owner).filter { seen.insert($0).inserted }
    }

    /// `hashtext('cdt_schema_migrations')`, fixed so every process uses the same lock.
    static let lockKey = 727_365_001
}

/// The database and this build disagree about migrations; the message names the file.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var underlying: PostgresError?
    public init(message: String, underlying: PostgresError? = nil) {
        self.message = message
        self.underlying = underlying
    }
    public var description: String { message }
}
