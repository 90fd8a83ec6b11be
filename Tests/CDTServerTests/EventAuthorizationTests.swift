import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Testing

/// Inside a province, an event may name only what its sender may change, and the log tells a reader no
/// more about members than `/members` would. One test per attack it stops.
@Suite struct EventAuthorizationTests {
    func officer(_ world: CommuneWorld) -> [RoleAssignment] { [RoleAssignment(role: .communeOfficer, unitID: world.fixture.communeA)] }

    // MARK: Personal data in the log

    @Test func aNationalViewerCannotCollectPhoneNumbersFromTheEventLog() async throws {
        let world = try await CommuneWorld.make()
        try await world.fixture.withApp(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer throws in
            let joined = try await viewer.get("/api/v1/events?type=member.joined&limit=500")
            #expect(joined.status == .ok && joined.items.count == 10)
            #expect(!joined.text.contains("0912345678") && !joined.text.contains("912 345 678") && !joined.text.contains("0987654321"))
            #expect(joined.text.contains("091*****78") && joined.text.contains("098*****21"))
            // The same rule as /members: names and birth years are shown to those who view the member.
            #expect(joined.text.contains("Lê Thị Hoa"))
            let one = try #require(joined.items.first { ($0["payload"] as? [String: Any])?["memberId"] as? String == world.memberC.description })
            let detail = try await viewer.get("/api/v1/events/\(one["id"] as! String)")
            #expect(detail.text.contains("098*****21") && !detail.text.contains("0987654321"))
            #expect(try await viewer.get("/api/v1/members/\(world.memberC)").json["phone"] as? String == "098*****21")
        }
    }

    @Test func aCommuneOfficerCannotCollectThePhoneNumbersOfTheProvinceFromTheEventLog() async throws {
        let world = try await CommuneWorld.make()
        try await world.fixture.withApp(as: officer(world)) { officer throws in
            let joined = try await officer.get("/api/v1/events?type=member.joined&limit=500")
            #expect(joined.items.count == 10)  // they view the province
            #expect(!joined.text.contains("0987654321") && joined.text.contains("098*****21"))  // commune C: masked
            #expect(joined.text.contains("0912345678") || joined.text.contains("+84 912 345 678"))  // their commune: in full
        }
    }

    @Test func anErasedMembersDataDoesNotComeBackThroughTheLog() async throws {
        let world = try await CommuneWorld.make()
        try await world.fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: world.fixture.provinceA)]) { admin throws in
            #expect(try await admin.post("/api/v1/members/\(world.memberC)/erase", "").status == .noContent)
            let log = try await admin.get("/api/v1/events?type=member.joined&limit=500")
            #expect(!log.text.contains("Lê Thị Hoa") && !log.text.contains("0987654321"))
            // Joining again with details may not write them back.
            let rejoin = CommuneWorld.make.event(world.villageC1, on: EventFactory.recently, .memberJoined(MemberJoined(
                teamId: world.teamC, memberId: world.memberC, role: .member,
                person: PersonDetails(name: "Lê Thị Hoa", phone: "0987654321", gender: .female, birthYear: 1985))))
            let answer = try await admin.submit(rejoin)
            #expect(answer.status == .unprocessableContent && answer.fields == ["payload.person"], "\(answer.text)")
            #expect(try await admin.get("/api/v1/members/\(world.memberC)").json["name"] as? String == "(đã xoá)")
        }
    }

    // MARK: member.joined

    @Test func memberJoinedCannotAdoptAMemberOfAnotherCommune() async throws {
        let world = try await CommuneWorld.make()
        let adopt = world.recent(world.fixture.villageA1, .memberJoined(MemberJoined(teamId: world.teamA1, memberId: world.memberC, role: .member)))
        for roles in [officer(world), [RoleAssignment(role: .teamLeader, unitID: world.fixture.villageA1)]] {
            try await world.fixture.withApp(as: roles) { caller throws in
                let answer = try await caller.submit(adopt)
                #expect(answer.status == .forbidden && answer.fields == ["payload.memberId"], "\(answer.text)")
            }
        }
        // Someone who may change where the member is now may add them; until then they were on team C only.
        try await world.fixture.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: world.fixture.provinceA)]) { admin throws in
            #expect(try await admin.get("/api/v1/members/\(world.memberC)/memberships").items.count == 1)
            #expect(try await admin.submit(adopt).status == .created)
        }
    }

    @Test func memberJoinedCannotRewriteAnExistingMembersDetails() async throws {
        let world = try await CommuneWorld.make()
        try await world.fixture.withApp(as: officer(world)) { officer throws in
            // Even a member they may change: joining is not a way to change someone's name and phone.
            let rewrite = world.recent(world.fixture.villageA1, .memberJoined(MemberJoined(teamId: world.teamA1, memberId: world.formerA1, role: .member,
                person: PersonDetails(name: "Kẻ Mạo Danh", phone: "0900000001", gender: .male, birthYear: 1990))))
            let answer = try await officer.submit(rewrite)
            #expect(answer.status == .unprocessableContent && answer.fields == ["payload.person"], "\(answer.text)")
            // Across communes the sender is refused first, before anything about the member is told.
            let across = world.recent(world.fixture.villageA1, .memberJoined(MemberJoined(teamId: world.teamA1, memberId: world.memberC, role: .member,
                person: PersonDetails(name: "Kẻ Mạo Danh", phone: "0900000001", gender: .male, birthYear: 1990))))
            #expect(try await officer.submit(across).status == .forbidden)
            #expect(try await officer.get("/api/v1/members/\(world.memberC)").json["name"] as? String == "Lê Thị Hoa")
            // Without details, a former member of their own team comes back.
            let back = world.recent(world.fixture.villageA1, .memberJoined(MemberJoined(teamId: world.teamA1, memberId: world.formerA1, role: .member)))
            #expect(try await officer.submit(back).status == .created)
        }
    }

    // MARK: team.merged

    @Test func teamMergedCannotEndATeamOfAnotherCommune() async throws {
        let world = try await CommuneWorld.make()
        let merge = world.recent(world.fixture.villageA1, .teamMerged(TeamMerged(teamIds: [world.teamC], intoTeamId: world.teamA1)))
        try await world.fixture.withApp(as: officer(world)) { officer throws in
            let answer = try await officer.submit(merge)
            #expect(answer.status == .forbidden && answer.fields == ["payload.teamIds[0]"], "\(answer.text)")
            #expect(try await officer.get("/api/v1/teams/\(world.teamC)").json["endedOn"] == nil)
        }
    }

    @Test func aVillageMemberOrTeamLeaderCannotMergeTeams() async throws {
        let world = try await CommuneWorld.make()
        // Even a merge inside the caller's own village scope is a commune officer's act.
        let merge = world.recent(world.fixture.villageA1, .teamMerged(TeamMerged(teamIds: [world.teamA2], intoTeamId: world.teamA1)))
        for role in [Role.member, .teamLeader] {
            try await world.fixture.withApp(as: [RoleAssignment(role: role, unitID: world.fixture.villageA1)]) { caller throws in
                let answer = try await caller.submit(merge)
                #expect(answer.status == .forbidden && answer.fields.contains("payload.intoTeamId"), "\(role): \(answer.text)")
            }
        }
        try await world.fixture.withApp(as: [RoleAssignment(role: .teamLeader, unitID: world.fixture.communeA)]) { leader throws in
            #expect(try await leader.submit(merge).status == .forbidden)
        }
        try await world.fixture.withApp(as: officer(world)) { officer throws in
            #expect(try await officer.submit(merge).status == .created)
        }
    }

    // MARK: Credits, authors and dates

    @Test func visitsAndTrainingsCannotCreditMembersOfAnotherCommune() async throws {
        let world = try await CommuneWorld.make()
        let f = world.fixture
        try await f.withApp(as: [RoleAssignment(role: .teamLeader, unitID: f.villageA1)]) { leader throws in
            let visit = world.recent(f.villageA1, .householdVisited(HouseholdVisited(householdId: world.householdA1, memberIds: [world.memberA1, world.memberC],
                skills: SkillOutcomes(onlinePayment: .guided), services: ServiceOutcomes())))
            let refused = try await leader.submit(visit)
            #expect(refused.status == .forbidden && refused.fields == ["payload.memberIds[1]"], "\(refused.text)")
            // In a batch (a run of visits) too.
            let batch = try await leader.post("/api/v1/events/batch", EventJSON.batch([visit]))
            #expect(batch.json["rejected"] as? Int == 1 && batch.text.contains("events[0].payload.memberIds[1]"), "\(batch.text)")
            let training = world.recent(f.villageA1, .trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Tổ", topic: "VNeID", format: .onSite,
                                                                                  attendeeIds: [world.memberC])))
            let trained = try await leader.submit(training)
            #expect(trained.status == .forbidden && trained.fields == ["payload.attendeeIds[0]"], "\(trained.text)")
            // Their own team's members are fine.
            let own = world.recent(f.villageA1, .householdVisited(HouseholdVisited(householdId: world.householdA1, memberIds: [world.memberA1],
                skills: SkillOutcomes(onlinePayment: .guided), services: ServiceOutcomes())))
            #expect(try await leader.submit(own).status == .created)
        }
    }

    /// A member named in an event is placed by the teams they are on now or, when on none, by the team they
    /// left last; one at a time and in a run of visits alike.
    @Test func aMemberIsPlacedByTheTeamTheyAreOnNowOrTheOneTheyLeftLast() async throws {
        let world = try await CommuneWorld.make()
        let f = world.fixture, make = CommuneWorld.make
        let officerC = [RoleAssignment(role: .communeOfficer, unitID: world.communeC)]
        func record(_ events: [DomainEvent]) async throws {
            let owner = f.database.makeClient()
            let outcomes = try await RowScope.$current.withValue(.everyProvince) {
                try await PostgresEventLog(client: owner, now: { WorkFixture.now }).append(events)
            }
            await owner.close()
            #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
        }
        @Sendable func visit(_ unit: ID<AdministrativeUnit>, _ household: ID<Household>) -> DomainEvent {
            world.recent(unit, .householdVisited(HouseholdVisited(householdId: household, memberIds: [world.formerA1],
                skills: SkillOutcomes(onlinePayment: .guided), services: ServiceOutcomes())))
        }
        // formerA1 left team A1 (commune A) on 2025-08-05 and now joins team C: only commune C may credit them.
        try await record([make.event(world.villageC1, on: "2025-09-01", .memberJoined(MemberJoined(teamId: world.teamC, memberId: world.formerA1, role: .member)))])
        try await f.withApp(as: officer(world)) { officerA throws in
            let single = try await officerA.submit(visit(f.villageA1, world.householdA1))
            #expect(single.status == .forbidden && single.fields == ["payload.memberIds[0]"], "\(single.text)")
            let batch = try await officerA.post("/api/v1/events/batch", EventJSON.batch([visit(f.villageA1, world.householdA1), visit(f.villageA1, world.householdA1)]))
            #expect(batch.json["rejected"] as? Int == 2 && batch.text.contains("events[1].payload.memberIds[0]"), "\(batch.text)")
        }
        try await f.withApp(as: officerC) { officerC throws in
            #expect(try await officerC.submit(visit(world.villageC1, world.householdC)).status == .created)
        }
        // They leave team C too: the team they left last (C, not A1) still places them.
        try await record([make.event(world.villageC1, on: "2025-10-01", .memberLeft(MemberLeft(teamId: world.teamC, memberId: world.formerA1)))])
        try await f.withApp(as: officer(world)) { officerA throws in
            let batch = try await officerA.post("/api/v1/events/batch", EventJSON.batch([visit(f.villageA1, world.householdA1)]))
            #expect(batch.json["rejected"] as? Int == 1, "\(batch.text)")
        }
        try await f.withApp(as: officerC) { officerC throws in
            let batch = try await officerC.post("/api/v1/events/batch", EventJSON.batch([visit(world.villageC1, world.householdC), visit(world.villageC1, world.householdC)]))
            #expect(batch.json["accepted"] as? Int == 2, "\(batch.text)")
        }
    }

    @Test func theAuthorCannotBeTheImporterAnotherAccountOrAMemberOfAnotherCommune() async throws {
        let world = try await CommuneWorld.make()
        let f = world.fixture
        try await f.withApp(as: [RoleAssignment(role: .member, unitID: f.villageA1)]) { member throws in
            func shared(by author: UUID) -> DomainEvent {
                DomainEvent(id: ID(), unitID: f.villageA1, authorID: author, occurredAt: CommuneWorld.make.on(EventFactory.recently),
                            payload: .householdRegistered(HouseholdDetails(householdId: ID(), label: "Zalo", size: 3)))
            }
            for author in [DemoSeason.author, UUID(), world.memberC.rawValue] {
                let answer = try await member.submit(shared(by: author))
                #expect(answer.status == .forbidden && answer.fields == ["authorId"], "\(author): \(answer.text)")
            }
            #expect(try await member.submit(shared(by: world.memberA1.rawValue)).status == .created)  // a member of their village's team
            #expect(try await member.submit(shared(by: member.accountID!.rawValue)).status == .created)  // themselves
        }
    }

    @Test func eventsCannotBeBackdatedBeyondTheRolesBound() async throws {
        let world = try await CommuneWorld.make()
        let f = world.fixture
        @Sendable func register(on day: String) -> DomainEvent { CommuneWorld.make.register(ID(), in: f.villageA1, on: day) }
        try await f.withApp(as: [RoleAssignment(role: .member, unitID: f.villageA1)]) { member throws in
            let old = try await member.submit(register(on: "2025-08-03"))
            #expect(old.status == .forbidden && old.fields == ["occurredAt"], "\(old.text)")
            #expect(try await member.submit(register(on: "2026-10-25")).status == .created)  // 24 days late: a phone that synced late
            #expect(try await member.submit(register(on: "2026-10-10")).status == .forbidden)
        }
        try await f.withApp(as: officer(world)) { officer throws in
            #expect(try await officer.submit(register(on: "2026-07-01")).status == .created)
            #expect(try await officer.submit(register(on: "2025-08-03")).status == .forbidden)
        }
        // A phone resending, months later, an event stored when it was sent is told it is a duplicate, not refused.
        let old = register(on: "2025-08-03"), stored = DomainEvent(id: old.id, unitID: old.unitID, authorID: world.memberA1.rawValue,
                                                                   occurredAt: old.occurredAt, payload: old.payload)
        try await f.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: f.provinceA)]) { admin throws in
            #expect(try await admin.submit(register(on: "2025-08-03")).status == .created)
            #expect(try await admin.submit(stored).status == .created)
        }
        try await f.withApp(as: [RoleAssignment(role: .member, unitID: f.villageA1)]) { member throws in
            #expect(try await member.submit(stored).status == .ok)
        }
    }

    // MARK: Reading work

    @Test func aTeamLeaderAssignedAtACommuneSeesOnlyTheirCommune() async throws {
        let world = try await CommuneWorld.make()
        try await world.fixture.withApp(as: [RoleAssignment(role: .teamLeader, unitID: world.fixture.communeA)]) { leader throws in
            let teams = try await leader.get("/api/v1/teams?limit=500")
            #expect(Set(teams.items.compactMap { $0["id"] as? String }) == [world.teamA1.description, world.teamA2.description])
            #expect(try await leader.get("/api/v1/teams/\(world.teamC)").status == .notFound)
            #expect(try await leader.get("/api/v1/members/\(world.memberC)").status == .notFound)
            #expect(!(try await leader.get("/api/v1/events?limit=500").text.contains(world.teamC.description)))
        }
        // Assigned at a village, a team leader still sees the whole commune of that village.
        try await world.fixture.withApp(as: [RoleAssignment(role: .teamLeader, unitID: world.fixture.villageA1)]) { leader throws in
            #expect(try await leader.get("/api/v1/teams?limit=500").items.count == 2)
        }
    }

    @Test func aMembersMembershipsListOnlyTeamsTheCallerViews() async throws {
        let world = try await CommuneWorld.make()
        let f = world.fixture
        // The province administrator puts C's head on team A1 as well.
        try await f.withApp(as: [RoleAssignment(role: .provinceAdministrator, unitID: f.provinceA)]) { admin throws in
            let join = world.recent(f.villageA1, .memberJoined(MemberJoined(teamId: world.teamA1, memberId: world.memberC, role: .member)))
            #expect(try await admin.submit(join).status == .created)
            #expect(try await admin.get("/api/v1/members/\(world.memberC)/memberships").items.count == 2)
        }
        try await f.withApp(as: [RoleAssignment(role: .member, unitID: f.villageA1)]) { member throws in
            let memberships = try await member.get("/api/v1/members/\(world.memberC)/memberships")
            #expect(memberships.items.map { $0["teamId"] as? String } == [world.teamA1.description])
        }
    }
}
