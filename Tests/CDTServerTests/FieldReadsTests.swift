import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

/// What the field app reads: who the caller is on the teams (`/auth/me`), households found by label with
/// their visits and changes, and a member's progress; through the real router against a real PostgreSQL.
@Suite struct FieldReadsTests {
    @Test func meListsTheTeamsOfTheMemberRecordsWithTheAccountsPhone() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let team = ID<Team>(), lan = ID<Member>(), teamA2 = ID<Team>(), teamB = ID<Team>()
        try await fixture.withApp { admin async throws in
            #expect(try await admin.submit(make.establish(team, in: fixture.villageA1, issuer: fixture.communeA, name: "Tổ CNSCĐ thôn Một")).status == .created)
            #expect(try await admin.submit(make.join(lan, team, in: fixture.villageA1, as: .member)).status == .created)
            // Member records with the same phone on teams the account does not view: another village, another province.
            #expect(try await admin.submit(make.establish(teamA2, in: fixture.villageA2, issuer: fixture.communeA, name: "Tổ thôn Hai")).status == .created)
            #expect(try await admin.submit(make.join(ID(), teamA2, in: fixture.villageA2, as: .head)).status == .created)
            #expect(try await admin.submit(make.establish(teamB, in: fixture.villageB1, issuer: fixture.communeB, name: "Tổ tỉnh B")).status == .created)
            #expect(try await admin.submit(make.join(ID(), teamB, in: fixture.villageB1, as: .head)).status == .created)
        }
        let member = [RoleAssignment(role: .member, unitID: fixture.villageA1)]
        try await fixture.withApp(as: member, phone: "0912345678") { client in
            let me = try await client.get("/api/v1/auth/me")
            #expect(me.status == .ok, "\(me.text)")
            let members = me.json["members"] as? [[String: Any]] ?? []
            // Only the team of its village: the records in village A2 (not viewed) and province B are left out.
            #expect(members.count == 1, "\(me.text)")
            #expect(members.first?["memberId"] as? String == lan.description)
            #expect(members.first?["name"] as? String == "Trần Thị Lan")
            #expect(members.first?["teamId"] as? String == team.description)
            #expect(members.first?["teamName"] as? String == "Tổ CNSCĐ thôn Một")
            #expect(members.first?["unitId"] as? String == fixture.villageA1.description)
            #expect(members.first?["role"] as? String == "member")
            #expect(members.first?["joinedOn"] as? String == "2025-08-02")
            #expect(me.json["phone"] as? String == "0912345678")
        }
        // Another phone, or none, is on no team.
        try await fixture.withApp(as: member, phone: "0987654321") { client in
            let me = try await client.get("/api/v1/auth/me")
            #expect((me.json["members"] as? [Any])?.isEmpty == true, "\(me.text)")
        }
        try await fixture.withApp(as: member) { client in
            let me = try await client.get("/api/v1/auth/me")
            #expect(me.status == .ok)
            #expect((me.json["members"] as? [Any])?.isEmpty == true, "\(me.text)")
        }
    }

    @Test func householdsAreFoundByLabelWithoutDiacriticsOrCaseWhicheverToneMarkPlacement() async throws {
        let fixture = try await WorkFixture.make()
        let an = ID<Household>(), hoaOld = ID<Household>(), hoaNew = ID<Household>(), unlabelled = ID<Household>(), elsewhere = ID<Household>()
        try await fixture.withApp { client in
            for (id, label, unit) in [(an, "Hộ Nguyễn Văn An", fixture.villageA1), (hoaOld, "Hộ Lê Thị Hoà", fixture.villageA1),
                                      (hoaNew, "Hộ  Trần Hòa", fixture.villageA2), (elsewhere, "Hộ Nguyễn Văn Ánh", fixture.villageB1)] {
                #expect(try await client.submit(Self.register(id, label: label, in: unit)).status == .created)
            }
            #expect(try await client.submit(Self.register(unlabelled, label: nil, in: fixture.villageA1)).status == .created)
            func found(_ query: String, under unit: ID<AdministrativeUnit>? = nil) async throws -> Set<String> {
                var uri = "/api/v1/households?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                if let unit { uri += "&under=\(unit)" }
                let answer = try await client.get(uri)
                #expect(answer.status == .ok, "\(answer.text)")
                return Set(answer.items.compactMap { $0["id"] as? String })
            }
            #expect(try await found("nguyen van") == [an.description, elsewhere.description])
            #expect(try await found("nguyen van", under: fixture.provinceA) == [an.description])
            #expect(try await found("NGUYỄN  văn an") == [an.description, elsewhere.description])  // "…văn Ánh" too
            #expect(try await found("NGUYỄN  văn an", under: fixture.villageA1) == [an.description])
            #expect(try await found("hoà") == [hoaOld.description, hoaNew.description])
            #expect(try await found("hòa") == [hoaOld.description, hoaNew.description])
            #expect(try await found("tran hoa") == [hoaNew.description])
            #expect(try await found("ho") .count == 4)
            #expect(try await found("xyz").isEmpty)
            let all = try await client.get("/api/v1/households?under=\(fixture.villageA1)")
            #expect(all.items.count == 3)
            let tooLong = try await client.get("/api/v1/households?q=\(String(repeating: "a", count: 201))")
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.fields == ["q"])
        }
    }

    @Test func aHouseholdTellsItsVisitsWhatItStillLacksAndWhenItChanged() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let team = ID<Team>(), lan = ID<Member>(), visited = ID<Household>(), quiet = ID<Household>()
        try await fixture.withApp { client in
            #expect(try await client.submit(make.establish(team, in: fixture.villageA1, issuer: fixture.communeA)).status == .created)
            #expect(try await client.submit(make.join(lan, team, in: fixture.villageA1, as: .member)).status == .created)
            #expect(try await client.submit(Self.register(visited, label: "Hộ Nguyễn Văn An", in: fixture.villageA1, on: "2025-08-03")).status == .created)
            #expect(try await client.submit(Self.register(quiet, label: "Hộ Lê Thị Hoà", in: fixture.villageA1, on: "2025-08-04")).status == .created)
            #expect(try await client.submit(Self.update(visited, in: fixture.villageA1, on: "2025-08-06")).status == .created)
            // Recorded last but occurred earlier: the household now has this update's details, so it is the change.
            #expect(try await client.submit(Self.update(visited, in: fixture.villageA1, on: "2025-08-05")).status == .created)
            #expect(try await client.submit(make.visit(visited, in: fixture.villageA1, by: [lan], on: "2025-08-12")).status == .created)
            let second = make.event(fixture.villageA1, on: "2025-08-10", .householdVisited(HouseholdVisited(
                householdId: visited, memberIds: [lan],
                skills: SkillOutcomes(onlineShopping: .guided, cyberSafety: .notApplicable),
                services: ServiceOutcomes(digitalStoreOpened: .notApplicable, onlinePublicServiceUsed: .guided))))
            #expect(try await client.submit(second).status == .created)

            let detail = try await client.get("/api/v1/households/\(visited)")
            #expect(detail.status == .ok, "\(detail.text)")
            #expect(detail.json["visits"] as? Int == 2)
            #expect(detail.json["lastVisitedAt"] as? String == "2025-08-12T03:00:00Z")
            #expect(detail.json["changedAt"] as? String == "2025-08-05T03:00:00Z")
            let lacks = detail.json["stillLacks"] as? [String: Any]
            // The factory's visit marks onlinePayment and vneidActivated mastered; the second marks cyberSafety
            // and digitalStoreOpened not applicable; guided is still lacking.
            #expect(lacks?["skills"] as? [String] == ["onlinePublicServices", "onlineShopping", "otherPlatforms"])
            #expect(lacks?["services"] as? [String] == ["ePaymentAccountOpened", "onlinePublicServiceUsed"])

            let list = try await client.get("/api/v1/households?under=\(fixture.villageA1)")
            let byID = Dictionary(uniqueKeysWithValues: list.items.map { ($0["id"] as? String ?? "", $0) })
            #expect(byID[visited.description]?["visits"] as? Int == 2)
            #expect(byID[visited.description]?["changedAt"] as? String == "2025-08-05T03:00:00Z")
            let never = byID[quiet.description]
            #expect(never?["visits"] as? Int == 0)
            #expect(never?.keys.contains("lastVisitedAt") == false)
            #expect(never?["changedAt"] as? String == "2025-08-04T03:00:00Z")
            let nothingYet = never?["stillLacks"] as? [String: Any]
            #expect(nothingYet?["skills"] as? [String] == BasicSkill.allCases.map(\.rawValue))
            #expect(nothingYet?["services"] as? [String] == DigitalService.allCases.map(\.rawValue))
        }
    }

    @Test func progressCountsTheMembersVisitsThisWeekAndMonthInVietnamDays() async throws {
        // Today is Wednesday 2026-11-18 in Vietnam: the week runs from Monday 2026-11-16, the month from 2026-11-01.
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let team = ID<Team>(), lan = ID<Member>(), minh = ID<Member>(), outsider = ID<Member>(), teamB = ID<Team>()
        let first = ID<Household>(), second = ID<Household>(), elsewhere = ID<Household>()
        try await fixture.withApp { client in
            #expect(try await client.submit(make.establish(team, in: fixture.villageA1, issuer: fixture.communeA)).status == .created)
            #expect(try await client.submit(make.join(lan, team, in: fixture.villageA1, as: .member)).status == .created)
            #expect(try await client.submit(make.join(minh, team, in: fixture.villageA1, as: .member, name: "Phạm Văn Minh")).status == .created)
            #expect(try await client.submit(make.establish(teamB, in: fixture.villageB1, issuer: fixture.communeB)).status == .created)
            #expect(try await client.submit(make.join(outsider, teamB, in: fixture.villageB1, as: .member, name: "Đỗ Văn Nam")).status == .created)
            for household in [first, second] {
                #expect(try await client.submit(Self.register(household, label: "Hộ", in: fixture.villageA1, on: "2026-10-01")).status == .created)
            }
            #expect(try await client.submit(Self.register(elsewhere, label: "Hộ", in: fixture.villageA2, on: "2026-10-01")).status == .created)
            // Lan helped in the next village once this month: counted for those who view it, not for others.
            var away = make.visit(elsewhere, in: fixture.villageA2, by: [lan], on: "2026-11-10")
            away = DomainEvent(id: away.id, unitID: away.unitID, authorID: away.authorID, occurredAt: make.on("2026-11-10", hour: 9), payload: away.payload)
            #expect(try await client.submit(away).status == .created)
            // Each factory visit marks one skill guided, one skill and one service mastered.
            let visits = [
                (first, [lan], "2026-11-16", 1),        // Monday 01:00 in Vietnam (Sunday in UTC): this week
                (first, [lan, minh], "2026-11-18", 9),  // today
                (second, [minh], "2026-11-17", 9),      // not Lan's
                (second, [lan], "2026-11-15", 23),      // Sunday 23:00 in Vietnam: this month, last week
                (second, [lan], "2026-11-01", 0),       // the 1st, 00:00 in Vietnam
                (first, [lan], "2026-10-31", 23),       // last month
            ]
            for (household, members, day, hour) in visits {
                var visit = make.visit(household, in: fixture.villageA1, by: members, on: day)
                visit = DomainEvent(id: visit.id, unitID: visit.unitID, authorID: visit.authorID, occurredAt: make.on(day, hour: hour), payload: visit.payload)
                #expect(try await client.submit(visit).status == .created)
            }
            let progress = try await client.get("/api/v1/members/\(lan)/progress")
            #expect(progress.status == .ok, "\(progress.text)")
            #expect(progress.json["memberId"] as? String == lan.description)
            let week = progress.json["week"] as? [String: Any], month = progress.json["month"] as? [String: Any]
            #expect(week?["from"] as? String == "2026-11-16")
            #expect(week?["until"] as? String == "2026-11-18")
            #expect(week?["visits"] as? Int == 2)
            #expect(week?["households"] as? Int == 1)
            #expect(week?["mastered"] as? Int == 4)
            #expect(week?["guided"] as? Int == 2)
            #expect(month?["from"] as? String == "2026-11-01")
            #expect(month?["until"] as? String == "2026-11-18")
            #expect(month?["visits"] as? Int == 5)
            #expect(month?["households"] as? Int == 3)
            #expect(month?["mastered"] as? Int == 10)
            #expect(month?["guided"] as? Int == 5)
            let unknown = try await client.get("/api/v1/members/\(ID<Member>())/progress")
            #expect(unknown.status == .notFound)
            let malformed = try await client.get("/api/v1/members/not-an-id/progress")
            #expect(malformed.status == .badRequest)
        }
        // A member of village A1 views Lan, but not the visit she made in village A2.
        try await fixture.withApp(as: [RoleAssignment(role: .member, unitID: fixture.villageA1)]) { client in
            let month = try await client.get("/api/v1/members/\(lan)/progress").json["month"] as? [String: Any]
            #expect(month?["visits"] as? Int == 4 && month?["households"] as? Int == 2)
        }
        // A commune officer of province A views Lan, not a member of province B.
        try await fixture.withApp(as: [RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)]) { client in
            #expect(try await client.get("/api/v1/members/\(lan)/progress").json["month"] != nil)
            let other = try await client.get("/api/v1/members/\(outsider)/progress")
            #expect(other.status == .notFound)
            #expect(other.contentType == "application/problem+json")
        }
    }

    @Test func theBackfillGivesStoredHouseholdsTheirSearchKey() async throws {
        let database = try await TestPostgres.makeDatabase()
        let db = database.makeClient()
        do {
            let all = CoreMigrations.all
            let before = Array(all.prefix { !$0.name.hasPrefix("0017") })
            #expect(before.count < all.count)
            try await MigrationRunner(client: db, migrations: before).apply()
            let units = TestUnits()
            try await units.add(to: db)
            for (label, size) in [("  Hộ ĐẶNG   Thị Hoà ", 3), ("Hộ Nguyễn Văn Ánh", 2)] {
                try await db.execute("""
                    INSERT INTO households (id, province_id, unit_id, label, size, registered_on)
                    VALUES (\(UUID()), \(units.provinceA), \(units.villageA1), \(label), \(size), '2025-08-01')
                    """)
            }
            try await db.execute("INSERT INTO households (id, province_id, unit_id, size, registered_on) VALUES (\(UUID()), \(units.provinceA), \(units.villageA1), 1, '2025-08-01')")
            try await MigrationRunner(client: db, migrations: all).apply()
            let rows = try await db.query("SELECT label, search_key FROM households ORDER BY size DESC").decode((String?, String?).self)
            #expect(rows.map(\.1) == ["ho dang thi hoa", "ho nguyen van anh", nil])
            // The same key the projection writes from Swift.
            #expect(rows.compactMap { $0.0.map(VietnameseText.searchKey) } == ["ho dang thi hoa", "ho nguyen van anh"])
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    // MARK: - Events

    static func register(_ id: ID<Household>, label: String?, in unit: ID<AdministrativeUnit>, on day: String = "2025-08-03") -> DomainEvent {
        EventFactory().event(unit, on: day, .householdRegistered(HouseholdDetails(householdId: id, label: label, size: 3)))
    }

    static func update(_ id: ID<Household>, in unit: ID<AdministrativeUnit>, on day: String) -> DomainEvent {
        EventFactory().event(unit, on: day, .householdUpdated(HouseholdDetails(householdId: id, label: "Hộ Nguyễn Văn An", size: 4)))
    }
}

extension WorkFixture {
    /// Runs `body` signed in as a new account holding `roles` (none that needs two-factor sign-in) with
    /// `phone`, over a real socket, as the field app reaches the server.
    func withApp(as roles: [RoleAssignment], phone: String, _ body: @Sendable (APIClient) async throws -> Void) async throws {
        let db = database.makeApplicationClient()
        let app = buildApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(database: db, today: { CalendarDate(Self.now) }, now: { Self.now }),
            logger: Logger(label: "test"))
        do {
            let name = "field-" + UUID().uuidString.prefix(8).lowercased(), password = "correct horse battery staple"
            let account = try await AccountAdministration(client: db).createAccount(
                username: name, phone: phone, displayName: "Người thử", password: password, roles: roles)
            try await app.test(.live) { client in
                let token = try await APIClient(client: client, token: nil).signIn(Login(name: name, password: password, totpSecret: nil))
                try await body(APIClient(client: client, token: token, accountID: account.id))
            }
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }
}
