import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Testing

/// What the audit log keeps and where it places it (issue 18, finding 9): no typed login text, every
/// sign-in and data-subject request placed in a province so that province's auditors see it, and the
/// command line's account creations and unit imports recorded.
@Suite struct AuditPlacementTests {
    /// The actions and targets of the audit log as an auditor at `unit` reads it through the API.
    private func auditTrail(_ fixture: WorkFixture, auditorAt unit: ID<AdministrativeUnit>) async throws -> [(action: String, target: String?)] {
        nonisolated(unsafe) var trail: [(action: String, target: String?)] = []
        try await fixture.withApp(as: [RoleAssignment(role: .auditor, unitID: unit)]) { client in
            let answer = try await client.get("/api/v1/audit?limit=500")
            #expect(answer.status == .ok, "\(answer.text)")
            trail = answer.items.map { ($0["action"] as? String ?? "", $0["target"] as? String) }
        }
        return trail
    }

    @Test func aPasswordTypedIntoTheLoginFieldNeverReachesTheAuditLog() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], owner)
        let typedPassword = "Mật-khẩu-Bí-mật-2026!"
        try await fixture.withApp { client in
            for login in [typedPassword, typedPassword.uppercased(), officer.name] {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: ["login": login, "password": "wrong password"]), as: UTF8.self)
                #expect(try await client.post("/api/v1/auth/login", body).status == .unauthorized)
            }
        }
        let stored = try await owner.query("""
            SELECT target, coalesce(account_id::text, '') FROM audit_log WHERE action = 'login.failed' ORDER BY id
            """).decode((String, String).self)
        #expect(stored.count == 3)
        let everything = try await owner.query("SELECT string_agg(coalesce(target, '') || details::text, ' ') FROM audit_log").decode(String.self)[0]
        #expect(!everything.lowercased().contains("mật-khẩu"), "\(everything)")
        // An unknown login is a keyed hash of its normalised form (so repeated attempts at it still show as one)…
        #expect(stored[0].0.hasPrefix("login-hmac:") && stored[0].0.count == "login-hmac:".count + 64)
        #expect(stored[0].0 == stored[1].0)
        let unkeyed = try await owner.query("SELECT encode(sha256(convert_to(\(typedPassword.lowercased()), 'UTF8')), 'hex')").decode(String.self)[0]
        #expect(stored[0].0 != "login-hmac:" + unkeyed)
        // …and a known one the account it resolved to, not the name typed.
        #expect(stored[2].0 == stored[2].1 && !stored[2].1.isEmpty)
        await owner.close()
    }

    @Test func theHMACBehindLoginDigestsIsRFC4231s() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let short = try await owner.query("SELECT encode(cdt_hmac_sha256('Jefe', 'what do ya want for nothing?'), 'hex')").decode(String.self)[0]
        #expect(short == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let long = try await owner.query("""
            SELECT encode(cdt_hmac_sha256(decode(repeat('aa', 131), 'hex'), 'Test Using Larger Than Block-Size Key - Hash Key First'), 'hex')
            """).decode(String.self)[0]
        #expect(long == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        // The key is the owner's alone.
        let app = fixture.database.makeApplicationClient()
        await #expect(throws: PostgresError.self) { try await app.query("SELECT key FROM audit_login_key") }
        await app.close()
        await owner.close()
    }

    @Test func aProvincesAuditorSeesItsOwnSignInsAndNoOtherProvincesOnes() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let officerA = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], owner)
        let officerB = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeB)], owner)
        let store = PostgresAccountStore(client: owner)
        let idA = try #require(try await store.credentials(login: officerA.name)).account.id.description
        let idB = try #require(try await store.credentials(login: officerB.name)).account.id.description
        try await fixture.withApp { client in
            _ = try await client.signIn(officerA)
            _ = try await client.signIn(officerB)
        }
        let inA = try await auditTrail(fixture, auditorAt: fixture.provinceA).filter { $0.action == "login.succeeded" }
        #expect(inA.filter { $0.target == idA }.count == 1, "\(inA)")
        #expect(!inA.contains { $0.target == idB }, "\(inA)")
        let inB = try await auditTrail(fixture, auditorAt: fixture.provinceB).filter { $0.action == "login.succeeded" }
        #expect(inB.filter { $0.target == idB }.count == 1, "\(inB)")
        #expect(!inB.contains { $0.target == idA }, "\(inB)")
        await owner.close()
    }

    @Test func aProvincesAuditorSeesPersonalDataExportsAndErasuresOfItsMembers() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let team = ID<Team>(), member = ID<Member>()
        let make = EventFactory()
        try await PostgresEventBulkLoader(client: owner).load([
            make.establish(team, in: fixture.villageA1, issuer: fixture.communeA), make.join(member, team, in: fixture.villageA1, as: .head),
        ])
        try await fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)]) { client in
            try Task.checkCancellation()
            #expect(try await client.get("/api/v1/members/\(member)/export").status == .ok)
            #expect(try await client.post("/api/v1/members/\(member)/erase", "").status == .noContent)
        }
        let placed = try await owner.query("""
            SELECT action, province_id, unit_path FROM audit_log WHERE action LIKE 'personal-data.%' ORDER BY id
            """).decode((String, ID<AdministrativeUnit>?, String?).self)
        #expect(placed.map(\.0) == ["personal-data.exported", "personal-data.erased"])
        #expect(placed.allSatisfy { $0.1 == fixture.provinceA && $0.2 != nil })
        let trail = try await auditTrail(fixture, auditorAt: fixture.provinceA)
        #expect(Set(trail.filter { $0.action.hasPrefix("personal-data.") }.compactMap(\.target)) == [member.description])
        #expect(try await auditTrail(fixture, auditorAt: fixture.provinceB).filter { $0.action.hasPrefix("personal-data.") }.isEmpty)
        await owner.close()
    }

    @Test func accountsMadeOnTheCommandLineAndUnitImportsAreAudited() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let account = try await AccountAdministration(client: owner).createAccount(
            username: "can-bo-xa", phone: nil, displayName: "Cán bộ xã", password: "correct horse battery staple",
            roles: [RoleAssignment(role: .communeOfficer, unitID: fixture.communeB)])
        let created = try await owner.query("""
            SELECT province_id, client_address FROM audit_log WHERE action = 'account.created' AND target = \(account.id.description)
            """).decode((ID<AdministrativeUnit>?, String?).self)
        #expect(created.count == 1 && created.first?.0 == fixture.provinceB && created.first?.1 == "cdt users")

        let store = PostgresHierarchyStore(client: owner)
        // The fixture's tree as it stands (files list no villages), and one commune more.
        let tree = try UnitFiles.units(in: """
            code,name,level,parent_code,type
            01,Thành phố Hà Nội,province,,Thành phố Trung ương
            79,Thành phố Hồ Chí Minh,province,,Thành phố Trung ương
            00004,Phường Ba Đình,commune,01,Phường
            00007,Phường Thử,commune,01,Phường
            26734,Phường Sài Gòn,commune,79,Phường

            """)
        let plan = try await store.importTree(tree, effective: CalendarDate("2026-01-01")!)
        #expect(plan.created.count == 1 && plan.closed.isEmpty)
        let again = try await store.importTree(tree, effective: CalendarDate("2026-01-01")!)
        #expect(again.isEmpty)
        let imports = try await owner.query("""
            SELECT details->>'effective', details->'changes'->>'created' FROM audit_log WHERE action = 'hierarchy.imported'
            """).decode((String, String).self)
        #expect(imports.count == 1 && imports.first?.0 == "2026-01-01" && imports.first?.1 == "1")
        await owner.close()
    }
}
