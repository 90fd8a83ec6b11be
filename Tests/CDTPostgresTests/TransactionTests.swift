import CDTPostgres
import Testing

private struct Abort: Error {}

@Suite struct TransactionTests {
    @Test func aThrowInsideTheTransactionLeavesNoRowBehind() async throws {
        try await withTestClient { db throws in
            try await db.execute("CREATE TABLE teams (name text)")
            await #expect(throws: Abort.self) {
                try await db.withTransaction { tx in
                    try await tx.execute("INSERT INTO teams VALUES (\("Tổ CNSCĐ thôn 1"))")
                    throw Abort()
                }
            }
            #expect(try await db.query("SELECT count(*) FROM teams").decode(Int.self) == [0])
        }
    }

    /// `BEGIN`, `SAVEPOINT` and `RELEASE` wait for the next statement: transactions whose bodies run
    /// nothing, or throw before their first statement, still end cleanly and leave no transaction open.
    @Test func transactionsThatRunNothingLeaveNoTransactionOpen() async throws {
        try await withTestClient(maximumConnections: 1) { client throws in
            try await client.withConnection { db in
                try await db.execute("CREATE TABLE teams (name text)")
                try await db.withTransaction { _ in }
                await #expect(throws: Abort.self) { try await db.withTransaction { _ in throw Abort() } }
                try await db.withTransaction { tx in
                    try? await tx.withTransaction { _ in throw Abort() }
                    try await tx.withTransaction { _ in }
                    try await tx.execute("INSERT INTO teams VALUES (\("Tổ 1"))")
                    try await tx.withTransaction { inner in _ = try await inner.execute("INSERT INTO teams VALUES (\("Tổ 2"))") }
                }
                #expect(try await db.query("SELECT name FROM teams ORDER BY name").decode(String.self) == ["Tổ 1", "Tổ 2"])
                // Outside a transaction block PostgreSQL refuses a savepoint: nothing was left begun.
                let probe = await postgresError { try await db.execute(unsafeSQL: "SAVEPOINT probe") }
                #expect(probe?.sqlState == "25P01")
            }
        }
    }

    @Test func returningCommits() async throws {
        try await withTestClient { db throws in
            try await db.execute("CREATE TABLE teams (name text)")
            let inserted = try await db.withTransaction { tx in
                try await tx.execute("INSERT INTO teams VALUES (\("Tổ 1")), (\("Tổ 2"))")
            }
            #expect(inserted == 2)
            #expect(try await db.query("SELECT count(*) FROM teams").decode(Int.self) == [2])
        }
    }

    @Test func aNestedTransactionIsASavepointThatUndoesOnlyItsOwnWork() async throws {
        try await withTestClient { db throws in
            try await db.execute("CREATE TABLE teams (name text)")
            try await db.withTransaction { tx in
                try await tx.execute("INSERT INTO teams VALUES (\("outer"))")
                try? await tx.withTransaction { inner in
                    try await inner.execute("INSERT INTO teams VALUES (\("inner"))")
                    throw Abort()
                }
                try await tx.withTransaction { inner in
                    _ = try await inner.execute("INSERT INTO teams VALUES (\("inner kept"))")
                }
            }
            #expect(try await db.query("SELECT name FROM teams ORDER BY name").decode(String.self) == ["inner kept", "outer"])
        }
    }

    @Test func aFailedStatementCaughtInsideTheBodyDoesNotPretendToCommit() async throws {
        try await withTestClient { db throws in
            try await db.execute("CREATE TABLE teams (name text UNIQUE)")
            await #expect(throws: PostgresError.self) {
                try await db.withTransaction { tx in
                    try await tx.execute("INSERT INTO teams VALUES (\("a"))")
                    _ = try? await tx.execute("INSERT INTO teams VALUES (\("a"))")
                }
            }
            #expect(try await db.query("SELECT count(*) FROM teams").decode(Int.self) == [0])
        }
    }

    @Test func aTransactionLeftOpenIsRolledBackBeforeTheConnectionIsReused() async throws {
        try await withTestClient(maximumConnections: 1) { db throws in
            try await db.execute("CREATE TABLE teams (name text)")
            try await db.withConnection { session in
                try await session.execute(unsafeSQL: "BEGIN; INSERT INTO teams VALUES ('left open')")
            }
            #expect(try await db.query("SELECT count(*) FROM teams").decode(Int.self) == [0])
        }
    }
}
