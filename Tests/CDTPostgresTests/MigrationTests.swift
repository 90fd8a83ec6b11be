import CDTPostgres
import Foundation
import Testing

@Suite struct MigrationTests {
    private let first = Migration(owner: "core", name: "0001_units.sql", sql: "CREATE TABLE units (code text PRIMARY KEY);")
    private let second = Migration(owner: "core", name: "0002_teams.sql", sql: "CREATE TABLE teams (id uuid PRIMARY KEY, village text REFERENCES units);")
    private let module = Migration(owner: "rewards", name: "0001_nominations.sql", sql: "CREATE TABLE nominations (id uuid PRIMARY KEY);")

    @Test func aFreshDatabaseGetsEveryMigrationInOrderAndARerunAppliesNothing() async throws {
        try await withTestClient { db throws in
            let runner = MigrationRunner(client: db, migrations: [first, second, module])
            #expect(try await runner.status() == .pending(["sql/core/0001_units.sql", "sql/core/0002_teams.sql", "sql/rewards/0001_nominations.sql"]))
            #expect(try await runner.apply() == ["sql/core/0001_units.sql", "sql/core/0002_teams.sql", "sql/rewards/0001_nominations.sql"])
            #expect(try await runner.apply() == [])
            #expect(try await runner.status() == .current)
            #expect(try await db.query("SELECT count(*) FROM cdt_schema_migrations").decode(Int.self) == [3])
        }
    }

    @Test func laterMigrationsApplyOnTopOfEarlierOnes() async throws {
        try await withTestClient { db throws in
            try await MigrationRunner(client: db, migrations: [first]).apply()
            #expect(try await MigrationRunner(client: db, migrations: [first, second]).apply() == ["sql/core/0002_teams.sql"])
        }
    }

    @Test func aChangedAppliedFileIsRefusedWithItsName() async throws {
        try await withTestClient { db throws in
            try await MigrationRunner(client: db, migrations: [first]).apply()
            var changed = first
            changed.sql = "CREATE TABLE units (code text PRIMARY KEY, name text);"
            let runner = MigrationRunner(client: db, migrations: [changed, second])
            await #expect {
                try await runner.apply()
            } throws: { error in
                "\(error)".contains("sql/core/0001_units.sql was changed after it was applied")
            }
            #expect(try await db.query("SELECT count(*) FROM cdt_schema_migrations").decode(Int.self) == [1])
        }
    }

    @Test func anAppliedMigrationThisBuildDoesNotKnowIsRefused() async throws {
        try await withTestClient { db throws in
            try await MigrationRunner(client: db, migrations: [first, second]).apply()
            guard case .conflict(let message) = try await MigrationRunner(client: db, migrations: [first]).status() else {
                Issue.record("expected a conflict")
                return
            }
            #expect(message.contains("sql/core/0002_teams.sql"))
        }
    }

    @Test func aFailingMigrationLeavesNothingBehindAndNamesItsFile() async throws {
        try await withTestClient { db throws in
            let broken = Migration(owner: "core", name: "0002_broken.sql", sql: "CREATE TABLE half (id int); SELECT * FROM missing_table;")
            await #expect {
                try await MigrationRunner(client: db, migrations: [first, broken]).apply()
            } throws: { error in
                "\(error)".contains("sql/core/0002_broken.sql failed")
            }
            #expect(try await db.query("SELECT to_regclass('half') IS NULL").decode(Bool.self) == [true])
            #expect(try await db.query("SELECT name FROM cdt_schema_migrations").decode(String.self) == ["0001_units.sql"])
        }
    }

    @Test func theCoreMigrationsAreEmbeddedFromTheSourceTreeAndApply() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql/core").standardized
        let onDisk = try Migration.load(owner: "core", from: folder)
        #expect(!onDisk.isEmpty)
        #expect(CoreMigrations.all == onDisk)
        try await withTestClient { db throws in
            #expect(try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply().count == onDisk.count)
        }
    }
}
