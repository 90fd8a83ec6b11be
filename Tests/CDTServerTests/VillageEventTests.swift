import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Testing

/// A province's administrators add, rename, move and close its villages as events, through the real router
/// against a real PostgreSQL (as the application role): each is audited, nothing is orphaned, and nobody
/// else may do it.
@Suite struct VillageEventTests {
    let make = EventFactory()

    @Test func aProvinceAdministratorAddsRenamesMovesAndClosesVillages() async throws {
        let fixture = try await WorkFixture.make()
        let otherCommune = ID<AdministrativeUnit>()
        let owner = fixture.database.makeClient()
        try await PostgresHierarchyStore(client: owner).add([
            try AdministrativeUnit(id: otherCommune, code: "00070", name: "Phường Hoàn Kiếm", kind: UnitKind(level: .commune, type: "Phường"),
                                   parentID: fixture.provinceA, validity: ValidityPeriod(from: CalendarDate("2025-07-01")!)),
        ])
        await owner.close()
        let added = ID<AdministrativeUnit>(), movedAs = ID<AdministrativeUnit>()
        let team = ID<Team>(), household = ID<Household>()
        try await fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)]) { admin in
            let add = make.event(fixture.communeA, on: "2026-11-01", .villageAdded(VillageAdded(villageId: added, code: "9", name: "Thôn Nà Lầu", type: "Thôn")))
            #expect(try await admin.submit(add).status == .created)
            #expect(try await admin.submit(add).status == .ok)  // a resend is a duplicate
            #expect(try await admin.get("/api/v1/units/\(added)").json["unit"].flatMap { ($0 as? [String: Any])?["name"] as? String } == "Thôn Nà Lầu")
            let clash = make.event(fixture.communeA, on: "2026-11-02", .villageAdded(VillageAdded(villageId: ID(), code: "9", name: "Thôn Khác", type: "Thôn")))
            let refused = try await admin.submit(clash)
            #expect(refused.status == .unprocessableContent && refused.fields == ["payload.code"])

            let rename = make.event(added, on: "2026-11-05", .villageRenamed(VillageRenamed(name: "Bản Nà Lầu", type: "Bản")))
            #expect(try await admin.submit(rename).status == .created)
            let names = try await admin.get("/api/v1/units/\(added)?asOf=2026-11-04")
            #expect((names.json["unit"] as? [String: Any])?["name"] as? String == "Thôn Nà Lầu")
            #expect((names.json["names"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Thôn Nà Lầu", "Bản Nà Lầu"])

            // Work in the village, then a move to another commune of the province takes it along.
            for event in [make.establish(team, in: added, issuer: fixture.communeA, on: "2026-11-06"),
                          make.register(household, in: added)] {
                var event = event
                event = DomainEvent(id: event.id, unitID: event.unitID, authorID: admin.accountID!.rawValue,
                                    occurredAt: make.on("2026-11-06"), payload: event.payload)
                #expect(try await admin.submit(event).status == .created)
            }
            let move = make.event(added, on: "2026-11-10", .villageMoved(VillageMoved(communeId: otherCommune, newVillageId: movedAs)))
            let moved = try await admin.submit(move)
            #expect(moved.status == .created, "\(moved.text)")
            let village = try await admin.get("/api/v1/units/\(movedAs)")
            #expect((village.json["unit"] as? [String: Any])?["parentId"] as? String == otherCommune.description)
            #expect(try await admin.get("/api/v1/units/\(added)/successors").items.first?["unit"].flatMap { ($0 as? [String: Any])?["id"] as? String } == movedAs.description)

            // The village as it was before the move is closed already: it cannot be closed (or moved) again.
            let again = try await admin.submit(make.event(added, on: "2026-11-11", .villageClosed(VillageClosed())))
            #expect(again.status == .unprocessableContent && again.fields == ["unitId"], "\(again.text)")

            // Closing a village that holds work needs a successor; with none it is refused and nothing changes.
            let close = make.event(movedAs, on: "2026-11-12", .villageClosed(VillageClosed()))
            let orphaning = try await admin.submit(close)
            #expect(orphaning.status == .unprocessableContent && orphaning.fields == ["payload.successorId"], "\(orphaning.text)")
            let merge = make.event(movedAs, on: "2026-11-12", .villageClosed(VillageClosed(successorId: fixture.villageA2)))
            #expect(try await admin.submit(merge).status == .created)

            let audit = try await admin.get("/api/v1/audit?limit=100")
            #expect(audit.items.filter { ($0["details"] as? [String: Any])?["type"] as? String == "village.moved" }.count == 1, "\(audit.text)")
        }
        let db = fixture.database.makeClient()
        #expect(try await db.query("SELECT unit_id FROM teams WHERE id = \(team)").decode(ID<AdministrativeUnit>.self) == [fixture.villageA2])
        #expect(try await db.query("SELECT unit_id FROM households WHERE id = \(household)").decode(ID<AdministrativeUnit>.self) == [fixture.villageA2])
        #expect(try await db.query("SELECT valid_until::text FROM administrative_units WHERE id IN (\(added), \(movedAs)) ORDER BY 1").decode(String.self)
                == ["2026-11-10", "2026-11-12"])
        await db.close()
    }

    @Test func onlyTheProvincesAdministratorsChangeItsVillages() async throws {
        let fixture = try await WorkFixture.make()
        for roles in [[RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)],
                      [RoleAssignment(role: .teamLeader, unitID: fixture.villageA1)],
                      [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceB)]] {
            try await fixture.withApp(as: roles) { caller in
                let add = make.event(fixture.communeA, on: "2026-11-01", .villageAdded(VillageAdded(villageId: ID(), code: "9", name: "Thôn Mới", type: "Thôn")))
                let addAnswer = try await caller.submit(add)
                #expect(addAnswer.status == .forbidden, "\(roles)")
                let rename = make.event(fixture.villageA1, on: "2026-11-01", .villageRenamed(VillageRenamed(name: "Thôn Đổi", type: "Thôn")))
                let renameAnswer = try await caller.submit(rename)
                #expect(renameAnswer.status == .forbidden, "\(roles)")
            }
        }
        try await fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)]) { admin in
            // Another province's commune cannot receive a village of this one.
            let move = make.event(fixture.villageA1, on: "2026-11-01", .villageMoved(VillageMoved(communeId: fixture.communeB, newVillageId: ID())))
            let refused = try await admin.submit(move)
            #expect(refused.status == .forbidden || refused.fields == ["payload.communeId"], "\(refused.text)")
        }
        let db = fixture.database.makeClient()
        #expect(try await db.query("SELECT count(*) FROM administrative_units WHERE level = 'village'").decode(Int.self) == [3])
        await db.close()
    }
}
