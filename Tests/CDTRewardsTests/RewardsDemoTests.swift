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
        // Province A has three village teams: a draft, one under review at the commune, one returned; and the
        // first of them in the national round, under review at the nation.
        #expect(states == ["draft", "returned", "under_review", "under_review"])
        let levels = try await harness.owner.query("""
            SELECT r.scope, r.chain ->> n.level_index FROM rewards_nominations n JOIN rewards_rounds r ON r.province_id = n.province_id AND r.id = n.round_id
            WHERE n.state = 'under_review' ORDER BY r.scope
            """).decode((String, String).self)
        #expect(levels.map(\.0) == ["nation", "province"] && levels.map(\.1) == ["nation", "commune"])
        let evidence = try await harness.owner.query("SELECT evidence::text FROM rewards_nominations WHERE state = 'under_review'").decode(String.self)
        #expect(evidence.first?.contains("\"householdsVisited\"") == true)
        await harness.close()
    }
}
