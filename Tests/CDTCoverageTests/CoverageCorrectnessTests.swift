import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTCoverage

@Suite struct CoverageCorrectnessTests {
    /// The module's figures equal the plain GROUP BY over the raw events, at several dates, under the
    /// hierarchy as it was and under today's units, after a reorganization in the middle of the work,
    /// late events and resent duplicates; a rebuild from the log gives exactly the same tables.
    @Test func figuresMatchThePlainSQLReferenceAndARebuild() async throws {
        // A cluster of its own: delivery waits for every older transaction of the cluster, so this test's
        // loading and the other tests' would hold each other back on the shared one.
        let cluster = try await TestPostgres.makePrivateCluster()
        defer { TestPostgres.destroy(cluster) }
        let harness = try await ModuleTestHarness.make([CoverageModule()], in: cluster)
        let scenario = CoverageScenario()
        try await scenario.addUnits(to: harness.owner)
        try await harness.enable("coverage", in: scenario.langSon)
        try await harness.enable("coverage", in: scenario.caoBang)
        let (season, late) = scenario.events()
        var outcomes: [AppendOutcome] = []
        // The work before the reform, delivered live in batches as it arrives.
        let before = season.filter { $0.occurredOn < scenario.reform }, after = season.filter { $0.occurredOn >= scenario.reform }
        for chunk in stride(from: 0, to: before.count, by: 150).map({ Array(before[$0..<min($0 + 150, before.count)]) }) {
            outcomes += try await harness.append(chunk)
            try await harness.catchUp()
        }
        // The reorganization is imported (the module remaps what it has), then the rest of the work,
        // then late events and every seventh event sent again.
        try await scenario.addReorganization(to: harness.owner)
        for chunk in stride(from: 0, to: after.count, by: 150).map({ Array(after[$0..<min($0 + 150, after.count)]) }) {
            outcomes += try await harness.append(chunk)
            try await harness.catchUp()
        }
        let resent = stride(from: 0, to: season.count, by: 7).map { season[$0] }
        let lateOutcomes = try await harness.append(late + resent)
        try await harness.catchUp()
        let refused = zip(season + late, outcomes + lateOutcomes.prefix(late.count)).filter {
            if case .accepted = $0.1 { return false }
            return true
        }
        #expect(refused.isEmpty, "events refused: \(refused.prefix(3).map { "\($0.0.type) \($0.1)" })")
        #expect(lateOutcomes.suffix(resent.count).allSatisfy { if case .duplicate = $0 { true } else { false } })

        let s = scenario
        let checks: [(String, HierarchyView, [ID<AdministrativeUnit>?])] = [
            ("2024-12-31", .asOf, [nil, s.langSon, s.caoBang, s.hoangDong, s.maiPha, s.tanThanh, s.dongTan, s.naLau, s.hoaAn, s.banGiang]),
            ("2025-06-30", .asOf, [nil, s.langSon, s.hoangDong, s.tanThanh, s.banLan, s.naMat]),
            ("2025-06-30", .current, [s.langSon, s.luongVanTri, s.tanTien, s.tanVan, s.khoiDongTan]),
            ("2025-09-15", .current, [nil, s.langSon, s.caoBang, s.luongVanTri, s.tanTien, s.tanVan, s.khoiDongTan, s.khoiKhonPat, s.banLanMoi, s.naLau2, s.hoaAn]),
            ("2025-09-15", .asOf, [s.luongVanTri, s.tanVan]),
            ("2026-11-01", .current, [nil, s.langSon, s.caoBang, s.luongVanTri, s.tanVan, s.naMat]),
        ]
        try await harness.withClient(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer in
            for (date, view, units) in checks {
                let at = CalendarDate(date)!
                let expected = try await Self.expected(at: at, view: view, scenario: s, harness: harness)
                for unit in units {
                    let answer = try await viewer.get("/api/v1/modules/coverage/figures?unit=\(unit?.description ?? "nation")&at=\(date)&hierarchy=\(view.rawValue)")
                    #expect(answer.status == .ok, "\(date) \(view) \(String(describing: unit)): \(answer.text)")
                    let figures = answer.json["figures"] as? [[String: Any]] ?? []
                    let values = Dictionary(uniqueKeysWithValues: figures.map { ($0["metric"] as! String, $0["value"] as? Double) })
                    for metric in Metric.base {
                        let want = expected[unit?.rawValue]?[metric.key] ?? 0
                        let got = values[metric.key] ?? nil
                        #expect(abs((got ?? -1) - want) < 1e-9, "\(metric.key) of \(String(describing: unit)) at \(date) (\(view)): module \(String(describing: got)), reference \(want)")
                    }
                }
            }
            // A unit closed since answers 422 under today's units, and its figures under the units of a day it was in force.
            let closed = try await viewer.get("/api/v1/modules/coverage/figures?unit=\(s.hoangDong)")
            #expect(closed.status == .unprocessableContent, "\(closed.text)")
            #expect(closed.fields == ["unit"])
            #expect(try await viewer.get("/api/v1/modules/coverage/figures?unit=\(s.hoangDong)&at=2025-06-30&hierarchy=asOf").status == .ok)
            // Nà Lầu's work is split between the two successors of its commune, and says so.
            let split = try await viewer.get("/api/v1/modules/coverage/figures?unit=\(s.tanVan)&at=2025-09-15")
            let visited = (split.json["figures"] as? [[String: Any]] ?? []).first { $0["metric"] as? String == "householdsVisited" }
            #expect(visited?["apportioned"] as? Bool == true)
            let whole = try await viewer.get("/api/v1/modules/coverage/figures?unit=\(s.luongVanTri)&at=2025-09-15")
            let merged = (whole.json["figures"] as? [[String: Any]] ?? []).first { $0["metric"] as? String == "householdsVisited" }
            #expect(merged?["apportioned"] as? Bool == false)

            // Campaign progress, including a campaign recorded after the work it covers and one closed early.
            let reference = try await RowScope.$current.withValue(.everyProvince) { try await PlainSQLReference.campaigns(harness.owner) }
            #expect(reference.count == 2)
            for province in [s.langSon, s.caoBang] {
                let campaigns = try await viewer.get("/api/v1/modules/coverage/campaigns?unit=\(province)").items
                #expect(campaigns.count == 1)
                for campaign in campaigns {
                    let id = UUID(uuidString: campaign["id"] as! String)!
                    let got = [campaign["householdsVisited"], campaign["householdsWithTargetSkill"], campaign["membersTrained"]].map { $0 as? Int ?? -1 }
                    #expect(got == reference[id], "campaign \(campaign["name"] ?? ""): module \(got), reference \(reference[id] ?? [])")
                    #expect(got[0] > 0)
                }
            }
        }

        // The shapes of migration 0005: arrays as wide as the base metrics, and no row of changes that all
        // came to zero (late events moved values between days above).
        let shapes = try await RowScope.$current.withValue(.everyProvince) {
            try await harness.owner.query("""
                SELECT (SELECT array_agg(DISTINCT cardinality(totals)) FROM coverage_totals)
                       || (SELECT array_agg(DISTINCT cardinality(changes)) FROM coverage_days)
                       || (SELECT array_agg(DISTINCT cardinality(changes)) FROM coverage_leaf_days),
                       (SELECT count(*) FROM coverage_days WHERE changes = array_fill(0::float8, ARRAY[cardinality(changes)]))
                       + (SELECT count(*) FROM coverage_leaf_days WHERE changes = array_fill(0::float8, ARRAY[cardinality(changes)]))
                """).decode(([Int], Int64).self)[0]
        }
        #expect(Set(shapes.0) == [Metric.base.count])
        #expect(shapes.1 == 0)

        // Migration 0008: a leaf's own days are its rows of coverage_leaf_days alone. No rolled-up day is left
        // for a unit whose only source in an epoch is itself, whole, while its own days are there to read.
        let ownDays = try await RowScope.$current.withValue(.everyProvince) {
            try await harness.owner.query("""
                SELECT (SELECT count(*) FROM coverage_days d
                        WHERE NOT EXISTS (SELECT 1 FROM coverage_unit_map m WHERE m.unit_id = d.unit_id AND m.epoch_start = d.epoch_start
                                            AND NOT (m.leaf_id = m.unit_id AND m.share = 1))),
                       (SELECT count(*) \(unsafeSQL: OwnDaysMigrationCheck.ownDaysFrom))
                """).decode((Int64, Int64).self)[0]
        }
        #expect(ownDays.0 == 0)
        #expect(ownDays.1 > 0)

        // Rebuild equals live, row for row.
        let tables = ["coverage_totals", "coverage_days", "coverage_leaf_days", "coverage_campaigns", "coverage_campaign_reach", "coverage_subjects"]
        var live: [String: [String]] = [:]
        for table in tables { live[table] = try await harness.snapshot(table) }
        try await harness.rebuild("coverage")
        try await harness.catchUp()
        for table in tables {
            let rebuilt = try await harness.snapshot(table)
            #expect(rebuilt == live[table], "\(table) differs after a rebuild (\(rebuilt.count) rows, \(live[table]?.count ?? 0) live)")
            #expect(!rebuilt.isEmpty)
        }
        try await OwnDaysMigrationCheck.check(harness)
        await harness.close()
    }

    /// The reference figures of every unit at `at`: per unit where recorded from the plain SQL, then
    /// carried to the units asked about by the mapping written down in the scenario.
    static func expected(at: CalendarDate, view: HierarchyView, scenario: CoverageScenario, harness: ModuleTestHarness) async throws -> [UUID?: [String: Double]] {
        let leaves = try await RowScope.$current.withValue(.everyProvince) { try await PlainSQLReference.leafValues(at: at, harness.owner) }
        let paths = Dictionary(uniqueKeysWithValues: try await harness.owner.query("SELECT id, path FROM administrative_units").decode((UUID, String).self))
        let underTodaysUnits = view == .current || at >= scenario.reform
        var result: [UUID?: [String: Double]] = [:]
        for (leaf, values) in leaves {
            let targets: [(UUID, Double)]
            if underTodaysUnits, let mapped = scenario.todayMapping[ID(rawValue: leaf)] {
                targets = mapped.map { ($0.0.rawValue, $0.1) }
            } else {
                targets = paths[leaf]!.split(separator: "/").map { (UUID(uuidString: String($0))!, 1.0) }
            }
            for (unit, share) in targets {
                for (metric, value) in values { result[unit, default: [:]][metric, default: 0] += value * share }
            }
            if [scenario.langSon, scenario.caoBang].map(\.rawValue).contains(where: { paths[leaf]!.hasPrefix("/\($0.uuidString.lowercased())/") }) {
                for (metric, value) in values { result[nil, default: [:]][metric, default: 0] += value }
            }
        }
        return result
    }
}
