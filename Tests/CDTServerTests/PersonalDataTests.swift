import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Testing

/// A person's data can be exported on request and erased, while the counts their work produced stay.
@Suite struct PersonalDataTests {
    @Test func aMemberIsExportedThenErasedAndTheirWorkStillCounts() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let team = ID<Team>(), lan = ID<Member>(), household = ID<Household>()
        try await fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)]) { admin in
            let events = [
                make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),
                make.join(lan, team, in: fixture.villageA1, as: .head),
                make.register(household, in: fixture.villageA1),
                make.visit(household, in: fixture.villageA1, by: [lan]),
            ]
            #expect(try await admin.post("/api/v1/events/batch", EventJSON.batch(events)).json["accepted"] as? Int == 4)
            let export = try await admin.get("/api/v1/members/\(lan)/export")
            #expect(export.status == .ok)
            #expect(export.text.contains("Trần Thị Lan") && export.text.contains("0912345678"))
            #expect((export.json["events"] as? [Any])?.count == 2)  // joined, and the visit they made
            #expect(try await admin.post("/api/v1/members/\(lan)/erase", "").status == .noContent)
            let after = try await admin.get("/api/v1/members/\(lan)").json
            #expect(after["name"] as? String == "(đã xoá)")
            let log = try await admin.get("/api/v1/events?limit=500").text
            #expect(!log.contains("Trần Thị Lan") && !log.contains("+84 912 345 678") && !log.contains("0912345678"))
            // The work still counts: the membership, the visit naming them.
            #expect(try await admin.get("/api/v1/teams/\(team)/memberships").items.count == 1)
            #expect(try await admin.get("/api/v1/events?type=household.visited").text.contains(lan.description))
            #expect(try await admin.get("/api/v1/members/\(UUID())/export").status == .notFound)
        }
        try await fixture.withApp(as: [RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)]) { officer throws in
            #expect(try await officer.get("/api/v1/members/\(lan)/export").status == .forbidden)
        }
        let db = fixture.database.makeClient()
        #expect(try await db.query("SELECT count(*) FROM audit_log WHERE action IN ('personal-data.exported', 'personal-data.erased')").decode(Int.self) == [2])
        // The log stays append-only for anything else.
        await #expect(throws: PostgresError.self) { try await db.execute("UPDATE events SET payload = '{}' WHERE type = 'member.joined'") }
        await db.close()
    }
}
