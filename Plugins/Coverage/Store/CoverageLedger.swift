import CDTModuleKit
import Foundation

/// Writes what events change in the figures: contributions added to the unit where recorded and rolled up
/// to every unit that unit counts under, in every hierarchy epoch.
enum CoverageLedger {
    /// Adds contributions recorded in `province`: to the units where recorded, and rolled up.
    static func add(_ changes: [Contribution], province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
        let rollUp = SlotRollUp(changes)
        guard !rollUp.leaves.isEmpty else { return }
        let units = rollUp.leaves.map { $0.key.unit }, days = rollUp.leaves.map { $0.key.day }
        // Shared with other deliveries, exclusive with a remap (followLineage).
        _ = try await tx.query("SELECT pg_advisory_xact_lock_shared(\(Self.mapLock))")
        // Where each leaf day's changes go: the units it counts under in each epoch that holds the day.
        let map = try await leafMap(Set(units), tx)
        let targets = zip(units, days).map { unit, day in
            (map[unit] ?? []).filter { $0.holds(day) }.map { SlotRollUp.Target(epoch: $0.epochStart, unit: $0.unit, province: $0.province, share: $0.share) }
        }
        let (dayRows, totalRows) = rollUp.rolledUp(targets, recordedIn: province.rawValue)
        // Each column as one array, bound in binary; the rows' slots as one flat float8[] that each row takes
        // its slice of (`SlotRollUp.slice`), where a text[] of array literals made PostgreSQL parse every slot
        // of every row as text.
        let leafChanges = rollUp.leaves.flatMap { $0.changes }
        let dayEpochs = ArrayText.plain(dayRows.map { $0.key.unit.epoch }), dayUnits = dayRows.map { $0.key.unit.unit }
        let dayDays = dayRows.map { $0.key.day }, dayProvinces = dayRows.map { $0.province }
        let dayChanges = dayRows.flatMap { $0.changes }
        let totalEpochs = ArrayText.plain(totalRows.map { $0.key.epoch }), totalUnits = totalRows.map { $0.key.unit }
        let totalProvinces = totalRows.map { $0.province }, totalValues = totalRows.flatMap { $0.totals }
        let totalApportioned = totalRows.map { Int($0.apportioned) }
        try await acrossProvinces(tx) {
            // Each row once, its slots added in place. What comes back: the rows whose changes all came to
            // zero (removed below) and the totals that may have to be cleaned up.
            let leftovers = try await tx.query("""
                WITH leaf AS (
                    INSERT INTO coverage_leaf_days AS t (province_id, unit_id, day, changes)
                    SELECT \(province), unit_id, day, (\(leafChanges)::float8[])\(unsafeSQL: SlotRollUp.slice("i"))
                    FROM unnest(\(units)::uuid[], \(days)::date[]) WITH ORDINALITY AS d(unit_id, day, i)
                    ON CONFLICT (unit_id, day, province_id) DO UPDATE SET changes = \(unsafeSQL: SlotRollUp.sumExpression("t.changes", "excluded.changes"))
                    RETURNING 0 AS kind, NULL::date AS epoch_start, t.unit_id, t.day, \(unsafeSQL: SlotRollUp.isZero("t.changes")) AS empty
                ), days AS (
                    INSERT INTO coverage_days AS t (province_id, epoch_start, unit_id, day, changes)
                    SELECT province_id, epoch_start::date, unit_id, day, (\(dayChanges)::float8[])\(unsafeSQL: SlotRollUp.slice("i"))
                    FROM unnest(\(dayProvinces)::uuid[], \(dayEpochs)::text[], \(dayUnits)::uuid[], \(dayDays)::date[])
                         WITH ORDINALITY AS d(province_id, epoch_start, unit_id, day, i)
                    ON CONFLICT (unit_id, epoch_start, day) DO UPDATE SET changes = \(unsafeSQL: SlotRollUp.sumExpression("t.changes", "excluded.changes"))
                    RETURNING 1 AS kind, t.epoch_start, t.unit_id, t.day, \(unsafeSQL: SlotRollUp.isZero("t.changes")) AS empty
                ), totals AS (
                    INSERT INTO coverage_totals AS t (province_id, epoch_start, unit_id, totals, apportioned)
                    SELECT province_id, epoch_start::date, unit_id, (\(totalValues)::float8[])\(unsafeSQL: SlotRollUp.slice("i")), apportioned
                    FROM unnest(\(totalProvinces)::uuid[], \(totalEpochs)::text[], \(totalUnits)::uuid[], \(totalApportioned)::int8[])
                         WITH ORDINALITY AS d(province_id, epoch_start, unit_id, apportioned, i)
                    ON CONFLICT (unit_id, epoch_start) DO UPDATE
                    SET totals = \(unsafeSQL: SlotRollUp.sumExpression("t.totals", "excluded.totals")), apportioned = t.apportioned | excluded.apportioned
                    RETURNING 2 AS kind, t.epoch_start, t.unit_id, NULL::date AS day,
                              (t.apportioned <> 0 AND EXISTS (SELECT 1 FROM unnest(t.totals) WITH ORDINALITY z(v, slot)
                                                              WHERE z.v = 0 AND (t.apportioned >> (z.slot::int - 1)) & 1 = 1))
                              OR \(unsafeSQL: SlotRollUp.isZero("t.totals")) AS empty
                )
                SELECT kind, epoch_start::text, unit_id, day FROM leaf WHERE empty
                UNION ALL SELECT kind, epoch_start::text, unit_id, day FROM days WHERE empty
                UNION ALL SELECT kind, epoch_start::text, unit_id, day FROM totals WHERE empty
                """).decode((Int, String?, UUID, CalendarDate?).self)
            guard !leftovers.isEmpty else { return }
            // A value a late event moved to another day leaves nothing behind: the rows are those a
            // rebuild from the log would make.
            let emptyLeaves = leftovers.filter { $0.0 == 0 }, emptyDays = leftovers.filter { $0.0 == 1 }, totals = leftovers.filter { $0.0 == 2 }
            if !emptyLeaves.isEmpty {
                try await tx.execute("""
                    DELETE FROM coverage_leaf_days l USING unnest(\(emptyLeaves.map { $0.2 })::uuid[], \(emptyLeaves.map { $0.3! })::date[]) AS d(unit_id, day)
                    WHERE l.unit_id = d.unit_id AND l.day = d.day AND \(unsafeSQL: SlotRollUp.isZero("l.changes"))
                    """)
            }
            if !emptyDays.isEmpty {
                try await tx.execute("""
                    DELETE FROM coverage_days r
                    USING unnest(\(emptyDays.map { $0.1! })::text[], \(emptyDays.map { $0.2 })::uuid[], \(emptyDays.map { $0.3! })::date[]) AS d(epoch_start, unit_id, day)
                    WHERE r.unit_id = d.unit_id AND r.epoch_start = d.epoch_start::date AND r.day = d.day AND \(unsafeSQL: SlotRollUp.isZero("r.changes"))
                    """)
            }
            if !totals.isEmpty {
                try await cleanUpTotals(epochs: totals.map { $0.1! }, units: totals.map { $0.2 }, tx)
            }
        }
    }

    /// The map's rows of `leaves` (mapped first where they are not yet): from ``LeafMapCache`` for those a
    /// batch under the same lineage signature read before, from the database for the others. Runs under the
    /// shared map lock, so the signature read here is the one the map's rows were made under.
    private static func leafMap(_ leaves: Set<UUID>, _ tx: PostgresSession) async throws -> [UUID: [LeafMapCache.Row]] {
        // The signature with the database's identity: a process may use several databases (tests do),
        // and every database starts from an empty lineage.
        let signature = try await tx.query("""
            SELECT lineage_signature || ' ' || d.oid::text || ' ' || d.datname || ' ' || pg_postmaster_start_time()::text
            FROM coverage_map_state, pg_database d WHERE d.datname = current_database()
            """).decode(String.self).first
        var map = signature.map { LeafMapCache.shared.rows(for: leaves, signature: $0) } ?? [:]
        let missing = Array(leaves.subtracting(map.keys))
        guard !missing.isEmpty else { return map }
        try await tx.execute("SELECT coverage_map_leaves(\(missing))")
        var read: [UUID: [LeafMapCache.Row]] = [:]
        for (leaf, start, end, unit, province, share) in try await tx.query("""
            SELECT leaf_id, epoch_start::text, CASE WHEN isfinite(epoch_end) THEN epoch_end END, unit_id, unit_province_id, share
            FROM coverage_unit_map WHERE leaf_id = ANY(\(missing))
            """).decode((UUID, String, CalendarDate?, UUID, UUID, Double).self) {
            read[leaf, default: []].append(LeafMapCache.Row(epochStart: start, epochEnd: end, unit: unit, province: province, share: share))
        }
        if let signature { LeafMapCache.shared.keep(read, signature: signature) }
        map.merge(read) { _, new in new }
        return map
    }

    /// Makes the totals of the given units and epochs what a rebuild would: a slot at 0 that no day of the
    /// unit moves loses its apportioned bit, and a unit's row whose slots are all 0 goes once no day is left
    /// under it (a total of 0 stays while days under it hold changes: the value at an earlier date is the
    /// total minus the later days).
    private static func cleanUpTotals(epochs: [String], units: [UUID], _ tx: PostgresSession) async throws {
        try await tx.execute("""
            UPDATE coverage_totals t SET apportioned = t.apportioned & ~coalesce((
                SELECT bit_or(1::int8 << (s - 1)) FROM generate_series(1, cardinality(t.totals)) s
                WHERE t.totals[s] = 0
                  AND NOT EXISTS (SELECT 1 FROM \(unsafeSQL: SlotRollUp.unitDays) AS r WHERE r.unit_id = t.unit_id AND r.epoch_start = t.epoch_start
                                  GROUP BY r.day HAVING abs(sum(r.changes[s])) >= 1e-9)), 0)
            FROM unnest(\(epochs)::text[], \(units)::uuid[]) AS k(epoch_start, unit_id)
            WHERE t.unit_id = k.unit_id AND t.epoch_start = k.epoch_start::date AND t.apportioned <> 0
            """)
        try await tx.execute("""
            DELETE FROM coverage_totals t USING unnest(\(epochs)::text[], \(units)::uuid[]) AS k(epoch_start, unit_id)
            WHERE t.unit_id = k.unit_id AND t.epoch_start = k.epoch_start::date AND \(unsafeSQL: SlotRollUp.isZero("t.totals"))
              AND NOT EXISTS (SELECT 1 FROM \(unsafeSQL: SlotRollUp.unitDays) AS r CROSS JOIN unnest(r.changes) WITH ORDINALITY AS c(value, slot)
                              WHERE r.unit_id = t.unit_id AND r.epoch_start = t.epoch_start
                              GROUP BY r.day, c.slot HAVING abs(sum(c.value)) >= 1e-9)
            """)
    }

    /// The advisory lock between deliveries (shared) and a remap (exclusive).
    static let mapLock: Int64 = 0x0c0e_7a9e

    /// Makes the map and the rolled-up figures agree with the lineage, when it changed since they were
    /// made: a reorganization took effect, so every recorded unit is mapped again and the roll-ups are
    /// summed again from the figures where recorded. Every batch starts with it (a reorganization in a
    /// province where the module is off still changes the epochs), as does enabling the module.
    static func followLineage(_ tx: PostgresSession) async throws {
        // The lineage's signature: the version the core keeps of it, one row (a hash over its 10,600 links took
        // 6–9 ms a batch). With the map's in the same statement. Migration 0006 gave a map made under the
        // hash of the current lineage this signature; any other map differs from every version and is made again.
        let (signature, stored) = try await tx.query("""
            SELECT (SELECT database_id::text || ':' || version::text FROM core_v1.lineage_version),
                   (SELECT lineage_signature FROM coverage_map_state)
            """).decode((String, String?).self)[0]
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
            // Every leaf day's changes carried up through the map, slot by slot: the days of the roll-ups (without
            // the changes that sum to zero, nor a leaf's own days: SlotRollUp.isLeafsOwnDay) and their totals,
            // then the same clean-up as a delivery's.
            try await tx.execute("""
                WITH up AS MATERIALIZED (
                    SELECT m.unit_province_id AS province_id, m.epoch_start, m.unit_id, l.day, c.slot,
                           sum(c.value * m.share) AS value, bool_or(m.share < 1) AS apportioned,
                           (\(unsafeSQL: SlotRollUp.isLeafsOwnDay(leafDay: "l", map: "m"))) AS own
                    FROM coverage_leaf_days l CROSS JOIN unnest(l.changes) WITH ORDINALITY AS c(value, slot)
                    JOIN coverage_unit_map m ON m.leaf_id = l.unit_id AND m.epoch_end > l.day
                    WHERE c.value <> 0
                    GROUP BY 1, 2, 3, 4, 5, 8
                ), days AS (
                    INSERT INTO coverage_days (province_id, epoch_start, unit_id, day, changes)
                    SELECT province_id, epoch_start, unit_id, day, coverage_slots(array_agg(slot), array_agg(value), \(SlotRollUp.width)::int)
                    FROM up WHERE NOT own AND abs(value) >= 1e-9 GROUP BY 1, 2, 3, 4
                )
                INSERT INTO coverage_totals (province_id, epoch_start, unit_id, totals, apportioned)
                SELECT province_id, epoch_start, unit_id, coverage_slots(array_agg(slot), array_agg(value), \(SlotRollUp.width)::int),
                       coalesce(bit_or(1::int8 << (slot::int - 1)) FILTER (WHERE apportioned), 0)
                FROM (SELECT province_id, epoch_start, unit_id, slot, sum(value) AS value, bool_or(apportioned) AS apportioned FROM up GROUP BY 1, 2, 3, 4) s
                GROUP BY 1, 2, 3
                """)
            let all = try await tx.query("SELECT epoch_start::text, unit_id FROM coverage_totals").decode((String, UUID).self)
            if !all.isEmpty { try await cleanUpTotals(epochs: all.map { $0.0 }, units: all.map { $0.1 }, tx) }
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
