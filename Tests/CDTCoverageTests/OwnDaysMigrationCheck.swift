import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import Testing
@testable import CDTCoverage

/// Migration 0008 on figures written the way before it: every leaf's own days also in `coverage_days`
/// (summed with what other leaves add to the unit) and `coverage_leaf_days` keyed by unit and day. The
/// migration must leave the rows the module writes now.
enum OwnDaysMigrationCheck {
    static func check(_ harness: ModuleTestHarness) async throws {
        let now = try await rolledUpDays(harness)
        // Units that other leaves add to beside their own days: the rows the migration must take a difference in.
        let mixed = try await asOwner(harness, "SELECT count(*) FROM coverage_days d WHERE EXISTS (\(ownDays) AND l.unit_id = d.unit_id AND l.day = d.day AND m.epoch_start = d.epoch_start)")
        #expect(mixed > 0, "the scenario should have a unit with its own days and other leaves' days")

        // The layout before 0008 (the owner is not under row-level security).
        try await RowScope.$current.withValue(.everyProvince) {
            try await harness.owner.execute(unsafeSQL: """
                ALTER TABLE coverage_leaf_days DROP CONSTRAINT coverage_leaf_days_pkey, ADD PRIMARY KEY (unit_id, day);
                INSERT INTO coverage_days AS t (province_id, epoch_start, unit_id, day, changes)
                SELECT m.unit_province_id, m.epoch_start, l.unit_id, l.day, l.changes \(ownDaysFrom)
                ON CONFLICT (unit_id, epoch_start, day) DO UPDATE SET changes = \(SlotRollUp.sumExpression("t.changes", "excluded.changes"));
                """)
        }
        #expect(try await rolledUpDays(harness).count > now.count)

        let migration = try #require(CoverageModule().migrations.first { $0.name == "0008_leaf_days_own_days.sql" })
        try await RowScope.$current.withValue(.everyProvince) {
            try await harness.owner.execute(unsafeSQL: "BEGIN;\n\(migration.sql)\nCOMMIT;")
        }
        let migrated = try await rolledUpDays(harness)
        #expect(migrated.keys.sorted() == now.keys.sorted())
        for (key, changes) in now {
            let got = migrated[key] ?? []
            #expect(got.count == changes.count && zip(got, changes).allSatisfy { abs($0 - $1) < 1e-9 }, "\(key): \(got) against \(changes)")
        }
    }

    /// A leaf's own days: whole, to itself, in the province that recorded it, before its epoch ends.
    static let ownDaysFrom = """
        FROM coverage_leaf_days l JOIN coverage_unit_map m ON m.leaf_id = l.unit_id AND m.unit_id = l.unit_id AND m.share = 1
             AND m.unit_province_id = l.province_id AND m.epoch_end > l.day
        """
    static let ownDays = "SELECT 1 \(ownDaysFrom) WHERE true"

    /// `coverage_days` by epoch, unit and day.
    static func rolledUpDays(_ harness: ModuleTestHarness) async throws -> [String: [Double]] {
        try await RowScope.$current.withValue(.everyProvince) {
            let rows = try await harness.owner.query("SELECT epoch_start::text || ' ' || unit_id::text || ' ' || day::text, changes FROM coverage_days")
                .decode((String, [Double]).self)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1) })
        }
    }

    static func asOwner(_ harness: ModuleTestHarness, _ sql: String) async throws -> Int64 {
        try await RowScope.$current.withValue(.everyProvince) {
            try await harness.owner.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self)[0]
        }
    }
}
