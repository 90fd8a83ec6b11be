import CDTDomain
import Foundation
import Testing

/// The rules on what an event may name, without a database: the places of the named objects are given.
@Suite struct EventAuthorityTests {
    let province = ID<AdministrativeUnit>()
    let p = "/p/", a = "/p/a/", a1 = "/p/a/1/", a2 = "/p/a/2/", c1 = "/p/c/1/"
    let today = CalendarDate("2026-11-18")!
    let account = UUID()

    func authority(_ role: Role, at path: String?, parent: String? = nil, commune: String? = nil) -> EventAuthority {
        EventAuthority(accountID: account, access: CallerAccess(assignments: [PlacedAssignment(
            role: role, unitID: path == nil ? nil : ID(), unitPath: path, parentPath: parent, communePath: commune,
            provincePath: path == nil ? nil : p, provinceID: path == nil ? nil : province)]))
    }

    func event(_ payload: EventPayload, on day: String = "2026-11-17", author: UUID? = nil) -> DomainEvent {
        DomainEvent(id: ID(), unitID: ID(), authorID: author ?? account, occurredAt: Date(timeIntervalSince1970: TimeInterval(CalendarDate(day)!.daysSinceEpoch * 86_400)),
                    payload: payload)
    }

    func fields(_ failure: ValidationFailure?) -> [String] { failure?.violations.map(\.field) ?? [] }

    @Test func aMergeIsACommuneOfficersActOverTeamsOfTheirCommune() {
        let (t1, t2, tc) = (ID<Team>(), ID<Team>(), ID<Team>())
        let places = NamedPlaces(teams: [t1: a1, t2: a2, tc: c1])
        let inside = event(.teamMerged(TeamMerged(teamIds: [t2], intoTeamId: t1)))
        let across = event(.teamMerged(TeamMerged(teamIds: [tc], intoTeamId: t1)))
        let officer = authority(.communeOfficer, at: a, parent: p, commune: a)
        #expect(officer.refusal(of: inside, unitPath: a1, places: places, today: today) == nil)
        #expect(fields(officer.refusal(of: across, unitPath: a1, places: places, today: today)) == ["payload.teamIds[0]"])
        let leader = authority(.teamLeader, at: a, parent: p, commune: a)
        #expect(fields(leader.refusal(of: inside, unitPath: a1, places: places, today: today)) == ["payload.intoTeamId", "payload.teamIds[0]"])
        #expect(authority(.provinceAdministrator, at: p).refusal(of: across, unitPath: a1, places: places, today: today) == nil)
    }

    @Test func membersAreNamedOnlyWhereTheyAreNowAndNewOnesFreely() {
        let (here, there, former, new) = (ID<Member>(), ID<Member>(), ID<Member>(), ID<Member>())
        let places = NamedPlaces(members: [here: [a1], there: [c1], former: [a1]])
        let member = authority(.member, at: a1, parent: a, commune: a)
        func visit(_ ids: [ID<Member>]) -> DomainEvent {
            event(.householdVisited(HouseholdVisited(householdId: ID(), memberIds: ids, skills: SkillOutcomes(onlinePayment: .guided), services: ServiceOutcomes())))
        }
        #expect(member.refusal(of: visit([here, former]), unitPath: a1, places: places, today: today) == nil)
        #expect(fields(member.refusal(of: visit([here, there]), unitPath: a1, places: places, today: today)) == ["payload.memberIds[1]"])
        let adopt = event(.memberJoined(MemberJoined(teamId: ID(), memberId: there, role: .member)))
        #expect(fields(member.refusal(of: adopt, unitPath: a1, places: places, today: today)) == ["payload.memberId"])
        let joinNew = event(.memberJoined(MemberJoined(teamId: ID(), memberId: new, role: .member)))
        #expect(member.refusal(of: joinNew, unitPath: a1, places: places, today: today) == nil)
        let training = event(.trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Tổ", topic: "VNeID", format: .online, attendeeIds: [there])))
        #expect(fields(member.refusal(of: training, unitPath: a1, places: places, today: today)) == ["payload.attendeeIds[0]"])
        // A member stored but on no team (none is) is named by nobody.
        let nowhere = NamedPlaces(members: [there: []])
        #expect(fields(authority(.provinceAdministrator, at: p).refusal(of: adopt, unitPath: a1, places: nowhere, today: today)) == ["payload.memberId"])
    }

    @Test func theAuthorIsTheSenderOrAMemberTheyMayChange() {
        let (here, there) = (ID<Member>(), ID<Member>())
        let places = NamedPlaces(members: [here: [a1], there: [c1]])
        let leader = authority(.teamLeader, at: a1, parent: a, commune: a)
        let shared = EventPayload.module(ModuleEventPayload(type: EventType(rawValue: "good-practices.practice_shared")!, json: .object(["title": .string("Zalo"), "summary": .string("Nhóm")])))
        #expect(leader.refusal(of: event(shared), unitPath: a1, places: places, today: today) == nil)
        #expect(leader.refusal(of: event(shared, author: here.rawValue), unitPath: a1, places: places, today: today) == nil)
        for author in [there.rawValue, UUID()] {
            #expect(fields(leader.refusal(of: event(shared, author: author), unitPath: a1, places: places, today: today)) == ["authorId"])
        }
    }

    @Test func backdatingIsBoundedByTheMostGenerousRoleThatMayRecordThere() {
        let shared = EventPayload.module(ModuleEventPayload(type: EventType(rawValue: "good-practices.practice_shared")!, json: .object(["title": .string("Zalo"), "summary": .string("Nhóm")])))
        let member = authority(.member, at: a1, parent: a, commune: a)
        #expect(member.refusal(of: event(shared, on: "2026-10-19"), unitPath: a1, places: NamedPlaces(), today: today) == nil)
        #expect(fields(member.refusal(of: event(shared, on: "2026-10-18"), unitPath: a1, places: NamedPlaces(), today: today)) == ["occurredAt"])
        let officer = authority(.communeOfficer, at: a, parent: p, commune: a)
        #expect(officer.refusal(of: event(shared, on: "2026-06-01"), unitPath: a1, places: NamedPlaces(), today: today) == nil)
        #expect(fields(officer.refusal(of: event(shared, on: "2025-08-01"), unitPath: a1, places: NamedPlaces(), today: today)) == ["occurredAt"])
        #expect(authority(.provinceAdministrator, at: p).refusal(of: event(shared, on: "2020-01-01"), unitPath: a1, places: NamedPlaces(), today: today) == nil)
        // Both roles held: the officer's bound counts in the commune, the member's alone nowhere else.
        let both = CallerAccess(assignments: member.access.assignments + officer.access.assignments)
        #expect(both.backdatingDays(at: a1) == 180)
    }

    @Test func aTeamLeaderViewsTheCommuneTheyAreAssignedAtOrLieIn() {
        #expect(authority(.teamLeader, at: a, parent: p, commune: a).access.scope(for: .view).paths == [a])
        #expect(authority(.teamLeader, at: a1, parent: a, commune: a).access.scope(for: .view).paths == [a])
    }
}
