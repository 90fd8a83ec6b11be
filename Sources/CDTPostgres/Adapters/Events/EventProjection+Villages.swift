import CDTDomain

/// Village events change the hierarchy itself, inside the event's savepoint: they run as the application
/// role, whose row-level security lets it add and change villages of the provinces it may change, and
/// never an official unit (`sql/core/0012_unit_identity.sql`). Each takes the import lock shared, so an
/// import (which holds it alone) never checks for orphans while a village changes under it.
extension EventProjection {
    func addVillage(_ body: VillageAdded) async throws {
        try await waitForImports()
        try VillageRules.checkOpening(under: unit.unit, codeTaken: try await codeTaken(body.code, under: unit.id),
                                      idTaken: try await StoredUnit.load(body.villageId, session) != nil)
        let village: AdministrativeUnit
        do {
            village = try AdministrativeUnit(id: body.villageId, code: body.code, name: body.name, kind: UnitKind(level: .village, type: body.type),
                                             parentID: unit.id, validity: ValidityPeriod(from: day))
        } catch {
            throw ValidationFailure(field: "payload." + error.field, rule: error.description)
        }
        try await PostgresHierarchyStore.insert([village], session)
    }

    func renameVillage(_ body: VillageRenamed) async throws {
        try await waitForImports()
        let before = try VillageRules.village(unit.unit)
        let after: AdministrativeUnit
        do {
            after = try AdministrativeUnit(id: before.id, code: before.code, name: body.name, kind: UnitKind(level: .village, type: body.type),
                                           parentID: before.parentID, validity: before.validity)
        } catch {
            throw ValidationFailure(field: "payload." + error.field, rule: error.description)
        }
        let later = try await session.query("""
            SELECT count(*) FROM unit_name_versions WHERE unit_id = \(before.id) AND valid_until > \(day)
            """).decode(Int.self)[0]
        try VillageRules.checkRenaming(from: before, to: after, renamedLater: later > 0)
        try await PostgresHierarchyStore.rename(UnitRenaming(before: before, after: after), effective: day, session)
    }

    func moveVillage(_ body: VillageMoved) async throws {
        try await waitForImports()
        let village = try VillageRules.openVillage(unit.unit, changingOn: day)
        let commune = try await StoredUnit.load(body.communeId, session)
        try VillageRules.checkMove(of: village, to: commune.map { ($0.unit, $0.provinceID) }, villageProvince: unit.provinceID, on: day,
                                   newIDTaken: try await StoredUnit.load(body.newVillageId, session) != nil)
        let move = PostgresHierarchyStore.VillageMove(village: village.id, target: body.communeId, newID: body.newVillageId, code: body.code ?? village.code)
        let moved = try await PostgresHierarchyStore.moveVillages([move], effective: day, session)
        guard moved.villages == 1 else { throw ValidationFailure(field: "unitId", rule: "must name a village still open") }
    }

    func closeVillage(_ body: VillageClosed) async throws {
        try await waitForImports()
        let village = try VillageRules.openVillage(unit.unit, changingOn: day)
        if let successorID = body.successorId {
            let successor = try await StoredUnit.load(successorID, session)
            let teams = try await session.query("""
                SELECT count(*) FROM teams WHERE unit_id IN (\(village.id), \(successorID)) AND ended_on IS NULL AND level = 'village'
                """).decode(Int.self)[0]
            try VillageRules.checkSuccessor(of: village, successor.map { ($0.unit, $0.provinceID) }, villageProvince: unit.provinceID,
                                            on: day, activeTeams: teams)
            try await PostgresHierarchyStore.close([village.id], on: day, session)
            try await PostgresHierarchyStore.record([try LineageLink(predecessor: village.id, successor: successorID, kind: .merged, effective: day)], session)
            _ = try await PostgresHierarchyStore.repointWork(from: [village.id], to: [successorID], session)
            try await session.execute("UPDATE households SET unit_id = \(successorID) WHERE unit_id = \(village.id)")
            _ = try await PostgresHierarchyStore.repointRoles(from: [village.id], to: [successorID], session)
            return
        }
        let (teams, households, roles) = try await session.query("""
            SELECT (SELECT count(*) FROM teams WHERE unit_id = \(village.id) AND ended_on IS NULL)::int,
                   (SELECT count(*) FROM households WHERE unit_id = \(village.id))::int,
                   ((SELECT count(*) FROM role_assignments WHERE unit_id = \(village.id))
                    + (SELECT count(*) FROM module_role_assignments WHERE unit_id = \(village.id)))::int
            """).decode((Int, Int, Int).self)[0]
        try VillageRules.checkClosingAlone(teams: teams, households: households, roles: roles)
        try await PostgresHierarchyStore.close([village.id], on: day, session)
    }

    private func waitForImports() async throws {
        try await session.query("SELECT pg_advisory_xact_lock_shared(\(PostgresHierarchyStore.importLock))")
    }

    private func codeTaken(_ code: String, under commune: ID<AdministrativeUnit>) async throws -> Bool {
        try await session.query("""
            SELECT count(*) FROM administrative_units
            WHERE level = 'village' AND parent_id = \(commune) AND code = \(code) AND (valid_until IS NULL OR valid_until > \(day))
            """).decode(Int.self)[0] > 0
    }
}
