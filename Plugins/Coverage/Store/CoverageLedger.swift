import CDTModuleKit
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
            // A day's changes are one jsonb object per unit (and epoch): new keys are added, existing ones
            // summed, and keys that come to zero dropped (coverage_add).
            try await tx.execute("""
                WITH d AS (
                    SELECT * FROM unnest(\(units)::uuid[], \(metrics)::text[], \(days)::date[], \(values)::float8[]) AS d(unit_id, metric, day, value)
                ), leaf AS (
                    INSERT INTO coverage_leaf_days (province_id, unit_id, day, changes)
                    SELECT \(province), unit_id, day, jsonb_object_agg(metric, value) FILTER (WHERE abs(value) >= 1e-9)
                    FROM (SELECT unit_id, day, metric, sum(value) AS value FROM d GROUP BY 1, 2, 3) g
                    GROUP BY unit_id, day HAVING bool_or(abs(value) >= 1e-9)
                    ON CONFLICT (unit_id, day) DO UPDATE SET changes = coverage_add(coverage_leaf_days.changes, excluded.changes)
                ), up AS (
                    SELECT m.unit_province_id AS province_id, m.epoch_start, m.unit_id, d.metric, d.day, sum(d.value * m.share) AS value, bool_or(m.share < 1) AS apportioned
                    FROM d JOIN coverage_unit_map m ON m.leaf_id = d.unit_id AND m.epoch_end > d.day
                    GROUP BY 1, 2, 3, 4, 5
                ), days AS (
                    INSERT INTO coverage_days (province_id, epoch_start, unit_id, day, changes)
                    SELECT province_id, epoch_start, unit_id, day, jsonb_object_agg(metric, value) FILTER (WHERE abs(value) >= 1e-9)
                    FROM up GROUP BY 1, 2, 3, 4 HAVING bool_or(abs(value) >= 1e-9)
                    ON CONFLICT (unit_id, epoch_start, day) DO UPDATE SET changes = coverage_add(coverage_days.changes, excluded.changes)
                )
                INSERT INTO coverage_totals (province_id, epoch_start, unit_id, metric, value, apportioned)
                SELECT province_id, epoch_start, unit_id, metric, sum(value), bool_or(apportioned) FROM up GROUP BY 1, 2, 3, 4
                ON CONFLICT (unit_id, epoch_start, metric) DO UPDATE
                SET value = CASE WHEN abs(coverage_totals.value + excluded.value) < 1e-9 THEN 0 ELSE coverage_totals.value + excluded.value END, apportioned = coverage_totals.apportioned OR excluded.apportioned
                """)
            // A value a late event moved to another day leaves nothing behind: the rows are those a
            // rebuild from the log would make. A total of 0 stays while days under it hold changes (the
            // value at an earlier date is the total minus the later days).
            try await tx.execute("""
                DELETE FROM coverage_leaf_days l USING (SELECT DISTINCT * FROM unnest(\(units)::uuid[], \(days)::date[])) AS d(unit_id, day)
                WHERE l.unit_id = d.unit_id AND l.day = d.day AND l.changes = '{}'
                """)
            let leaves: PostgresQuery = "SELECT DISTINCT * FROM unnest(\(units)::uuid[], \(metrics)::text[], \(days)::date[]) AS d(unit_id, metric, day)"
            try await tx.execute("""
                DELETE FROM coverage_days r
                USING (SELECT DISTINCT m.epoch_start, m.unit_id, d.day FROM (\(leaves)) d JOIN coverage_unit_map m ON m.leaf_id = d.unit_id AND m.epoch_end > d.day) k
                WHERE r.unit_id = k.unit_id AND r.epoch_start = k.epoch_start AND r.day = k.day AND r.changes = '{}'
                """)
            try await tx.execute("""
                DELETE FROM coverage_totals t
                USING (SELECT DISTINCT m.epoch_start, m.unit_id, d.metric FROM (\(leaves)) d JOIN coverage_unit_map m ON m.leaf_id = d.unit_id AND m.epoch_end > d.day) k
                WHERE t.unit_id = k.unit_id AND t.epoch_start = k.epoch_start AND t.metric = k.metric AND abs(t.value) < 1e-9
                  AND NOT EXISTS (SELECT 1 FROM coverage_days r WHERE r.unit_id = t.unit_id AND r.epoch_start = t.epoch_start AND r.changes ? t.metric)
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
            SELECT md5(coalesce(string_agg(predecessor_id::text || successor_id::text || kind || coalesce(share::text, '') || effective_on::text, ','
                                           ORDER BY predecessor_id, successor_id), ''))
            FROM core_v1.unit_lineage
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
            // Every leaf day's changes carried up through the map, per metric: the days of the roll-ups (without
            // the changes that sum to zero) and their totals.
            try await tx.execute("""
                WITH up AS MATERIALIZED (
                    SELECT m.unit_province_id AS province_id, m.epoch_start, m.unit_id, e.key AS metric, l.day,
                           sum(e.value::float8 * m.share) AS value, bool_or(m.share < 1) AS apportioned
                    FROM coverage_leaf_days l CROSS JOIN jsonb_each_text(l.changes) e
                    JOIN coverage_unit_map m ON m.leaf_id = l.unit_id AND m.epoch_end > l.day
                    GROUP BY 1, 2, 3, 4, 5
                ), days AS (
                    INSERT INTO coverage_days (province_id, epoch_start, unit_id, day, changes)
                    SELECT province_id, epoch_start, unit_id, day, jsonb_object_agg(metric, value)
                    FROM up WHERE abs(value) >= 1e-9 GROUP BY 1, 2, 3, 4
                )
                INSERT INTO coverage_totals (province_id, epoch_start, unit_id, metric, value, apportioned)
                SELECT province_id, epoch_start, unit_id, metric, sum(value), bool_or(apportioned) FROM up GROUP BY 1, 2, 3, 4
                """)
            try await tx.execute("""
                DELETE FROM coverage_totals t WHERE abs(t.value) < 1e-9
                  AND NOT EXISTS (SELECT 1 FROM coverage_days r WHERE r.unit_id = t.unit_id AND r.epoch_start = t.epoch_start AND r.changes ? t.metric)
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
        try await tx.acrossEveryProvince(body)
    }
}
