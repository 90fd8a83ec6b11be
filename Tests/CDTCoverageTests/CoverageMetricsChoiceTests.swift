import CDTDomain
import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTCoverage

/// `GET figures?metrics=…` answers only the figures asked for, each the same as in the whole answer, and
/// refuses an unknown key with a 400 naming the field.
@Suite struct CoverageMetricsChoiceTests {
    static let base = "/api/v1/modules/coverage"

    /// The figures of an answer (or a child's) by metric, in the answer's order.
    static func figures(_ object: [String: Any]) -> [(metric: String, figure: NSDictionary)] {
        (object["figures"] as? [[String: Any]] ?? []).map { ($0["metric"] as? String ?? "", $0 as NSDictionary) }
    }

    @Test func fewerMetricsAnswerTheSameFiguresInTheListsOrder() async throws {
        let harness = try await harnessWithWork(enabledIn: \.provinceA, \.provinceB)
        try await harness.withClient(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer in
            for unit in ["nation", harness.units.provinceA.description, harness.units.communeA.description] {
                let whole = try await viewer.get("\(Self.base)/figures?unit=\(unit)&from=2025-07-01")
                // Asked in another order, with a share (two base metrics and the villages) and a key with a `+`.
                let chosen = try await viewer.get("\(Self.base)/figures?unit=\(unit)&from=2025-07-01&metrics=villagesWithTeam.share,households,residents.60%2B,skill.onlinePayment.share")
                #expect(chosen.status == .ok, "\(chosen.text)")
                let expected = ["households", "residents.60+", "villagesWithTeam.share", "skill.onlinePayment.share"]
                #expect(Self.figures(chosen.json).map(\.metric) == expected)
                let all = Dictionary(uniqueKeysWithValues: Self.figures(whole.json).map { ($0.metric, $0.figure) })
                for (metric, figure) in Self.figures(chosen.json) { #expect(figure == all[metric], "\(unit) \(metric)") }
                let wholeChildren = whole.json["children"] as? [[String: Any]] ?? []
                let chosenChildren = chosen.json["children"] as? [[String: Any]] ?? []
                #expect(chosenChildren.count == wholeChildren.count && !chosenChildren.isEmpty)
                for (mine, theirs) in zip(chosenChildren, wholeChildren) {
                    let all = Dictionary(uniqueKeysWithValues: Self.figures(theirs).map { ($0.metric, $0.figure) })
                    #expect(Self.figures(mine).map(\.metric) == expected)
                    for (metric, figure) in Self.figures(mine) { #expect(figure == all[metric], "\(unit) child \(metric)") }
                }
            }
            let nation = try await viewer.get("\(Self.base)/figures?metrics=villages")
            #expect(figure(nation, "villages") == 3)
            #expect(Self.figures(nation.json).count == 1)
        }
    }

    @Test func anUnknownMetricIsRefusedNamingTheField() async throws {
        let harness = try await harnessWithWork(enabledIn: \.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer in
            for query in ["metrics=households,nothing", "metrics=", "metrics=households,,teams"] {
                let refused = try await viewer.get("\(Self.base)/figures?\(query)")
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.fields == ["metrics"], "\(query): \(refused.text)")
            }
        }
    }

    /// The slots a choice reads: its base metrics, and the villages only for the figures that divide by them.
    @Test func aChoiceReadsOnlyTheSlotsItNeeds() {
        let reads = MetricFormula.reads(MetricFormula.of(["householdsVisited.share", "teams"]))
        #expect(reads.base.map { MetricSlots.keys[$0] } == ["teams", "householdsEligible", "householdsVisited"])
        #expect(!reads.villages)
        #expect(MetricFormula.reads(MetricFormula.of(["villagesWithTeam.share"])).villages)
        #expect(MetricFormula.reads(MetricFormula.all).base.count == Metric.base.count)
    }
}
