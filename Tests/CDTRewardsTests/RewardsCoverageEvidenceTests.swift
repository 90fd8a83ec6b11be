import CDTCoverage
import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTRewards

/// Coverage's figures beside the evidence, through the kit's service, where coverage is enabled.
@Suite struct RewardsCoverageEvidenceTests {
    @Test func coverageFiguresWhereCoverageIsOn() async throws {
        let s = try await RewardsScenario.make(beside: [CoverageModule()])
        let units = s.units, harness = s.harness
        try await harness.enable("coverage", in: units.provinceA)
        try await harness.catchUp()
        let round = try await s.openRound()
        let id = try await s.nominate(s.first.team, round: round)
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let detail = try await officer.get("/api/v1/modules/rewards/nominations/\(id)")
            func figures(_ key: String) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: (detail.json[key] as? [[String: Any]] ?? []).map { ($0["key"] as! String, $0["value"] as! Double) })
            }
            #expect(figures("evidence")["coverage.householdsVisited"] == 1)
            #expect(figures("evidence")["coverage.householdsVisited.share"] == 1)
        }
        // Coverage turned off: the frozen figures stay, today's no longer have coverage's.
        try await harness.disable("coverage", in: units.provinceA)
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let detail = try await officer.get("/api/v1/modules/rewards/nominations/\(id)")
            let frozen = (detail.json["evidence"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            let live = (detail.json["liveEvidence"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            #expect(frozen.contains("coverage.householdsVisited") && !live.contains { $0.hasPrefix("coverage.") })
        }
        await harness.close()
    }
}
