import CDTDomain
import Foundation

extension EventProjection {
    func register(_ body: HouseholdDetails) async throws {
        guard unit.level == .village else {
            throw ValidationFailure(field: "unitId", rule: "must name a village-level unit (thôn, bản, ấp, tổ dân phố, …)")
        }
        let household = body.household(in: unit.id)
        let inserted = try await session.execute("""
            INSERT INTO households (id, province_id, unit_id, label, search_key, size, residents, not_applicable, registered_on)
            VALUES (\(household.id), \(unit.provinceID), \(unit.id), \(household.label), \(household.searchKey), \(household.size),
                    \(try WorkRecords.json(household.residents))::jsonb, \(household.notApplicable?.rawValue), \(day))
            ON CONFLICT (id) DO NOTHING
            """)
        guard inserted == 1 else { throw ValidationFailure(field: "payload.householdId", rule: "is already used by another household") }
    }

    func update(_ body: HouseholdDetails) async throws {
        let household = try await householdOfThisUnit(body.householdId, lock: true)
        let updated = body.household(in: household.unitID)
        try await session.execute("""
            UPDATE households SET label = \(updated.label), search_key = \(updated.searchKey), size = \(updated.size), residents = \(try WorkRecords.json(updated.residents))::jsonb,
                not_applicable = \(updated.notApplicable?.rawValue)
            WHERE id = \(household.id)
            """)
    }

    func visit(_ body: HouseholdVisited) async throws {
        _ = try await householdOfThisUnit(body.householdId, lock: false)
        try await requireMembers(body.memberIds, field: "payload.memberIds")
    }

    func survey(_ body: HouseholdSurveyed) async throws {
        _ = try await householdOfThisUnit(body.householdId, lock: false)
    }

    /// The household with `id`, which must belong to the event's unit or to a unit the event's unit
    /// carries on after a merge or split.
    private func householdOfThisUnit(_ id: ID<Household>, lock: Bool) async throws -> Household {
        let rows = try await session.query("""
            SELECT \(unsafeSQL: WorkRecords.householdColumns) FROM households h
            WHERE h.id = \(id) AND h.province_id = \(unit.provinceID) \(unsafeSQL: lock ? "FOR UPDATE" : "")
            """)
        guard let household = try rows.first.map(WorkRecords.household(from:)) else { throw AppendRules.householdOutsideProvince }
        guard try await AppendRules.carriesOn(household.unitID, in: unit.id, session) else {
            throw AppendRules.notTheHouseholdsUnit(household.unitID)
        }
        return household
    }
}
