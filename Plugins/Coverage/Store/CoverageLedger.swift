import CDTDomain
import CDTPostgres
import Foundation

/// Writes what events change in the figures: contributions added to the unit where recorded and rolled up
/// to every unit that unit counts under, in every hierarchy epoch.
enum CoverageLedger {
    /// Adds contributions recorded in `province`: to the units where recorded, and rolled up.
    static func add(_ changes: [Contribution], province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
        guard !changes.isEmpty else { return }
        let units = changes.map(\.unit), metrics = changes.map(\.metric), days = changes.map(\.day), values = changes.map(\.value)
        // Shared with other deliveries, exclusive with a remap (followLineage).
        _ = try await tx.query("SELECT pg_advisory_xact_lock_shared(\(Self.mapLock))")
        try await tx.execute("SELECT coverage_map_leaves(\(Array(Set(units))))")
        try await acrossProvinces(tx) {
            try await tx.execute("""
                WITH d AS (
                    SELECT * FROM unnest(\(units)::uuid[], \(metrics)::text[], \(days)::date[], \(values)::float8[]) AS d(unit_id, metric, day, value)
                ), leaf AS (
                    INSERT INTO coverage_leaf_days (province_id, unit_id, metric, day, value)
                    SELECT \(province), unit_id, metric, day, sum(value) FROM d GROUP BY unit_id, metric, day
                    ON CONFLICT (unit_id, metric, day) DO UPDATE SET value = CASE WHEN abs(coverage_leaf_days.value + excluded.value) < 1e-9 THEN 0 ELSE coverage_leaf_days.value + excluded.value END
                ), up AS (
                    SELECT m.unit_province_id AS province_id, m.epoch_start, m.unit_id, d.metric, d.day, sum(d.value * m.share) AS value, bool_or(m.share < 1) AS apportioned
                    FROM d JOIN coverage_unit_map m ON m.leaf_id = d.unit_id AND m.epoch_end > d.day
                    GROUP BY 1, 2, 3, 4, 5
                ), days AS (
                    INSERT INTO coverage_days (province_id, epoch_start, unit_id, metric, day, value, apportioned)
                    SELECT * FROM up
                    ON CONFLICT (unit_id, epoch_start, metric, day) DO UPDATE
                    SET value = CASE WHEN abs(coverage_days.value + excluded.value) < 1e-9 THEN 0 ELSE coverage_days.value + excluded.value END, apportioned = coverage_days.apportioned OR excluded.apportioned
                )
                INSERT INTO coverage_totals (province_id, epoch_start, unit_id, metric, value, apportioned)
                SELECT province_id, epoch_start, unit_id, metric, sum(value), bool_or(apportioned) FROM up GROUP BY 1, 2, 3, 4
                ON CONFLICT (unit_id, epoch_start, metric) DO UPDATE
                SET value = CASE WHEN abs(coverage_totals.value + excluded.value) < 1e-9 THEN 0 ELSE coverage_totals.value + excluded.value END, apportioned = coverage_totals.apportioned OR excluded.apportioned
                """)
            // A value a late event moved to another day leaves nothing behind: the rows are those a
            // rebuild from the log would make. A total of 0 stays while days under it hold changes (the
            // value at an earlier date is the total minus the later days).
            let keys: PostgresQuery = """
                WITH d AS (SELECT DISTINCT * FROM unnest(\(units)::uuid[], \(metrics)::text[], \(days)::date[]) AS d(unit_id, metric, day))
                SELECT DISTINCT m.epoch_start, m.unit_id, d.metric, d.day FROM d JOIN coverage_unit_map m ON m.leaf_id = d.unit_id AND m.epoch_end > d.day
                """
            try await tx.execute("""
                DELETE FROM coverage_leaf_days l USING unnest(\(units)::uuid[], \(metrics)::text[], \(days)::date[]) AS d(unit_id, metric, day)
                WHERE l.unit_id = d.unit_id AND l.metric = d.metric AND l.day = d.day AND abs(l.value) < 1e-9
                """)
            try await tx.execute("""
                DELETE FROM coverage_days r USING (\(keys)) k
                WHERE r.unit_id = k.unit_id AND r.epoch_start = k.epoch_start AND r.metric = k.metric AND r.day = k.day AND abs(r.value) < 1e-9
                """)
            try await tx.execute("""
                DELETE FROM coverage_totals t USING (\(keys)) k
                WHERE t.unit_id = k.unit_id AND t.epoch_start = k.epoch_start AND t.metric = k.metric AND abs(t.value) < 1e-9
                  AND NOT EXISTS (SELECT 1 FROM coverage_days r WHERE r.unit_id = t.unit_id AND r.epoch_start = t.epoch_start AND r.metric = t.metric)
                """)
        }
    }

    /// The advisory lock between deliveries (shared) and a remap (exclusive).
    static let mapLock: Int64 = 0x0c0e_7a9e

    /// Makes the map and the rolled-up figures agree with the lineage, when it changed since they were
    /// made: a reorganization took effect, so every recorded unit is mapped again and the roll-ups are
    /// summed again from the figures where recorded. Every batch starts with it (a reorganization in a
    /// province where the module is off still changes the epochs), as does enabling the module.
    static func followLineage(_ tx: PostgresSession) async throws {
        let signature = try await tx.query("""
            SELECT md5(coalesce(string_agg(predecessor_id::text || successor_id::text || kind || coalesce(share::text, '') || effective::text, ','
                                           ORDER BY predecessor_id, successor_id), ''))
            FROM unit_lineage
            """).decode(String.self)[0]
        let stored = try await tx.query("SELECT lineage_signature FROM coverage_map_state").decode(String.self).first
        guard stored != signature else { return }
        // Alone: no delivery adds to the roll-ups while they are summed again.
        _ = try await tx.query("SELECT pg_advisory_xact_lock(\(Self.mapLock))")
        let again = try await tx.query("SELECT lineage_signature FROM coverage_map_state").decode(String.self).first
        guard again != signature else { return }
        try await acrossProvinces(tx) {
            try await tx.execute("DELETE FROM coverage_unit_map")
            try await tx.execute("DELETE FROM coverage_totals")
            try await tx.execute("DELETE FROM coverage_days")
            try await tx.execute("SELECT coverage_map_leaves(array(SELECT DISTINCT unit_id FROM coverage_leaf_days))")
            try await tx.execute("""
                INSERT INTO coverage_days (province_id, epoch_start, unit_id, metric, day, value, apportioned)
                SELECT m.unit_province_id, m.epoch_start, m.unit_id, l.metric, l.day, sum(l.value * m.share), bool_or(m.share < 1)
                FROM coverage_leaf_days l JOIN coverage_unit_map m ON m.leaf_id = l.unit_id AND m.epoch_end > l.day
                GROUP BY 1, 2, 3, 4, 5
                """)
            try await tx.execute("""
                INSERT INTO coverage_totals (province_id, epoch_start, unit_id, metric, value, apportioned)
                SELECT province_id, epoch_start, unit_id, metric, sum(value), bool_or(apportioned) FROM coverage_days GROUP BY 1, 2, 3, 4
                """)
            try await tx.execute("DELETE FROM coverage_days WHERE abs(value) < 1e-9")
            try await tx.execute("""
                DELETE FROM coverage_totals t WHERE abs(t.value) < 1e-9
                  AND NOT EXISTS (SELECT 1 FROM coverage_days r WHERE r.unit_id = t.unit_id AND r.epoch_start = t.epoch_start AND r.metric = t.metric)
                """)
            try await tx.execute("""
                INSERT INTO coverage_map_state (singleton, lineage_signature, epoch_starts)
                VALUES (true, \(signature), ARRAY(SELECT epoch_start FROM coverage_epochs() ORDER BY 1))
                ON CONFLICT (singleton) DO UPDATE SET lineage_signature = excluded.lineage_signature, epoch_starts = excluded.epoch_starts
                """)
        }
    }

    /// Runs `body` with row-level security opened to every province for the rest of the statement's
    /// transaction, then closes it again: figures recorded in one province roll up into another when a
    /// reorganization merged provinces. Only the module's own roll-up statements run this way.
    private static func acrossProvinces(_ tx: PostgresSession, _ body: () async throws -> Void) async throws {
        let previous = try await tx.query("SELECT current_setting('cdt.all_provinces', true)").decode(String?.self)[0] ?? "off"
        _ = try await tx.query("SELECT set_config('cdt.all_provinces', 'on', true)")
        try await body()
        _ = try await tx.query("SELECT set_config('cdt.all_provinces', \(previous), true)")
    }
}
