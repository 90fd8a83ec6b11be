import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import Testing
@testable import CDTCoverage

/// An existing deployment upgrades to the module reading the core through core_v1 (issue 19): a database
/// migrated by the shipped texts of sql/coverage (kept in Tests/Fixtures/shipped-migrations) takes the
/// current build's migrations, whose rewritten files name the shipped checksums.
@Suite struct CoverageUpgradeTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/shipped-migrations/coverage").standardized

    /// The core as it was before core_v1, and the module as shipped.
    static func previousMigrations() throws -> [Migration] {
        CoreMigrations.all.filter { $0.name < "0014" } + (try Migration.load(owner: "coverage", from: shipped))
    }

    static func functionSource(_ name: String, _ client: PostgresClient) async throws -> String {
        try await client.query("SELECT string_agg(prosrc, ' ') FROM pg_proc WHERE proname = \(name)").decode(String.self)[0]
    }

    @Test func aDatabaseMigratedByTheShippedTextsUpgradesToCoreViews() async throws {
        let database = try await TestPostgres.makeDatabase()
        let owner = database.makeClient()
        defer { Task { await owner.close() } }
        let before = try await MigrationRunner(client: owner, migrations: try Self.previousMigrations()).apply()
        #expect(before.contains("sql/coverage/0003_compact_storage.sql"))
        #expect(try await Self.functionSource("coverage_resolve", owner).contains("administrative_units"))

        let current = CoreMigrations.all + CoverageModule().migrations
        let runner = MigrationRunner(client: owner, migrations: current)
        // Core migrations after 0013 (core_v1 and any later one), then the module's new files only: the rewritten
        // 0001–0003 count as applied.
        let pending = CoreMigrations.all.filter { $0.name >= "0014" }.map(\.path) + ["sql/coverage/0004_core_views.sql", "sql/coverage/0005_slot_arrays.sql",
                                                                                   "sql/coverage/0006_lineage_version.sql",
                                                                                   "sql/coverage/0007_leaf_days_without_province_index.sql",
                                                                                   "sql/coverage/0008_leaf_days_own_days.sql"]
        #expect(pending.contains("sql/core/0014_core_v1.sql"))
        #expect(try await runner.status() == .pending(pending))
        #expect(try await runner.apply() == pending)
        #expect(try await runner.status() == .current)

        for function in ["coverage_epochs", "coverage_resolve", "coverage_map_leaves"] {
            let source = try await Self.functionSource(function, owner)
            #expect(source.contains("core_v1."), "\(function) reads core_v1")
            #expect(!source.contains("administrative_units") && !source.contains(" unit_lineage"), "\(function) names no core table: \(source)")
        }
        // The rewritten files' records now carry their current checksums, so the next rewrite chains on.
        let recorded = try await owner.query("""
            SELECT name, checksum FROM cdt_schema_migrations WHERE owner = 'coverage' ORDER BY name
            """).decode((String, String).self)
        let expected = try await owner.query("""
            SELECT encode(sha256(convert_to(t.sql, 'UTF8')), 'hex') FROM unnest(\(CoverageModule().migrations.map(\.sql))) WITH ORDINALITY t(sql, n) ORDER BY n
            """).decode(String.self)
        #expect(recorded.map(\.1) == expected)
        // The functions work over the views: epochs come from the (empty) lineage.
        #expect(try await owner.query("SELECT count(*) FROM coverage_epochs()").decode(Int64.self)[0] == 1)
    }

    /// A map made under the hash of the lineage as it is takes the core's version as its signature on the
    /// upgrade (no remap); a map made under another lineage keeps its stale signature and is made again.
    @Test(arguments: [true, false]) func aCurrentMapKeepsItsRowsAcrossTheChangeOfSignature(current: Bool) async throws {
        let database = try await TestPostgres.makeDatabase()
        let owner = database.makeClient()
        defer { Task { await owner.close() } }
        let all = CoreMigrations.all + CoverageModule().migrations
        let before = CoreMigrations.all.filter { $0.name < "0021" } + CoverageModule().migrations.filter { $0.name < "0006" }
        try await MigrationRunner(client: owner, migrations: before).apply()
        // The hash of the empty lineage, as builds before the version wrote it.
        let stored = current ? "0:0" : "3:12345"
        try await owner.execute("INSERT INTO coverage_map_state (lineage_signature, epoch_starts) VALUES (\(stored), '{-infinity}')")
        let applied = try await MigrationRunner(client: owner, migrations: all).apply()
        #expect(applied.contains("sql/core/0021_lineage_version.sql") && applied.contains("sql/coverage/0006_lineage_version.sql"))
        let (signature, version) = try await owner.query("""
            SELECT s.lineage_signature, v.database_id::text || ':' || v.version::text FROM coverage_map_state s, core_v1.lineage_version v
            """).decode((String, String).self)[0]
        #expect(version.hasSuffix(":0"))
        #expect(signature == (current ? version : stored))
    }

    @Test func theShippedChecksumsAreTheOnesTheRewrittenFilesName() async throws {
        let database = try await TestPostgres.makeDatabase()
        let owner = database.makeClient()
        defer { Task { await owner.close() } }
        let shipped = try Migration.load(owner: "coverage", from: Self.shipped)
        let checksums = try await owner.query("""
            SELECT encode(sha256(convert_to(t.sql, 'UTF8')), 'hex') FROM unnest(\(shipped.map(\.sql))) WITH ORDINALITY t(sql, n) ORDER BY n
            """).decode(String.self)
        let rewritten = CoverageModule().migrations.prefix(shipped.count)
        for (file, checksum) in zip(rewritten, checksums) {
            #expect(file.replacedChecksums == [checksum], "\(file.path) names the shipped text's checksum")
        }
    }

    @Test func aChangedShippedFileThatNamesNoEarlierChecksumStillStopsTheRun() async throws {
        let database = try await TestPostgres.makeDatabase()
        let owner = database.makeClient()
        defer { Task { await owner.close() } }
        try await MigrationRunner(client: owner, migrations: try Self.previousMigrations()).apply()
        let unmarked = (CoreMigrations.all + CoverageModule().migrations).map { migration in
            var migration = migration
            migration.sql = migration.sql.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("-- cdt:replaces-checksum") }.joined(separator: "\n")
            return migration
        }
        guard case .conflict(let message) = try await MigrationRunner(client: owner, migrations: unmarked).status() else {
            Issue.record("a changed file without its earlier checksum must stop the run")
            return
        }
        #expect(message.hasPrefix("sql/coverage/0001_coverage.sql was changed after it was applied"))
    }
}
