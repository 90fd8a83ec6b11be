import CDTDomain

/// Village events change the hierarchy itself, inside the event's savepoint: they run as the application
/// role, whose row-level security lets it add and change villages of the provinces it may change, and
/// never an official unit (`sql/core/0012_unit_identity.sql`). Each takes the import lock shared, so an
/// import (which holds it alone) never checks for orphans while a village changes under it.
extension EventProjection {
    func addVillage(_ body: VillageAdded) async throws {
        try await waitForImports()
        guard unit.level == .commune else { throw ValidationFailure(field: "unitId", rule: "must name the commune the village opens under") }
        guard try await StoredUnit.load(body.villageId, session) == nil else {
            throw ValidationFailure(field: "payload.villageId", rule: "must be a new id")
        }
        try await requireFreeCode(body.code, under: unit.id)
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
        let before = try requireVillage()
        let after: AdministrativeUnit
        do {
            after = try AdministrativeUnit(id: before.id, code: before.code, name: body.name, kind: UnitKind(level: .village, type: body.type),
                                           parentID: before.parentID, validity: before.validity)
        } catch {
            throw ValidationFailure(field: "payload." + error.field, rule: error.description)
        }
        guard after.name != before.name || after.kind != before.kind else {
            throw ValidationFailure(field: "payload.name", rule: "must differ from the village's name")
        }
        let later = try await session.query("""
            SELECT count(*) FROM unit_name_versions WHERE unit_id = \(before.id) AND valid_until > \(day)
            """).decode(Int.self)[0]
        guard later == 0 else { throw ValidationFailure(field: "occurredAt", rule: "must be after the village's last renaming") }
        try await PostgresHierarchyStore.rename(UnitRenaming(before: before, after: after), effective: day, session)
    }

    func moveVillage(_ body: VillageMoved) async throws {
        try await waitForImports()
        let village = try requireOpenVillage()
        guard day > village.validity.from else { throw ValidationFailure(field: "occurredAt", rule: "must be after the day the village opened (\(village.validity.from))") }
        guard let commune = try await StoredUnit.load(body.communeId, session), commune.level == .commune,
              commune.validity.contains(day), commune.provinceID == unit.provinceID
        else { throw ValidationFailure(field: "payload.communeId", rule: "must name a commune of the village's province in force that day") }
        guard commune.id != village.parentID else { throw ValidationFailure(field: "payload.communeId", rule: "must be another commune than the village's") }
        guard try await StoredUnit.load(body.newVillageId, session) == nil else {
            throw ValidationFailure(field: "payload.newVillageId", rule: "must be a new id")
        }
        let move = PostgresHierarchyStore.VillageMove(village: village.id, target: commune.id, newID: body.newVillageId, code: body.code ?? village.code)
        let moved = try await PostgresHierarchyStore.moveVillages([move], effective: day, session)
        guard moved.villages == 1 else { throw ValidationFailure(field: "unitId", rule: "must name a village still open") }
    }

    func closeVillage(_ body: VillageClosed) async throws {
        try await waitForImports()
        let village = try requireOpenVillage()
        guard day > village.validity.from else { throw ValidationFailure(field: "occurredAt", rule: "must be after the day the village opened (\(village.validity.from))") }
        if let successorID = body.successorId {
            guard successorID != village.id, let successor = try await StoredUnit.load(successorID, session), successor.level == .village,
                  successor.validity.contains(day), successor.provinceID == unit.provinceID
            else { throw ValidationFailure(field: "payload.successorId", rule: "must name another village of the province in force that day") }
            let teams = try await session.query("""
                SELECT count(*) FROM teams WHERE unit_id IN (\(village.id), \(successorID)) AND ended_on IS NULL AND level = 'village'
                """).decode(Int.self)[0]
            guard teams < 2 else {
                throw ValidationFailure(field: "payload.successorId", rule: "has an active team too: merge the two teams first (team.merged)")
            }
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
        guard teams + households + roles == 0 else {
            throw ValidationFailure(field: "payload.successorId", rule:
                "is required: the village holds \(teams) active teams, \(households) households and \(roles) role assignments, which closing must not orphan")
        }
        try await PostgresHierarchyStore.close([village.id], on: day, session)
    }

    /// The event's unit, which must be a village in force that day.
    private func requireVillage() throws -> AdministrativeUnit {
        guard unit.level == .village else { throw ValidationFailure(field: "unitId", rule: "must name a village") }
        return unit.unit
    }

    /// The event's unit, which must be a village not closed or moved already.
    private func requireOpenVillage() throws -> AdministrativeUnit {
        let village = try requireVillage()
        guard village.validity.until == nil else {
            throw ValidationFailure(field: "unitId", rule: "must name a village still open (it closed on \(village.validity.until!))")
        }
        return village
    }

    private func waitForImports() async throws {
        try await session.query("SELECT pg_advisory_xact_lock_shared(\(PostgresHierarchyStore.importLock))")
    }

    private func requireFreeCode(_ code: String, under commune: ID<AdministrativeUnit>) async throws {
        let taken = try await session.query("""
            SELECT count(*) FROM administrative_units
            WHERE level = 'village' AND parent_id = \(commune) AND code = \(code) AND (valid_until IS NULL OR valid_until > \(day))
            """).decode(Int.self)[0]
        guard taken == 0 else { throw ValidationFailure(field: "payload.code", rule: "must differ from the codes of the commune's villages in force that day or later") }
    }
}
