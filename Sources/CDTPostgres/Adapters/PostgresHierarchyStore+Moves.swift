import CDTDomain
import Foundation

extension PostgresHierarchyStore {
    // MARK: Moving work out of closed units

    /// Moves villages (and what lies in them) out of communes that closed on `effective`, and re-points work
    /// held at closed units to their single `full` successor. What cannot be placed stays, for the orphan check.
    static func moveWork(
        _ villageMoves: [IncomingVillageMove], effective: CalendarDate, report: inout HierarchyImportReport, _ tx: PostgresSession
    ) async throws {
        let dayBefore = effective.adding(days: -1)
        let closed = try await tx.query("""
            SELECT id FROM administrative_units WHERE valid_until = \(effective) AND level <> 'village'
            """).decode(ID<AdministrativeUnit>.self)
        guard !closed.isEmpty || !villageMoves.isEmpty else { return }
        var successor: [ID<AdministrativeUnit>: ID<AdministrativeUnit>] = [:]
        for (predecessor, successors) in try await tx.query("""
            SELECT predecessor_id, array_agg(successor_id) FILTER (WHERE kind = 'merged'), count(*)::int FROM unit_lineage
            WHERE predecessor_id = ANY(\(closed)) AND effective = \(effective) GROUP BY predecessor_id
            """).decode((ID<AdministrativeUnit>, [ID<AdministrativeUnit>]?, Int).self).map({ ($0.0, ($0.1 ?? [], $0.2)) }) {
            if successors.0.count == 1, successors.1 == 1 { successor[predecessor] = successors.0[0] }
        }

        // Work crosses provinces only when its province merged whole into the other.
        let provinces = Dictionary(uniqueKeysWithValues: try await tx.query("""
            SELECT id, coalesce(province_id, id) FROM administrative_units WHERE level IN ('province', 'district', 'commune') AND \(inForce(on: dayBefore))
            UNION SELECT id, coalesce(province_id, id) FROM administrative_units WHERE level IN ('province', 'district', 'commune') AND \(inForce(on: effective))
            """).decode((ID<AdministrativeUnit>, ID<AdministrativeUnit>).self).map { ($0.0, $0.1) })
        func mayMove(from unit: ID<AdministrativeUnit>, to target: ID<AdministrativeUnit>) -> Bool {
            guard let old = provinces[unit], let new = provinces[target] else { return false }
            return old == new || successor[old] == new
        }

        // Villages: the map's lines first, then every village of a closed commune that has one successor.
        var targets: [ID<AdministrativeUnit>: ID<AdministrativeUnit>] = [:]
        for line in villageMoves {
            guard let commune = try await tx.query("""
                SELECT id FROM administrative_units WHERE level = 'commune' AND code = \(line.communeCode) AND \(inForce(on: dayBefore))
                """).decode(ID<AdministrativeUnit>.self).first
            else { throw ImportError(line: line.line, field: "commune_code", message: "no commune \(line.communeCode) was in force on \(dayBefore)") }
            guard let village = try await tx.query("""
                SELECT id FROM administrative_units
                WHERE level = 'village' AND parent_id = \(commune) AND code = \(line.villageCode) AND \(inForce(on: dayBefore))
                """).decode(ID<AdministrativeUnit>.self).first
            else { throw ImportError(line: line.line, field: "village_code", message: "commune \(line.communeCode) had no village \(line.villageCode) on \(dayBefore)") }
            guard let newCommune = try await tx.query("""
                SELECT id FROM administrative_units WHERE level = 'commune' AND code = \(line.newCommuneCode) AND \(inForce(on: effective))
                """).decode(ID<AdministrativeUnit>.self).first
            else { throw ImportError(line: line.line, field: "new_commune_code", message: "no commune \(line.newCommuneCode) is in force on \(effective)") }
            guard targets[village] == nil else {
                throw ImportError(line: line.line, field: "village_code", message: "village \(line.communeCode)/\(line.villageCode) is listed twice")
            }
            guard mayMove(from: commune, to: newCommune) else {
                throw ImportError(line: line.line, field: "new_commune_code",
                                  message: "must be a commune of the village's province: work moves to another province only when its province merges whole into it")
            }
            if newCommune != commune { targets[village] = newCommune }
        }
        for (village, parent) in try await tx.query("""
            SELECT id, parent_id FROM administrative_units
            WHERE level = 'village' AND parent_id = ANY(\(closed)) AND \(inForce(on: effective))
            """).decode((ID<AdministrativeUnit>, ID<AdministrativeUnit>).self) where targets[village] == nil {
            if let next = successor[parent], mayMove(from: parent, to: next) { targets[village] = next }
        }
        try await moveVillages(targets, effective: effective, report: &report, tx)

        // Work held at the closed units themselves (commune-level teams, officers' roles, enablements).
        let carried = successor.filter { mayMove(from: $0.key, to: $0.value) }
        guard !carried.isEmpty else { return }
        let from = Array(carried.keys), to = from.map { carried[$0]! }
        report.moved.teams += try await tx.execute("""
            UPDATE teams t SET unit_id = m.successor FROM unnest(\(from), \(to)) AS m(unit, successor)
            WHERE t.unit_id = m.unit AND t.ended_on IS NULL
            """)
        report.moved.households += try await tx.execute("""
            UPDATE households h SET unit_id = m.successor FROM unnest(\(from), \(to)) AS m(unit, successor) WHERE h.unit_id = m.unit
            """)
        report.moved.roleAssignments += try await repointRoles(from: from, to: to, tx)
        try await tx.execute("""
            UPDATE campaigns c SET scope_unit_id = m.successor FROM unnest(\(from), \(to)) AS m(unit, successor)
            WHERE c.scope_unit_id = m.unit AND c.closed_on IS NULL
            """)
        // One enablement of a module per successor: the successor's own, else an enabled one of its
        // predecessors (settings kept); the others stay behind, disabled, with their settings.
        let ranked: PostgresQuery = """
            WITH m AS (SELECT * FROM unnest(\(from), \(to)) AS m(unit, successor)
                       UNION SELECT DISTINCT s, s FROM unnest(\(to)) AS s),
            ranked AS (SELECT e.module_id, e.province_id AS unit, m.successor,
                              row_number() OVER (PARTITION BY e.module_id, m.successor
                                                 ORDER BY (e.province_id = m.successor) DESC, e.enabled DESC, e.changed_at DESC) AS n
                       FROM module_enablements e JOIN m ON e.province_id = m.unit)
            """
        try await tx.execute("""
            \(ranked) UPDATE module_enablements e SET enabled = false FROM ranked r
            WHERE e.module_id = r.module_id AND e.province_id = r.unit AND r.n > 1 AND e.enabled
            """)
        report.moved.moduleEnablements += try await tx.execute("""
            \(ranked) UPDATE module_enablements e SET province_id = r.successor FROM ranked r
            WHERE e.module_id = r.module_id AND e.province_id = r.unit AND r.n = 1 AND r.unit <> r.successor
            """)
        // Provinces that merged whole: their tenant rows belong to the successor province from now on.
        for table in ["teams", "members", "memberships", "households", "campaigns", "trainings", "training_attendees"] {
            try await tx.execute("""
                UPDATE \(unsafeSQL: table) t SET province_id = m.successor
                FROM unnest(\(from), \(to)) AS m(unit, successor)
                JOIN administrative_units u ON u.id = m.unit AND u.level = 'province'
                WHERE t.province_id = m.unit
                """)
        }
    }

    /// Where one village goes: under `target`, as `newID` (made here when absent) with `code` (its own
    /// when absent, prefixed by its old commune's code when the new commune has that code already).
    struct VillageMove {
        var village: ID<AdministrativeUnit>
        var target: ID<AdministrativeUnit>
        var newID: ID<AdministrativeUnit>?
        var code: String?
    }

    private static func moveVillages(
        _ targets: [ID<AdministrativeUnit>: ID<AdministrativeUnit>], effective: CalendarDate,
        report: inout HierarchyImportReport, _ tx: PostgresSession
    ) async throws {
        let moved = try await moveVillages(targets.map { VillageMove(village: $0.key, target: $0.value) }, effective: effective, tx)
        report.villagesMoved += moved.villages
        report.links["moved", default: 0] += moved.villages
        report.moved.villages += moved.villages
        report.moved.teams += moved.teams
        report.moved.households += moved.households
        report.moved.roleAssignments += moved.roleAssignments
    }

    /// Closes each village and opens it again under its new commune, linked `moved`; its active team,
    /// households and role assignments go with it. Villages closed already (an import run again) are skipped.
    static func moveVillages(_ moves: [VillageMove], effective: CalendarDate, _ tx: PostgresSession) async throws -> HierarchyImportReport.WorkCounts {
        var counts = HierarchyImportReport.WorkCounts()
        guard !moves.isEmpty else { return counts }
        let byVillage = Dictionary(moves.map { ($0.village, $0) }, uniquingKeysWith: { first, _ in first })
        let villages = try await tx.query("""
            SELECT v.id, v.code, v.name, v.type, v.valid_from, v.valid_until, p.code
            FROM administrative_units v JOIN administrative_units p ON p.id = v.parent_id WHERE v.id = ANY(\(Array(byVillage.keys)))
            """).decode((ID<AdministrativeUnit>, String, String, String, CalendarDate, CalendarDate?, String).self)
        var taken = Set(try await tx.query("""
            SELECT parent_id::text || '/' || code FROM administrative_units
            WHERE level = 'village' AND parent_id = ANY(\(Array(Set(moves.map(\.target))))) AND (valid_until IS NULL OR valid_until > \(effective))
            """).decode(String.self))
        var opened: [AdministrativeUnit] = [], links: [LineageLink] = [], old: [ID<AdministrativeUnit>] = [], new: [ID<AdministrativeUnit>] = []
        for (id, code, name, type, from, until, communeCode) in villages.sorted(by: { ($0.6, $0.1) < ($1.6, $1.1) }) {
            guard from < effective, until == nil, let move = byVillage[id] else { continue }
            var newCode = move.code ?? code
            if move.code == nil, taken.contains("\(move.target)/\(newCode)") { newCode = "\(communeCode)-\(code)" }
            guard !taken.contains("\(move.target)/\(newCode)") else {
                throw ValidationFailure(field: "payload.code", rule: "must differ from the codes of the new commune's villages (\(newCode) is taken)")
            }
            taken.insert("\(move.target)/\(newCode)")
            let unit = try AdministrativeUnit(id: move.newID ?? ID(), code: newCode, name: name, kind: UnitKind(level: .village, type: type),
                                              parentID: move.target, validity: ValidityPeriod(from: effective))
            opened.append(unit)
            links.append(try LineageLink(predecessor: id, successor: unit.id, kind: .moved, effective: effective))
            old.append(id)
            new.append(unit.id)
        }
        try await close(old, on: effective, tx)
        try await insert(opened, tx)
        try await record(links, tx)
        counts.villages = opened.count
        counts.teams = try await repointWork(from: old, to: new, tx).teams
        counts.households = try await tx.execute("""
            UPDATE households h SET unit_id = m.new FROM unnest(\(old), \(new)) AS m(old, new) WHERE h.unit_id = m.old
            """)
        counts.roleAssignments = try await repointRoles(from: old, to: new, tx)
        return counts
    }

    /// Moves the active teams at `from` to `to`, pairwise.
    static func repointWork(from: [ID<AdministrativeUnit>], to: [ID<AdministrativeUnit>], _ tx: PostgresSession) async throws -> HierarchyImportReport.WorkCounts {
        var counts = HierarchyImportReport.WorkCounts()
        counts.teams = try await tx.execute("""
            UPDATE teams t SET unit_id = m.new FROM unnest(\(from), \(to)) AS m(old, new) WHERE t.unit_id = m.old AND t.ended_on IS NULL
            """)
        return counts
    }

    /// Moves core and module role assignments from units to their successors (an assignment the account
    /// already holds there is dropped rather than doubled).
    static func repointRoles(from: [ID<AdministrativeUnit>], to: [ID<AdministrativeUnit>], _ tx: PostgresSession) async throws -> Int {
        // Where several units go to one successor, an account keeps one assignment of a role there.
        let units: PostgresQuery = """
            WITH m AS (SELECT * FROM unnest(\(from), \(to)) AS m(unit, successor) UNION SELECT DISTINCT s, s FROM unnest(\(to)) AS s)
            """
        try await tx.execute("""
            \(units), ranked AS (
                SELECT r.ctid AS row, row_number() OVER (PARTITION BY r.account_id, r.role, m.successor
                                                         ORDER BY (r.unit_id = m.successor) DESC, r.granted_at) AS n
                FROM role_assignments r JOIN m ON r.unit_id = m.unit)
            DELETE FROM role_assignments r USING ranked WHERE r.ctid = ranked.row AND ranked.n > 1
            """)
        try await tx.execute("""
            \(units), ranked AS (
                SELECT r.ctid AS row, row_number() OVER (PARTITION BY r.account_id, r.role, m.successor
                                                         ORDER BY (r.unit_id = m.successor) DESC, r.assigned_at) AS n
                FROM module_role_assignments r JOIN m ON r.unit_id = m.unit)
            DELETE FROM module_role_assignments r USING ranked WHERE r.ctid = ranked.row AND ranked.n > 1
            """)
        let core = try await tx.execute("""
            UPDATE role_assignments r SET unit_id = m.successor, province_id = coalesce(s.province_id, s.id)
            FROM unnest(\(from), \(to)) AS m(unit, successor) JOIN administrative_units s ON s.id = m.successor
            WHERE r.unit_id = m.unit
            """)
        let modules = try await tx.execute("""
            UPDATE module_role_assignments r SET unit_id = m.successor FROM unnest(\(from), \(to)) AS m(unit, successor) WHERE r.unit_id = m.unit
            """)
        return core + modules
    }

    // MARK: Checks and counts

    /// Everything left in a unit that closed on `effective`: what the import must not do.
    static func orphans(on effective: CalendarDate, _ tx: PostgresSession) async throws -> HierarchyImportReport.Orphans {
        var orphans = HierarchyImportReport.Orphans()
        orphans.villages = try await tx.query("""
            SELECT p.code || ',' || v.code || ',  -- ' || v.name || ' in ' || p.name
            FROM administrative_units v JOIN administrative_units p ON p.id = v.parent_id
            WHERE v.level = 'village' AND p.valid_until = \(effective) AND \(inForce(on: effective, alias: "v"))
            ORDER BY p.code, v.code
            """).decode(String.self)
        let closedHere = "SELECT id FROM administrative_units WHERE valid_until = \(effective)" as PostgresQuery
        let counts = try await tx.query("""
            SELECT (SELECT count(*) FROM teams WHERE ended_on IS NULL AND unit_id IN (\(closedHere)))::int,
                   (SELECT count(*) FROM households WHERE unit_id IN (\(closedHere)))::int,
                   (SELECT count(*) FROM role_assignments WHERE unit_id IN (\(closedHere)))::int,
                   (SELECT count(*) FROM module_role_assignments WHERE unit_id IN (\(closedHere)))::int,
                   (SELECT count(*) FROM module_enablements WHERE enabled AND province_id IN (\(closedHere)))::int,
                   (SELECT count(*) FROM campaigns WHERE closed_on IS NULL AND ends_on >= \(effective) AND scope_unit_id IN (\(closedHere)))::int
            """).decode((Int, Int, Int, Int, Int, Int).self)[0]
        if counts.0 > 0 { orphans.other.append("\(counts.0) active teams in closed units") }
        if counts.1 > 0 { orphans.other.append("\(counts.1) households in closed units") }
        if counts.2 > 0 { orphans.other.append("\(counts.2) role assignments at closed units") }
        if counts.3 > 0 { orphans.other.append("\(counts.3) module role assignments at closed units") }
        if counts.4 > 0 { orphans.other.append("\(counts.4) module enablements in closed provinces") }
        if counts.5 > 0 { orphans.other.append("\(counts.5) open campaigns scoped to closed units") }
        return orphans
    }

    /// What lies in the subtrees of `ids` (the units themselves included) and is still in force.
    static func workCounts(under ids: [ID<AdministrativeUnit>], _ tx: PostgresSession) async throws -> HierarchyImportReport.WorkCounts {
        guard !ids.isEmpty else { return .init() }
        let row = try await tx.query("""
            WITH patterns AS (SELECT array_agg(path || '%') AS p FROM administrative_units WHERE id = ANY(\(ids))),
                 sub AS (SELECT u.id, u.level FROM administrative_units u, patterns WHERE u.path LIKE ANY (patterns.p) AND u.valid_until IS NULL)
            SELECT (SELECT count(*) FROM sub WHERE level = 'village')::int,
                   (SELECT count(*) FROM teams WHERE ended_on IS NULL AND unit_id IN (SELECT id FROM sub))::int,
                   (SELECT count(*) FROM households WHERE unit_id IN (SELECT id FROM sub))::int,
                   ((SELECT count(*) FROM role_assignments WHERE unit_id IN (SELECT id FROM sub))
                    + (SELECT count(*) FROM module_role_assignments WHERE unit_id IN (SELECT id FROM sub)))::int,
                   (SELECT count(*) FROM module_enablements WHERE province_id IN (SELECT id FROM sub))::int
            """).decode((Int, Int, Int, Int, Int).self)[0]
        var counts = HierarchyImportReport.WorkCounts()
        (counts.villages, counts.teams, counts.households, counts.roleAssignments, counts.moduleEnablements) = row
        return counts
    }

    /// The condition that a unit (under `alias`) is in force on `date`.
    static func inForce(on date: CalendarDate, alias: String) -> PostgresQuery {
        "\(unsafeSQL: alias).valid_from <= \(date) AND (\(unsafeSQL: alias).valid_until IS NULL OR \(unsafeSQL: alias).valid_until > \(date))"
    }
}
