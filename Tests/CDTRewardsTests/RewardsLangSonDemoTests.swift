import CDTDemo
import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import Testing
@testable import CDTRewards

/// The example round on the demo's own data: Lạng Sơn's real units, its synthetic villages and season of
/// work, as `cdt demo` loads them, then the module's example events appended through the log.
@Suite struct RewardsLangSonDemoTests {
    private let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data").standardized

    @Test func cdtDemoOpensAnExampleRoundInLangSon() async throws {
        let harness = try await ModuleTestHarness.make([RewardsModule()])
        _ = try await harness.owner.execute("DELETE FROM administrative_units")  // the harness's small test units: Lạng Sơn's instead
        var demo = DemoLoader(store: PostgresHierarchyStore(client: harness.owner), dataFolder: data, seed: 5)
        demo.householdsPerVillage = 1
        demo.provinceCodes = ["20"]
        _ = try await demo.importRealUnits { _ in }
        _ = try await demo.generateVillages { _ in }
        _ = try await demo.loadSeasons { _ in }
        let langSon = try await harness.owner.query("""
            SELECT id FROM administrative_units WHERE level = 'province' AND code = '20' AND valid_until IS NULL
            """).decode(ID<AdministrativeUnit>.self)[0]
        try await harness.enable("rewards", in: langSon)
        let events = try await RowScope.$current.withValue(.everyProvince) {
            try await RewardsModule().demoEvents(in: langSon, author: DemoSeason.author, at: ModuleTestHarness.now, harness.owner)
        }
        let outcomes = try await harness.append(events)
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
        try await harness.catchUp()
        let rounds = try await harness.owner.query("SELECT title_vi, chain::text FROM rewards_rounds ORDER BY scope DESC").decode((String, String).self)
        #expect(rounds.count == 2 && rounds.first?.0 == "Tập thể, cá nhân tiêu biểu chuyển đổi số cộng đồng năm 2025")
        #expect(rounds.map(\.1) == [#"["commune", "province"]"#, #"["commune", "province", "nation"]"#])
        let states = try await harness.owner.query("SELECT state FROM rewards_nominations ORDER BY state").decode(String.self)
        // Seven in the province's round, one in the national round (under review at the nation).
        #expect(states == ["approved", "awarded", "draft", "endorsed", "returned", "under_review", "under_review", "under_review"])
        let visited = try await harness.owner.query("""
            SELECT max((f ->> 'value')::float8) FROM rewards_nominations n, jsonb_array_elements(n.evidence) f WHERE f ->> 'key' = 'householdsVisited'
            """).decode(Double?.self)[0]
        #expect((visited ?? 0) > 0, "the demo's visits are the evidence")
        await harness.close()
    }
}
