import CDTDomain
import Foundation
import Testing

@Suite struct TeamRulesTests {
    let village = ID<AdministrativeUnit>()
    let commune = ID<AdministrativeUnit>()

    func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func team(_ name: String = "Tổ CNSCĐ Thôn Đông", on date: String = "2025-01-10", level: TeamLevel = .village) -> Team {
        Team(id: ID(), name: name, unitID: village, level: level,
             decision: EstablishmentDecision(number: "12/QĐ-UBND", date: day(date), signer: "Lê Văn Hòa", issuingUnitID: commune))
    }

    func villageUnit() throws -> AdministrativeUnit {
        try AdministrativeUnit(id: village, code: "00004.1", name: "Thôn Đông", kind: UnitKind(level: .village, type: "Thôn"),
                               parentID: commune, validity: ValidityPeriod(from: day("2020-01-01")))
    }

    @Test func aVillageHasOneActiveTeamAtATime() throws {
        let first = team()
        try TeamRules.checkEstablishment(of: first, in: try villageUnit(), existing: [])
        let second = team("Tổ mới", on: "2025-06-01")
        #expect(throws: ValidationFailure.self) { try TeamRules.checkEstablishment(of: second, in: try villageUnit(), existing: [first]) }
        // Once the first team is dissolved, a new one may be set up from that day on, but not before.
        let dissolved = try TeamRules.end(first, on: day("2025-05-01"), as: .dissolved)
        try TeamRules.checkEstablishment(of: second, in: try villageUnit(), existing: [dissolved])
        let early = team("Tổ sớm", on: "2025-04-01")
        #expect(throws: ValidationFailure.self) { try TeamRules.checkEstablishment(of: early, in: try villageUnit(), existing: [dissolved]) }
    }

    @Test func aCommuneTeamNeedsACommuneAndAVillageTeamAVillage() throws {
        let failure = #expect(throws: ValidationFailure.self) {
            try TeamRules.checkEstablishment(of: team(level: .commune), in: try villageUnit(), existing: [])
        }
        #expect(failure?.violations.first?.field == "unitId")
    }

    @Test func aTeamEndsOnceAndAfterItStarted() throws {
        let first = team()
        #expect(throws: ValidationFailure.self) { try TeamRules.end(first, on: day("2025-01-10"), as: .dissolved) }
        let ended = try TeamRules.end(first, on: day("2025-02-01"), as: .merged(into: ID()))
        #expect(!ended.isActive(on: day("2025-02-01")) && ended.isActive(on: day("2025-01-31")))
        #expect(throws: ValidationFailure.self) { try TeamRules.end(ended, on: day("2025-03-01"), as: .dissolved) }
    }

    @Test func aTeamHasOneHeadAtATime() throws {
        var roster = TeamRoster(team: team(), memberships: [])
        let lan = ID<Member>(), minh = ID<Member>()
        _ = try roster.join(lan, as: .head, on: day("2025-02-01"))
        let failure = #expect(throws: ValidationFailure.self) { _ = try roster.join(minh, as: .head, on: day("2025-03-01")) }
        #expect(failure?.violations.first?.field == "payload.role")
        _ = try roster.join(minh, as: .deputyHead, on: day("2025-03-01"))
        // Lan steps down; Minh becomes head the same day.
        let changes = try roster.changeRole(of: lan, to: .member, on: day("2025-04-01"))
        #expect(changes.count == 2)
        _ = try roster.changeRole(of: minh, to: .head, on: day("2025-04-01"))
        #expect(roster.members(on: day("2025-04-01")).filter { $0.role == .head }.map(\.memberID) == [minh])
        #expect(roster.members(on: day("2025-03-15")).filter { $0.role == .head }.map(\.memberID) == [lan])
    }

    @Test func aMemberIsOnATeamOnceAtATimeAndLeavesOnlyWhenOnIt() throws {
        var roster = TeamRoster(team: team(), memberships: [])
        let lan = ID<Member>()
        #expect(throws: ValidationFailure.self) { _ = try roster.join(lan, as: .member, on: day("2025-01-01")) }  // before the team existed
        _ = try roster.join(lan, as: .member, on: day("2025-02-01"))
        #expect(throws: ValidationFailure.self) { _ = try roster.join(lan, as: .member, on: day("2025-03-01")) }
        #expect(throws: ValidationFailure.self) { _ = try roster.leave(ID(), on: day("2025-03-01")) }
        #expect(throws: ValidationFailure.self) { _ = try roster.leave(lan, on: day("2025-02-01")) }  // same day as joining
        _ = try roster.leave(lan, on: day("2025-05-01"))
        _ = try roster.join(lan, as: .member, on: day("2025-06-01"))
        #expect(roster.memberships.count == 2)
    }
}

@Suite struct EventValidationTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21

    func visit(occurredAt: Date, skills: SkillOutcomes = SkillOutcomes(onlinePayment: .mastered), members: [ID<Member>] = [ID()], version: Int = 1) -> DomainEvent {
        DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: occurredAt, version: version,
                    payload: .householdVisited(HouseholdVisited(householdId: ID(), memberIds: members, skills: skills)))
    }

    @Test func eventsFromTheFutureOrLongAgoOrOfUnknownVersionsAreRefused() {
        #expect(throws: Never.self) { try visit(occurredAt: now.addingTimeInterval(-3600)).validate(now: now) }
        let future = #expect(throws: ValidationFailure.self) { try visit(occurredAt: now.addingTimeInterval(86_400)).validate(now: now) }
        #expect(future?.violations == [Violation(field: "occurredAt", rule: "must not be in the future")])
        let old = #expect(throws: ValidationFailure.self) { try visit(occurredAt: Date(timeIntervalSince1970: 0)).validate(now: now) }
        #expect(old?.violations.map(\.field) == ["occurredAt"])
        let version = #expect(throws: ValidationFailure.self) { try visit(occurredAt: now, version: 2).validate(now: now) }
        #expect(version?.violations.map(\.field) == ["version"])
    }

    @Test func payloadViolationsNameTheFieldUnderPayload() {
        let failure = #expect(throws: ValidationFailure.self) {
            try visit(occurredAt: now, skills: SkillOutcomes(), members: []).validate(now: now)
        }
        #expect(failure?.violations.map(\.field) == ["payload.memberIds", "payload.skills"])
    }

    @Test func householdsAndPeopleAreChecked() {
        var check = Validator()
        HouseholdDetails(householdId: ID(), size: 3, residents: [
            ResidentCount(ageBand: .elderly, count: 2, withSmartphone: 3),
            ResidentCount(ageBand: .working, count: 2, notApplicable: 1),
        ]).validate(into: &check)
        #expect(check.violations.map(\.field) == [
            "residents[0].withSmartphone", "residents[1].notApplicableReason", "residents",
        ])
        var person = Validator()
        PersonDetails(name: " ", phone: "12345", gender: .female, birthYear: 1890).validate(into: &person)
        #expect(person.violations.map(\.field) == ["name", "phone", "birthYear"])
    }

    @Test func phoneNumbersAreNormalised() {
        #expect(Member.normalizedPhone("+84 912 345 678") == "0912345678")
        #expect(Member.normalizedPhone("0912.345.678") == "0912345678")
        #expect(Member.normalizedPhone("84912345678") == "0912345678")
        #expect(Member.normalizedPhone("912345678") == nil)
    }

    @Test func eventsRoundTripThroughJSON() throws {
        let event = visit(occurredAt: Date(timeIntervalSince1970: 1_760_000_000))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(DomainEvent.self, from: encoder.encode(event))
        #expect(decoded == event)
        let json = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(json.contains("\"type\":\"household.visited\"") && json.contains("\"onlinePayment\":\"mastered\""))
    }
}
