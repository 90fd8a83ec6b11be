import CDTPostgres
import Foundation
import Testing

/// A connection prepares a statement the second time it runs it, and runs the prepared one after that.
@Suite struct PreparedStatementTests {
    private static func byID(_ id: Int) -> PostgresQuery { "SELECT name FROM teams WHERE id = \(id)" }

    /// How many statements with exactly this text the session's connection has prepared.
    private func preparedCount(_ sql: String, _ db: PostgresSession) async throws -> Int {
        try await db.query("SELECT count(*)::int FROM pg_prepared_statements WHERE statement = \(sql)").decode(Int.self)[0]
    }

    private func makeTeams(_ db: PostgresSession) async throws {
        try await db.execute("CREATE TABLE teams (id int PRIMARY KEY, name text)")
        try await db.execute("INSERT INTO teams VALUES (1, \("Tổ thôn Đông")), (2, \("Tổ thôn Tây")), (3, \("Tổ bản Mường"))")
    }

    @Test func aStatementRunAgainIsPreparedOnceAndAnswersEveryTime() async throws {
        try await withTestClient(maximumConnections: 1) { client in
            try await client.withConnection { db in
                try await makeTeams(db)
                let sql = Self.byID(1).sql
                #expect(try await db.query(Self.byID(1)).decode(String.self) == ["Tổ thôn Đông"])
                #expect(try await preparedCount(sql, db) == 0, "a statement seen once is not prepared")
                for (id, name) in [(2, "Tổ thôn Tây"), (3, "Tổ bản Mường"), (1, "Tổ thôn Đông"), (4, nil)] {
                    #expect(try await db.query(Self.byID(id)).decode(String.self).first == name)
                }
                #expect(try await preparedCount(sql, db) == 1)
            }
        }
    }

    @Test func nullAndBinaryParametersBindTheSameWhenPrepared() async throws {
        try await withTestClient(maximumConnections: 1) { client in
            try await client.withConnection { db in
                for round in 0..<4 {
                    let text: String? = round.isMultiple(of: 2) ? nil : "vòng \(round)"
                    let bytes = Data([0, UInt8(round), 255])
                    let row = try await db.query("SELECT \(text)::text, \(bytes)::bytea").decode((String?, Data).self)[0]
                    #expect(row.0 == text)
                    #expect(row.1 == bytes)
                }
            }
        }
    }

    @Test func aTableChangedByAnotherConnectionIsReadInItsNewShape() async throws {
        try await withTestClient(maximumConnections: 2) { client in
            try await client.withConnection { db in
                try await makeTeams(db)
                for _ in 0..<3 { _ = try await db.query("SELECT * FROM teams WHERE id = \(1)") }
                #expect(try await preparedCount("SELECT * FROM teams WHERE id = $1", db) == 1)
                // Another connection (a migration, say) adds a column: the prepared statement's result
                // would change shape, which PostgreSQL refuses; outside a transaction it is run again.
                try await client.execute("ALTER TABLE teams ADD COLUMN phone text")
                let rows = try await db.query("SELECT * FROM teams WHERE id = \(1)")
                #expect(rows.columns.map(\.name) == ["id", "name", "phone"])
                // Inside a transaction the first run fails (the transaction cannot go on); the next works.
                for _ in 0..<2 { _ = try await db.query("SELECT * FROM teams WHERE id = \(2)") }
                try await client.execute("ALTER TABLE teams ADD COLUMN village text")
                let failed = await postgresError { try await db.withTransaction { tx in _ = try await tx.query("SELECT * FROM teams WHERE id = \(2)") } }
                #expect(failed?.sqlState == "0A000")
                let again = try await db.withTransaction { tx in try await tx.query("SELECT * FROM teams WHERE id = \(2)") }
                #expect(again.columns.map(\.name) == ["id", "name", "phone", "village"])
            }
        }
    }

    @Test func schemaChangesOnTheConnectionDropItsPreparedStatementsAndTransactionsKeepThem() async throws {
        try await withTestClient(maximumConnections: 1) { client in
            try await client.withConnection { db in
                try await makeTeams(db)
                let sql = Self.byID(1).sql
                for id in 1...2 { _ = try await db.query(Self.byID(id)) }
                try await db.withTransaction { tx in _ = try await tx.query(Self.byID(3)) }
                #expect(try await preparedCount(sql, db) == 1, "transaction control keeps prepared statements")
                try await db.execute(unsafeSQL: "CREATE INDEX teams_name ON teams (name)")
                #expect(try await preparedCount(sql, db) == 0, "SQL run as text (migrations) drops them")
                for id in 1...2 { _ = try await db.query(Self.byID(id)) }
                try await db.execute("DROP INDEX teams_name")
                #expect(try await preparedCount(sql, db) == 0, "a schema change run as a statement drops them")
            }
        }
    }

    /// A connection that holds as many prepared statements as it may (`PreparedStatements.capacity`, 512)
    /// makes room for the next by deallocating the one run least recently, and goes on preparing.
    @Test func aFullConnectionDeallocatesTheStatementRunLeastRecently() async throws {
        let capacity = 512
        func numbered(_ number: Int) -> PostgresQuery { "SELECT \(unsafeSQL: String(number)) + id FROM teams WHERE id = \(1)" }
        try await withTestClient(maximumConnections: 1) { client in
            try await client.withConnection { db in
                try await makeTeams(db)
                // Twice each: prepared on the second run. Then the first again, so the second is the oldest.
                for number in 0..<capacity { for _ in 0..<2 { _ = try await db.query(numbered(number)) } }
                _ = try await db.query(numbered(0))
                #expect(try await preparedCount(numbered(1).sql, db) == 1)
                for _ in 0..<2 { #expect(try await db.query(numbered(capacity)).decode(Int.self) == [capacity + 1]) }
                #expect(try await preparedCount(numbered(capacity).sql, db) == 1, "the new statement is prepared")
                #expect(try await preparedCount(numbered(1).sql, db) == 0, "the one run least recently made room")
                #expect(try await preparedCount(numbered(0).sql, db) == 1)
                #expect(try await db.query("SELECT count(*)::int FROM pg_prepared_statements").decode(Int.self) == [capacity])
                // The one that made room still answers, and is prepared again in place of the next oldest.
                for _ in 0..<2 { #expect(try await db.query(numbered(1)).decode(Int.self) == [2]) }
                #expect(try await preparedCount(numbered(1).sql, db) == 1)
                #expect(try await preparedCount(numbered(2).sql, db) == 0)
            }
        }
    }

    /// How the prepared statement with this text has been planned on the session's connection so far.
    private func plans(_ sql: String, _ db: PostgresSession) async throws -> (generic: Int, custom: Int) {
        try await db.query("SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement = \(sql)")
            .decode((Int, Int).self).first ?? (0, 0)
    }

    private func planCacheMode(_ db: PostgresSession) async throws -> String {
        try await db.query("SELECT current_setting('plan_cache_mode')").decode(String.self)[0]
    }

    private struct Undo: Error {}

    /// PostgreSQL plans a read by an array of ids anew for each short array; in a transaction that plans
    /// generically it is planned once and that plan runs for every array, until the transaction ends.
    @Test func aTransactionThatPlansGenericallyRunsOnePlanForEveryArray() async throws {
        try await withTestClient(maximumConnections: 1) { client in
            try await client.withConnection { db in
                try await makeTeams(db)
                let byIDs = { (ids: [Int]) -> PostgresQuery in "SELECT name FROM teams WHERE id = ANY(\(ids)) ORDER BY id" }
                let sql = byIDs([1]).sql
                try await db.withTransaction { tx in
                    for id in 1...3 {
                        let names = try await tx.query(byIDs([id])).decode(String.self)
                        #expect(names.count == 1)
                    }
                }
                let chosen = try await plans(sql, db)
                #expect(chosen.generic == 0 && chosen.custom == 2, "prepared on the second run, then planned for each array")
                try await db.withTransaction { tx in
                    tx.planGenerically()
                    tx.planGenerically()
                    #expect(try await planCacheMode(tx) == "force_generic_plan")
                    for (ids, found) in [([1], 1), ([2, 3], 2), ([1, 2, 3], 3), ([4], 0)] {
                        let names = try await tx.query(byIDs(ids)).decode(String.self)
                        #expect(names.count == found)
                    }
                }
                let generic = try await plans(sql, db)
                #expect(generic.custom == chosen.custom)
                #expect(generic.generic == 4)
                #expect(try await planCacheMode(db) == "auto", "it ends with the transaction")
                db.planGenerically()
                #expect(try await planCacheMode(db) == "auto", "outside a transaction it does nothing")
            }
        }
    }

    /// Asked for in a savepoint, generic plans end with its rollback (and can be asked for again) and
    /// carry on past its release.
    @Test func genericPlansFollowTheSavepointTheyWereAskedForIn() async throws {
        try await withTestClient(maximumConnections: 1) { client in
            try await client.withConnection { db in
                try await db.withTransaction { tx in
                    do {
                        try await tx.withTransaction { savepoint in
                            savepoint.planGenerically()
                            #expect(try await planCacheMode(savepoint) == "force_generic_plan")
                            throw Undo()
                        }
                    } catch is Undo {}
                    #expect(try await planCacheMode(tx) == "auto")
                    try await tx.withTransaction { savepoint in savepoint.planGenerically() }
                    #expect(try await planCacheMode(tx) == "force_generic_plan")
                }
                #expect(try await planCacheMode(db) == "auto")
            }
        }
    }
}
