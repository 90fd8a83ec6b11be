import CDTDemo
import CDTDomain
import CDTModuleKit
import CDTPostgres
import HTTPTypes
import Foundation
import CDTTesting
import Testing
@testable import CDTCoverage

@Suite struct CoverageModelTests {
    let village = UUID()
    func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    /// 65,536 updates of one household (a client may send them) overflowed the stored form's count and
    /// trapped in the dispatcher, stopping the server again at every delivery: now storing it throws,
    /// so the dispatcher parks that event and goes on.
    @Test func moreUpdatesOfAHouseholdThanItsStoredFormCountsThrowNotTrap() throws {
        var household = HouseholdRecord()
        let details = HouseholdDetails(householdId: ID(), size: 3)
        for position in 0..<Int64(UInt16.max) { household.record(details, unit: village, day: day("2025-08-01"), position: position) }
        let stored = try household.storedBytes()
        #expect(try HouseholdRecord(storedBytes: stored).versions.count == Int(UInt16.max))
        household.record(details, unit: village, day: day("2025-08-02"), position: 1 << 20)
        #expect(throws: (any Error).self) { try household.storedBytes() }
    }

    /// Out-of-scope households leave the denominator only when recorded as such; a household recorded
    /// "not applicable" for a skill leaves that skill's denominator unless someone masters it later.
    @Test func notApplicableHandling() {
        var household = HouseholdRecord()
        household.record(HouseholdDetails(householdId: ID(), size: 3), unit: village, day: day("2025-08-01"), position: 1)
        household.record(HouseholdVisited(householdId: ID(), memberIds: [ID()], skills: SkillOutcomes(onlineShopping: .notApplicable, onlinePayment: .guided)),
                         unit: village, day: day("2025-08-05"))
        var values = household.values(at: day("2025-08-05"))
        #expect(values["householdsEligible"] == 1)
        #expect(values["skill.onlineShopping.eligible"] == nil)
        #expect(values["skill.onlinePayment.eligible"] == 1)
        #expect(values["skill.onlinePayment"] == nil)
        household.record(HouseholdVisited(householdId: ID(), memberIds: [ID()], skills: SkillOutcomes(onlineShopping: .mastered)), unit: village, day: day("2025-09-01"))
        values = household.values(at: day("2025-09-01"))
        #expect(values["skill.onlineShopping"] == 1)
        #expect(values["skill.onlineShopping.eligible"] == 1)
        // Recorded out of scope: no longer eligible, though what it mastered still counts and stays in
        // that skill's denominator.
        household.record(HouseholdDetails(householdId: ID(), size: 3, notApplicable: .movedAway), unit: village, day: day("2025-10-01"), position: 9)
        values = household.values(at: day("2025-10-01"))
        #expect(values["householdsEligible"] == nil)
        #expect(values["skill.onlinePayment.eligible"] == nil)
        #expect(values["skill.onlineShopping.eligible"] == 1)
        #expect(values["households"] == 1)
    }

    /// A late event lands on its own day: the contributions move, and resending changes nothing.
    @Test func lateEventsMoveContributionsToTheirDay() {
        var household = HouseholdRecord()
        household.record(HouseholdDetails(householdId: ID(), size: 2, residents: [ResidentCount(ageBand: .elderly, count: 2)]), unit: village, day: day("2025-08-01"), position: 1)
        household.record(HouseholdVisited(householdId: ID(), memberIds: [ID()], services: ServiceOutcomes(vneidActivated: .mastered)), unit: village, day: day("2025-09-10"))
        let before = household.contributions
        #expect(before.contains(Contribution(unit: village, metric: "householdsVisited", day: day("2025-09-10"), value: 1)))
        household.record(HouseholdVisited(householdId: ID(), memberIds: [ID()], services: ServiceOutcomes(vneidActivated: .guided)), unit: village, day: day("2025-08-20"))
        let after = household.contributions
        let change = Contribution.difference(from: before, to: after)
        #expect(Set(change) == [
            Contribution(unit: village, metric: "householdsVisited", day: day("2025-08-20"), value: 1),
            Contribution(unit: village, metric: "householdsVisited", day: day("2025-09-10"), value: -1),
        ])
        #expect(Contribution.difference(from: after, to: after).isEmpty)
        #expect(household.values(at: day("2025-12-31"))["residents.60+"] == 2)
        #expect(household.values(at: day("2025-07-31")).isEmpty)
    }

    /// The difference leaves out what the contributions before and after have in common at their start
    /// and end; the sums are those of every contribution added and taken away, whatever the lists hold.
    @Test func theDifferenceLeavesOutOnlyWhatCancelsOut() {
        var generator = SeededGenerator(seed: 23)
        let units = [UUID(), UUID()], metrics = ["households", "householdsVisited", "reached.vneid"]
        func some(_ count: Int) -> [Contribution] {
            (0..<count).map { _ in
                Contribution(unit: units[Int.random(in: 0..<2, using: &generator)], metric: metrics[Int.random(in: 0..<3, using: &generator)],
                             day: CalendarDate(daysSinceEpoch: 20_300 + Int.random(in: 0..<4, using: &generator)),
                             value: Double(Int.random(in: -2...2, using: &generator)))
            }
        }
        for _ in 0..<500 {
            let shared = some(Int.random(in: 0..<6, using: &generator)), tail = some(Int.random(in: 0..<3, using: &generator))
            let old = shared + some(Int.random(in: 0..<4, using: &generator)) + tail
            let new = shared + some(Int.random(in: 0..<4, using: &generator)) + tail
            var every: [Contribution.Key: Double] = [:]
            for contribution in new { every[contribution.key, default: 0] += contribution.value }
            for contribution in old { every[contribution.key, default: 0] -= contribution.value }
            #expect(Contribution.difference(from: old, to: new) == Contribution.changes(summed: every))
        }
        let visited = [Contribution(unit: units[0], metric: "householdsVisited", day: day("2025-09-10"), value: 1)]
        #expect(Contribution.difference(from: visited, to: visited + visited) == visited)
        #expect(Contribution.difference(from: visited + visited, to: visited).map(\.value) == [-1])
    }

    /// A merged team's members carry on in the team it merged into; ending a team ends its memberships.
    @Test func teamsAndMemberships() {
        var team = TeamRecord(unit: village, isVillageLevel: true, established: day("2025-07-01"))
        let first = UUID(), second = UUID()
        team.join(first, on: day("2025-07-02"))
        team.join(second, on: day("2025-07-03"))
        team.leave(second, on: day("2025-08-01"))
        #expect(team.members(on: day("2025-07-15")).count == 2)
        #expect(team.members(on: day("2025-08-01")) == [first])
        team.end(on: day("2025-09-01"))
        #expect(team.members(on: day("2025-09-01")).isEmpty)
        let byMetric = Dictionary(grouping: team.contributions, by: \.metric).mapValues { $0.map(\.value).reduce(0, +) }
        #expect(byMetric == ["teams": 0, "villagesWithTeam": 0, "members": 0])
        var trainee = TraineeRecord()
        trainee.attended(on: day("2025-09-01"), position: 10, in: village)
        let other = UUID()
        trainee.attended(on: day("2025-08-01"), position: 20, in: other)
        #expect(trainee.contributions == [Contribution(unit: other, metric: "membersTrained", day: day("2025-08-01"), value: 1)])
    }

    @Test func targetsAndPace() {
        let target = CoverageTarget(id: UUID(), unitId: village, metric: "skill.onlinePayment.share", value: 0.8, deadline: day("2025-12-31"))
        let today = day("2025-11-01")
        // 0.5 now, 0.36 four weeks ago: +0.005 a day, 60 days left, 0.8 projected: on pace.
        let onPace = TargetProgress.assess(target, current: 0.5, windowAgo: 0.36, today: today)
        #expect(onPace.status == .onPace)
        #expect(abs(onPace.gap - 0.3) < 1e-12)
        #expect(abs(onPace.projected - 0.8) < 1e-9)
        #expect(onPace.daysLeft == 60)
        #expect(TargetProgress.assess(target, current: 0.5, windowAgo: 0.45, today: today).status == .behind)
        #expect(TargetProgress.assess(target, current: 0.85, windowAgo: 0.8, today: today).status == .reached)
        #expect(TargetProgress.assess(target, current: 0.5, windowAgo: 0.1, today: day("2026-01-02")).status == .missed)
    }

    @Test func numbersCSVAndBuckets() {
        let vi = NumberStyle(language: .vi), en = NumberStyle(language: .en)
        #expect(vi.count(1_234_567) == "1.234.567")
        #expect(en.count(1_234_567) == "1,234,567")
        #expect(vi.percent(0.8123) == "81,2%")
        #expect(en.percent(0.8123) == "81.2%")
        #expect(vi.change(0.025, isShare: true) == "+2,5 điểm %")
        #expect(CoverageExport.csv([["Đơn vị", "Ghi chú"], ["Xã \"Mới\"", "a,b"]]) == "Đơn vị,Ghi chú\r\n\"Xã \"\"Mới\"\"\",\"a,b\"\r\n")
        #expect(SeriesInterval.week.bucket(of: day("2025-11-22")) == day("2025-11-17"))
        #expect(SeriesInterval.week.bucket(of: day("2025-11-17")) == day("2025-11-17"))
        #expect(SeriesInterval.month.next(after: day("2025-12-01")) == day("2026-01-01"))
        #expect(HTML.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }
}

@Suite struct CoverageConformanceTests {
    @Test func conformance() async throws {
        try await ModuleConformance.check(CoverageModule()) { units, events in
            let team = ID<Team>(), member = ID<Member>(), household = ID<Household>()
            return [
                events.event(units.villageA1, minute: 0, .teamEstablished(TeamEstablished(
                    teamId: team, name: "Tổ CNSCĐ", decision: EstablishmentDecision(number: "2/QĐ-UBND", date: CalendarDate("2025-07-20")!, signer: "Trần Thị Bình", issuingUnitID: units.communeA)))),
                events.event(units.villageA1, minute: 1, .memberJoined(MemberJoined(
                    teamId: team, memberId: member, role: .head, person: PersonDetails(name: "Hà Thị Dung", phone: "0912000009", gender: .female, birthYear: 1988)))),
                events.event(units.villageA1, minute: 2, .householdRegistered(HouseholdDetails(householdId: household, size: 2))),
                events.event(units.villageA1, minute: 3, .householdVisited(HouseholdVisited(householdId: household, memberIds: [member], skills: SkillOutcomes(cyberSafety: .mastered)))),
                events.event(units.communeA, minute: 4, .trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Sở KH&CN", topic: "An toàn số", format: .online, attendeeIds: [member]))),
            ]
        } sampleMutations: { harness, _ in
            let province = harness.units.provinceB, target = UUID()
            try await harness.owner.execute("""
                INSERT INTO coverage_targets (province_id, id, unit_id, metric, value, deadline, set_by)
                VALUES (\(province), \(target), \(province), 'members', 50, '2099-06-30', \(UUID()))
                """)
            return [
                ModuleSampleRequest(.post, "targets", body: #"{"unitId": "\#(province)", "metric": "households", "value": 100, "deadline": "2099-12-31"}"#),
                ModuleSampleRequest(.delete, "targets/\(target.uuidString.lowercased())"),
            ]
        }
    }
}

@Suite struct CoverageExportTests {
    /// A name a spreadsheet would run as a formula stays text; numbers stay numbers.
    @Test func formulasAreDefused() {
        #expect(CoverageExport.csv([["=HYPERLINK(\"x\")", "+1", "@a", "-x", "-3", "12"]]) == "\"'=HYPERLINK(\"\"x\"\")\",'+1,'@a,'-x,-3,12\r\n")
        // A minus then a digit is not a number yet: "-1+HYPERLINK(…)" is a formula to a spreadsheet.
        #expect(CoverageExport.csv([["-1+HYPERLINK(A1)", "-2.5", "+3", "-", "\rX", "0.25"]]) == "'-1+HYPERLINK(A1),-2.5,'+3,'-,\"'\rX\",0.25\r\n")
        #expect(NumberStyle(language: .vi).count(1e300).hasPrefix("1"))
    }
}
