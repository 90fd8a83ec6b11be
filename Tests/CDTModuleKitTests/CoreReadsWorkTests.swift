import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import Testing

/// What a module reads of campaigns and trainings through `CoreReads`: the work a nomination's evidence is
/// made of, within the caller's provinces.
@Suite struct CoreReadsWorkTests {
    @Test func campaignsReachingAUnitAndTrainingsUnderItOrAttended() async throws {
        let harness = try await ModuleTestHarness.make([], units: TestUnits(secondCommunes: true))
        defer { Task { await harness.close() } }
        let units = harness.units, events = harness.events
        let day = { (text: String) in CalendarDate(text)! }
        let work = events.visit(in: units.villageA1, commune: units.communeA)
        let other = events.visit(in: units.villageB1, commune: units.communeB, minute: 10)
        let provinceWide = events.campaign(over: units.provinceA, startsOn: day("2025-08-01"), endsOn: day("2025-10-30"), minute: 20)
        let elsewhere = events.campaign(over: units.communeA2, startsOn: day("2025-08-01"), endsOn: day("2025-10-30"), minute: 21)
        let trained = events.training(in: units.villageA1, attendedBy: [work.member], minute: 30)
        let trainedB = events.training(in: units.villageB1, attendedBy: [other.member], minute: 31)
        let outcomes = try await harness.append(work.events + other.events + [provinceWide.event, elsewhere.event, trained.event, trainedB.event])
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")

        try await RowScope.$current.withValue(.provinces([units.provinceA.rawValue])) {
            let core = CoreReads(harness.application)
            // A village counts towards the province's campaign, not towards another commune's.
            #expect(try await core.campaigns(reaching: units.villageA1, from: day("2025-08-01"), until: day("2025-08-31")).map(\.id) == [provinceWide.campaign])
            // A commune sees the campaigns over it and under it.
            #expect(Set(try await core.campaigns(reaching: units.provinceA, from: day("2025-08-01"), until: day("2025-08-31")).map(\.id))
                    == [provinceWide.campaign, elsewhere.campaign])
            #expect(try await core.campaigns(reaching: units.villageA1, from: day("2025-11-01"), until: day("2025-11-30")).isEmpty)
            let held = try await core.trainings(under: units.communeA, from: day("2025-08-01"), until: day("2025-08-31"))
            #expect(held.map(\.id) == [trained.training] && held.first?.attendees == 1 && held.first?.format == "onSite")
            #expect(try await core.trainings(attendedBy: work.member, from: day("2025-08-01"), until: day("2025-08-31")).map(\.id) == [trained.training])
            // Province B's training is outside the row scope.
            #expect(try await core.trainings(attendedBy: other.member, from: day("2025-08-01"), until: day("2025-08-31")).isEmpty)
            #expect(try await core.trainings(under: units.communeB, from: day("2025-08-01"), until: day("2025-08-31")).isEmpty)
        }
    }
}
