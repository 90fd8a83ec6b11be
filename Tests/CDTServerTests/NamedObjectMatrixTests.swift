import CDTDomain
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Testing

/// The access matrix carried from units to the objects an event names, inside one province: for every
/// role, each kind of object named in the caller's village (in scope) and in another commune of the same
/// province (out of scope). The event's own unit is in the caller's change scope wherever it can be, so
/// what is tried is the named object. Each role gets its own world, so what one accepted event changes
/// does not decide another's.
@Suite struct NamedObjectMatrixTests {
    enum Who: String, CaseIterable, Sendable {
        case member, teamLeader, communeOfficer, provinceAdministrator, nationalAdministrator, nationalViewer

        func roles(_ world: CommuneWorld) -> [RoleAssignment] {
            let f = world.fixture
            return switch self {
            case .member: [RoleAssignment(role: .member, unitID: f.villageA1)]
            case .teamLeader: [RoleAssignment(role: .teamLeader, unitID: f.villageA1)]
            case .communeOfficer: [RoleAssignment(role: .communeOfficer, unitID: f.communeA)]
            case .provinceAdministrator: [RoleAssignment(role: .provinceAdministrator, unitID: f.provinceA)]
            case .nationalAdministrator: [RoleAssignment(role: .nationalAdministrator, unitID: nil)]
            case .nationalViewer: [RoleAssignment(role: .nationalViewer, unitID: nil)]
            }
        }
    }

    /// One kind of named object: the event naming it in scope and out of scope, and who may record each
    /// (everyone else gets 403).
    struct Row: Sendable {
        let object: String
        let inScope: @Sendable (CommuneWorld, Who) -> DomainEvent
        let outOfScope: @Sendable (CommuneWorld, Who) -> DomainEvent
        let mayInScope: Set<Who>
        let mayOutOfScope: Set<Who>
    }

    static let changers: Set<Who> = [.member, .teamLeader, .communeOfficer, .provinceAdministrator, .nationalAdministrator]
    static let provinceWide: Set<Who> = [.provinceAdministrator, .nationalAdministrator]
    static let skills = SkillOutcomes(onlinePayment: .guided)

    static let rows: [Row] = [
        Row(object: "member (member.joined)",
            inScope: { w, _ in w.recent(w.fixture.villageA1, .memberJoined(MemberJoined(teamId: w.teamA1, memberId: w.formerA1, role: .member))) },
            outOfScope: { w, who in
                w.recent(w.fixture.villageA1, .memberJoined(MemberJoined(teamId: w.teamA1, memberId: w.othersC[Who.allCases.firstIndex(of: who)!], role: .member)))
            },
            mayInScope: changers, mayOutOfScope: provinceWide),
        Row(object: "team (team.chat_link_changed)",
            inScope: { w, _ in w.recent(w.fixture.villageA1, .teamChatLinkChanged(TeamChatLinkChanged(teamId: w.teamA1, chatLink: "https://zalo.me/g/moi"))) },
            outOfScope: { w, _ in w.recent(w.villageC1, .teamChatLinkChanged(TeamChatLinkChanged(teamId: w.teamC, chatLink: "https://zalo.me/g/moi"))) },
            mayInScope: changers, mayOutOfScope: provinceWide),
        Row(object: "household (household.surveyed)",
            inScope: { w, _ in w.recent(w.fixture.villageA1, .householdSurveyed(HouseholdSurveyed(householdId: w.householdA1, smartphones: 2, computers: 0,
                                                                                                  internet: .mobile, hasBusiness: false, sellsOnline: false))) },
            outOfScope: { w, _ in w.recent(w.villageC1, .householdSurveyed(HouseholdSurveyed(householdId: w.householdC, smartphones: 2, computers: 0,
                                                                                             internet: .mobile, hasBusiness: false, sellsOnline: false))) },
            mayInScope: changers, mayOutOfScope: provinceWide),
        Row(object: "visiting member (household.visited)",
            inScope: { w, _ in w.recent(w.fixture.villageA1, .householdVisited(HouseholdVisited(householdId: w.householdA1, memberIds: [w.memberA1],
                                                                                                skills: skills, services: ServiceOutcomes()))) },
            outOfScope: { w, _ in w.recent(w.fixture.villageA1, .householdVisited(HouseholdVisited(householdId: w.householdA1, memberIds: [w.memberC],
                                                                                                   skills: skills, services: ServiceOutcomes()))) },
            mayInScope: changers, mayOutOfScope: provinceWide),
        Row(object: "training attendee (training.held)",
            inScope: { w, _ in w.recent(w.fixture.villageA1, .trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Tổ", topic: "VNeID", format: .onSite,
                                                                                        attendeeIds: [w.memberA1]))) },
            outOfScope: { w, _ in w.recent(w.fixture.villageA1, .trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Tổ", topic: "VNeID", format: .onSite,
                                                                                           attendeeIds: [w.memberC]))) },
            mayInScope: changers, mayOutOfScope: provinceWide),
        Row(object: "author",
            inScope: { w, _ in
                DomainEvent(id: ID(), unitID: w.fixture.villageA1, authorID: w.memberA1.rawValue, occurredAt: CommuneWorld.make.on(EventFactory.recently),
                            payload: .householdRegistered(HouseholdDetails(householdId: ID(), label: "Zalo", size: 3)))
            },
            outOfScope: { w, _ in
                DomainEvent(id: ID(), unitID: w.fixture.villageA1, authorID: w.memberC.rawValue, occurredAt: CommuneWorld.make.on(EventFactory.recently),
                            payload: .householdRegistered(HouseholdDetails(householdId: ID(), label: "Zalo", size: 3)))
            },
            mayInScope: changers, mayOutOfScope: provinceWide),
        // Last: merging ends teams the rows above name.
        Row(object: "merged team (team.merged)",
            inScope: { w, _ in w.recent(w.fixture.villageA1, .teamMerged(TeamMerged(teamIds: [w.teamA2], intoTeamId: w.teamA1))) },
            outOfScope: { w, _ in w.recent(w.fixture.villageA1, .teamMerged(TeamMerged(teamIds: [w.teamC], intoTeamId: w.teamA1))) },
            mayInScope: [.communeOfficer, .provinceAdministrator, .nationalAdministrator], mayOutOfScope: provinceWide),
    ]

    @Test(arguments: Who.allCases)
    func everyRoleMayNameExactlyTheObjectsItMayChange(_ who: Who) async throws {
        let world = try await CommuneWorld.make()
        try await world.fixture.withApp(as: who.roles(world)) { caller throws in
            for row in Self.rows {
                // Refusals first, so an accepted event of the other column cannot be what refuses one.
                let cases = [(row.outOfScope(world, who), row.mayOutOfScope.contains(who), "out of scope"),
                             (row.inScope(world, who), row.mayInScope.contains(who), "in scope")].sorted { !$0.1 && $1.1 }
                for (event, may, column) in cases {
                    let answer = try await caller.submit(event)
                    let expected = may ? 201 : 403
                    #expect(Int(answer.status.code) == expected, "\(who) \(row.object) \(column): \(answer.status.code), expected \(expected): \(answer.text.prefix(300))")
                }
            }
        }
    }
}
