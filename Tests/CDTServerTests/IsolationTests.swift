import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A province never sees another's data: two provinces of work, and callers of each role.
@Suite struct IsolationTests {
    /// Work in both provinces, recorded by a national administrator: a team, a member and a household in
    /// each, a visit, a training.
    struct Seeded: Sendable {
        let teamA: ID<Team>, teamB: ID<Team>, memberA: ID<Member>, memberB: ID<Member>
        let householdA: ID<Household>, householdB: ID<Household>, visitB: ID<DomainEvent>
    }

    private func seed(_ fixture: WorkFixture) async throws -> Seeded {
        let make = EventFactory()
        let seeded = Seeded(teamA: ID(), teamB: ID(), memberA: ID(), memberB: ID(), householdA: ID(), householdB: ID(), visitB: ID())
        try await fixture.withApp { admin in
            let visit = make.visit(seeded.householdB, in: fixture.villageB1, by: [seeded.memberB])
            let events = [
                make.establish(seeded.teamA, in: fixture.villageA1, issuer: fixture.communeA),
                make.establish(seeded.teamB, in: fixture.villageB1, issuer: fixture.communeB, name: "Tổ CNSCĐ Khu phố 1"),
                make.join(seeded.memberA, seeded.teamA, in: fixture.villageA1, as: .head),
                make.join(seeded.memberB, seeded.teamB, in: fixture.villageB1, as: .head, name: "Võ Thị Bích"),
                make.register(seeded.householdA, in: fixture.villageA1),
                make.register(seeded.householdB, in: fixture.villageB1),
                DomainEvent(id: seeded.visitB, unitID: visit.unitID, authorID: visit.authorID, occurredAt: visit.occurredAt, payload: visit.payload),
            ]
            let answer = try await admin.post("/api/v1/events/batch", EventJSON.batch(events))
            #expect(answer.json["accepted"] as? Int == events.count, "\(answer.text)")
        }
        return seeded
    }

    @Test func aCommuneOfficerSeesAndChangesOnlyTheirPart() async throws {
        let fixture = try await WorkFixture.make()
        let data = try await seed(fixture)
        let make = EventFactory()
        try await fixture.withApp(as: [RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)]) { officer in
            // Lists hold province A only, whatever the filter asks for.
            for list in ["teams", "members", "households", "events", "trainings", "campaigns"] {
                let all = try await officer.get("/api/v1/\(list)?limit=500")
                #expect(all.status == .ok)
                #expect(!all.text.contains(data.teamB.description) && !all.text.contains(data.memberB.description)
                        && !all.text.contains(data.householdB.description) && !all.text.contains(data.visitB.description), "\(list)")
                let asked = try await officer.get("/api/v1/\(list)?under=\(fixture.provinceB)")
                #expect(asked.status == .ok && asked.items.isEmpty, "\(list) under B")
            }
            #expect(try await officer.get("/api/v1/teams").items.map { $0["id"] as? String } == [data.teamA.description])
            // Objects of province B do not exist for them.
            for path in ["teams/\(data.teamB)", "teams/\(data.teamB)/memberships", "members/\(data.memberB)", "members/\(data.memberB)/memberships",
                         "households/\(data.householdB)", "events/\(data.visitB)"] {
                #expect(try await officer.get("/api/v1/\(path)").status == .notFound, "\(path)")
            }
            #expect(try await officer.get("/api/v1/teams/\(data.teamA)").status == .ok)
            // They record work in their commune, not elsewhere.
            #expect(try await officer.submit(make.register(ID(), in: fixture.villageA2, on: EventFactory.recently)).status == .created)
            let elsewhere = try await officer.submit(make.register(ID(), in: fixture.villageB1, on: EventFactory.recently))
            #expect(elsewhere.status == .forbidden && elsewhere.fields == ["unitId"])
            let batch = try await officer.post("/api/v1/events/batch", EventJSON.batch([make.register(ID(), in: fixture.villageB1, on: EventFactory.recently), make.register(ID(), in: fixture.villageA1, on: EventFactory.recently)]))
            #expect((batch.json["results"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["rejected", "accepted"])
            // They see phone numbers in their commune in full; they manage no accounts and read no audit log.
            #expect(try await officer.get("/api/v1/members/\(data.memberA)").json["phone"] as? String == "0912345678")
            #expect(try await officer.get("/api/v1/accounts").status == .forbidden)
            #expect(try await officer.get("/api/v1/audit").status == .forbidden)
        }
    }

    @Test func viewersAndMembersSeeWithoutChangingAndPhonesStayMasked() async throws {
        let fixture = try await WorkFixture.make()
        let data = try await seed(fixture)
        let make = EventFactory()
        try await fixture.withApp(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer throws in
            #expect(try await viewer.get("/api/v1/teams").items.count == 2)
            #expect(try await viewer.submit(make.register(ID(), in: fixture.villageA1, on: EventFactory.recently)).status == .forbidden)
            #expect(try await viewer.get("/api/v1/members/\(data.memberB)").json["phone"] as? String == "091*****78")
        }
        try await fixture.withApp(as: [RoleAssignment(role: .member, unitID: fixture.villageA2)]) { member throws in
            #expect(try await member.get("/api/v1/teams").items.isEmpty)  // the team works in village A1
            #expect(try await member.get("/api/v1/teams/\(data.teamA)").status == .notFound)
            #expect(try await member.submit(make.register(ID(), in: fixture.villageA2, on: EventFactory.recently)).status == .created)
            #expect(try await member.submit(make.register(ID(), in: fixture.villageA1, on: EventFactory.recently)).status == .forbidden)
        }
        try await fixture.withApp(as: [RoleAssignment(role: .auditor, unitID: fixture.provinceA)]) { auditor in
            #expect(try await auditor.get("/api/v1/teams").items.count == 1)
            #expect(try await auditor.submit(make.register(ID(), in: fixture.villageA1, on: EventFactory.recently)).status == .forbidden)
            let audit = try await auditor.get("/api/v1/audit?limit=500")
            #expect(audit.status == .ok && !audit.items.isEmpty)
            #expect(!audit.text.contains(data.visitB.description) && !audit.text.contains(data.teamB.description))
        }
    }

    @Test func provinceAdministratorsManageAccountsOnlyInTheirProvinceAndGrantNoMoreThanTheyHold() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceB)]) { admin in
            func create(_ username: String, _ role: Role, _ unit: ID<AdministrativeUnit>?) async throws -> Answer {
                let unitField = unit.map { #", "unitId": ""# + $0.description + #"""# } ?? ""
                return try await admin.post("/api/v1/accounts", #"{"username": ""# + username + #"", "displayName": "Cán bộ", "password": "một mật khẩu đủ dài", "roles": [{"role": ""# + role.rawValue + #"""# + unitField + "}]}")
            }
            let created = try await create("can-bo-b", .communeOfficer, fixture.communeB)
            #expect(created.status == .created, "\(created.text)")
            #expect(try await create("can-bo-a", .communeOfficer, fixture.communeA).status == .forbidden)
            #expect(try await create("toan-quoc", .nationalViewer, nil).status == .forbidden)
            #expect(try await create("sai-cap", .communeOfficer, fixture.villageB1).status == .unprocessableContent)
            let taken = try await create("can-bo-b", .communeOfficer, fixture.communeB)
            #expect(taken.status == .conflict && taken.fields == ["username"])
            let accounts = try await admin.get("/api/v1/accounts")
            #expect(accounts.items.compactMap { $0["username"] as? String }.contains("can-bo-b"))
            let id = try #require(created.json["id"] as? String)
            #expect(try await admin.post("/api/v1/accounts/\(id)/roles", #"{"role": "auditor", "unitId": ""# + fixture.provinceA.description + #""}"#).status == .forbidden)
            #expect(try await admin.post("/api/v1/accounts/\(id)/disable", "").status == .noContent)
        }
        try await fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)]) { other throws in
            let listed = try await other.get("/api/v1/accounts")
            #expect(!listed.text.contains("can-bo-b"))
        }
    }

    @Test func everyMutationLeavesOneAuditRecordThatCannotBeRemoved() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let visit = make.register(ID(), in: fixture.villageA1, on: EventFactory.recently)
        try await fixture.withApp { admin throws in
            #expect(try await admin.submit(visit).status == .created)
            #expect(try await admin.submit(visit).status == .ok)  // a resend changes nothing, so no record
        }
        let db = fixture.database.makeClient()
        #expect(try await db.query("SELECT count(*) FROM audit_log WHERE action = 'event.recorded' AND target = \(visit.id.description)").decode(Int.self) == [1])
        await #expect(throws: PostgresError.self) { try await db.execute("DELETE FROM audit_log") }
        await #expect(throws: PostgresError.self) { try await db.execute("UPDATE audit_log SET action = 'x'") }
        await db.close()
    }
}
