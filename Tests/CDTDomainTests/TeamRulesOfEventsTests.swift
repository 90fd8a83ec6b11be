import CDTDomain
import Foundation
import Testing

/// The team and membership rules the log applies to `team.established`, `team.merged` and `member.joined`,
/// checked without a database.
@Suite struct TeamRulesOfEventsTests {
    let village = ID<AdministrativeUnit>(), province = ID<AdministrativeUnit>()

    func team(endedOn: CalendarDate? = nil) -> Team {
        var team = Team(id: ID(), name: "Tổ CNSCĐ Thôn Đông", unitID: village, level: .village,
                        decision: EstablishmentDecision(number: "12/QĐ-UBND", date: CalendarDate("2025-01-10")!, signer: "Lê Văn Hòa", issuingUnitID: ID()))
        team.endedOn = endedOn
        return team
    }

    @Test func aTeamIsForAVillageOrACommuneDecidedAtOrAboveIt() throws {
        #expect(try TeamRules.teamLevel(forUnitAt: .village) == .village)
        #expect(try TeamRules.teamLevel(forUnitAt: .commune) == .commune)
        #expect(throws: ValidationFailure(field: "unitId", rule: "must name a village-level unit or a commune")) { try TeamRules.teamLevel(forUnitAt: .province) }
        try TeamRules.checkIssuer(path: "/p/c/", ofTeamAt: "/p/c/v/")
        try TeamRules.checkIssuer(path: "/p/c/v/", ofTeamAt: "/p/c/v/")
        for issuer in ["/p/other/", nil] {
            #expect(throws: ValidationFailure.self) { try TeamRules.checkIssuer(path: issuer, ofTeamAt: "/p/c/v/") }
        }
    }

    @Test func aMergeIsRecordedInTheSurvivorsUnitWhileItIsActive() throws {
        try TeamRules.checkMerge(into: team(), recordedIn: village, on: CalendarDate("2025-06-01")!)
        #expect(throws: ValidationFailure.self) { try TeamRules.checkMerge(into: team(), recordedIn: ID(), on: CalendarDate("2025-06-01")!) }
        #expect(throws: ValidationFailure(field: "payload.intoTeamId", rule: "must name a team active on the day the event occurred")) {
            try TeamRules.checkMerge(into: team(endedOn: CalendarDate("2025-03-01")!), recordedIn: village, on: CalendarDate("2025-06-01")!)
        }
    }

    @Test func aNewMemberBringsTheirDetailsAndAnExistingOneNever() throws {
        let person = PersonDetails(name: "Trần Thị Lan", phone: "+84 912 345 678", gender: .female, birthYear: 1990, affiliations: [])
        let new = MemberJoined(teamId: ID(), memberId: ID(), role: .member, person: person)
        let existing = MemberJoined(teamId: ID(), memberId: ID(), role: .member, person: nil)
        try TeamRules.checkJoining(new, storedIn: nil, teamProvince: province)
        try TeamRules.checkJoining(existing, storedIn: province, teamProvince: province)
        #expect(throws: ValidationFailure(field: "payload.person", rule: "must be left out when memberId names an existing member")) {
            try TeamRules.checkJoining(new, storedIn: province, teamProvince: province)
        }
        #expect(throws: ValidationFailure(field: "payload.person", rule: "is required when memberId names a new member")) {
            try TeamRules.checkJoining(existing, storedIn: nil, teamProvince: province)
        }
        #expect(throws: ValidationFailure(field: "payload.memberId", rule: "names a member recorded in another province")) {
            try TeamRules.checkJoining(existing, storedIn: ID(), teamProvince: province)
        }
    }
}
