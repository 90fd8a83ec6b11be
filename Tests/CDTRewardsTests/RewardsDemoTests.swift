import CDTModuleKit
import CDTTesting
import Foundation
import Testing
@testable import CDTRewards

/// `cdt demo`'s example round: the module's own events, at different stages, the same on a second run.
@Suite struct RewardsDemoTests {
    @Test func theExampleRoundHasNominationsAtDifferentStages() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let events = try await RowScope.$current.withValue(.everyProvince) {
            try await RewardsModule().demoEvents(in: units.provinceA, author: harness.events.author, at: ModuleTestHarness.now, harness.owner)
        }
        let again = try await RowScope.$current.withValue(.everyProvince) {
            try await RewardsModule().demoEvents(in: units.provinceA, author: harness.events.author, at: ModuleTestHarness.now, harness.owner)
        }
        #expect(events.map(\.id) == again.map(\.id), "the same ids on every run")
        let outcomes = try await harness.append(events)
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
        try await harness.catchUp()
        let states = try await harness.owner.query("SELECT state FROM rewards_nominations ORDER BY state").decode(String.self)
        // Province A has three village teams: a draft, one under review at the commune, one returned.
        #expect(states == ["draft", "returned", "under_review"])
        let evidence = try await harness.owner.query("SELECT evidence::text FROM rewards_nominations WHERE state = 'under_review'").decode(String.self)
        #expect(evidence.first?.contains("\"householdsVisited\"") == true)
        await harness.close()
    }
}
