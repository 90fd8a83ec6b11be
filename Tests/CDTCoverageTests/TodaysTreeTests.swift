import CDTDemo
import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Synchronization
import Testing
@testable import CDTCoverage

/// The tree in force since 30 April 2026 over demo-shaped data: the real 2024 and 2025 trees with the whole
/// reorganization, villages under every commune, a season of work in Lạng Sơn and Đồng Nai with coverage on,
/// then `units_2026.csv`. Units keep their identity through respellings and type changes, nothing is
/// orphaned, and every figure stays what it was.
@Suite struct TodaysTreeTests {
    private let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data").standardized
    private let todaysTree = CalendarDate("2026-04-30")!

    @Test func theTwentyTwentySixTreeRenamesInPlaceAndKeepsEveryFigure() async throws {
        let cluster = try await TestPostgres.makePrivateCluster()
        defer { TestPostgres.destroy(cluster) }
        let harness = try await ModuleTestHarness.make([CoverageModule()], in: cluster)
        let store = PostgresHierarchyStore(client: harness.owner)
        _ = try await harness.owner.execute("DELETE FROM administrative_units WHERE level = 'village'")
        _ = try await harness.owner.execute("DELETE FROM administrative_units WHERE level = 'commune'")
        _ = try await harness.owner.execute("DELETE FROM administrative_units")  // the harness's small test units: real ones instead
        var demo = DemoLoader(store: store, dataFolder: data, seed: 3)
        demo.householdsPerVillage = 2
        demo.provinceCodes = ["20", "75"]
        _ = try await demo.importRealUnits { _ in }
        _ = try await demo.generateVillages { _ in }
        _ = try await demo.loadSeasons { _ in }
        let provinceID = { (code: String) in
            try await harness.owner.query("SELECT id FROM administrative_units WHERE level = 'province' AND code = \(code) AND valid_until IS NULL")
                .decode(ID<AdministrativeUnit>.self)[0]
        }
        let langSon = try await provinceID("20"), dongNai = try await provinceID("75")
        try await harness.enable("coverage", in: langSon)
        try await harness.enable("coverage", in: dongNai)
        try await harness.catchUp()
        let locNinh = try await harness.owner.query("""
            SELECT id FROM administrative_units WHERE code = '25270' AND valid_until IS NULL
            """).decode(ID<AdministrativeUnit>.self)[0]

        let before = try await snapshot(harness, provinces: [langSon, dongNai])

        // The dry run says what would happen and stores nothing.
        let text = try String(contentsOf: data.appendingPathComponent("units_2026.csv"), encoding: .utf8)
        var request = HierarchyImportRequest(tree: try UnitFiles.units(in: text), effective: todaysTree,
                                             checksum: try await store.checksum(of: text), source: "units_2026.csv", dryRun: true)
        let dryRun = try await store.importHierarchy(request)
        let plan = try #require(dryRun.tree)
        // 205 rows differ: 193 respellings and 11 type changes rename in place; the lower-case `xã Bắc Sơn`
        // reads as the type word and changes nothing.
        #expect(plan.renamed.count == 204 && plan.renamed.filter(\.isRespelling).count == 193)
        #expect(plan.created.isEmpty && plan.closed.isEmpty && plan.unchanged == 3_355 - 204)
        #expect(dryRun.orphans.isEmpty && dryRun.villagesMoved == 0)
        #expect(dryRun.underRenamed.villages > 1_000 && dryRun.underRenamed.teams > 0 && dryRun.underRenamed.moduleEnablements == 1)
        #expect(try await harness.owner.query("SELECT count(*) FROM unit_name_versions").decode(Int.self) == [0])
        #expect(try await harness.owner.query("SELECT count(*) FROM hierarchy_imports WHERE effective = '2026-04-30'").decode(Int.self) == [0])

        request.dryRun = false
        let applied = try await store.importHierarchy(request)
        #expect(applied.tree?.renamed.count == 204 && applied.orphans.isEmpty)
        #expect(Set(applied.provincesChanged).isSuperset(of: ["38", "56", "75"]))
        try await harness.catchUp()

        // Nothing closed, nothing orphaned, every count and figure as it was.
        let after = try await snapshot(harness, provinces: [langSon, dongNai])
        #expect(after.counts == before.counts)
        #expect(after.figures == before.figures)
        #expect(after.figures.count > 100)
        #expect(try await harness.owner.query("""
            SELECT (SELECT count(*) FROM administrative_units WHERE level = 'province' AND valid_until IS NULL),
                   (SELECT count(*) FROM administrative_units WHERE level = 'commune' AND valid_until IS NULL),
                   (SELECT count(*) FROM administrative_units WHERE valid_until = '2026-04-30'),
                   (SELECT count(*) FROM teams t JOIN administrative_units u ON u.id = t.unit_id WHERE t.ended_on IS NULL AND u.valid_until IS NOT NULL),
                   (SELECT count(*) FROM households h JOIN administrative_units u ON u.id = h.unit_id WHERE u.valid_until IS NOT NULL)
            """).decode((Int, Int, Int, Int, Int).self)[0] == (34, 3_321, 0, 0, 0))

        // The same id answers with the name of the day; search finds either spelling; an officer of Xã Lộc
        // Ninh is an officer of Phường Lộc Ninh, and coverage stays enabled in Thành phố Đồng Nai.
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: locNinh)]) { officer in
            let day = try await officer.get("/api/v1/units?q=loc+ninh&level=commune&asOf=2026-04-29&limit=50").items
            let today = try await officer.get("/api/v1/units?q=loc+ninh&level=commune&asOf=2026-04-30&limit=50").items
            #expect(day.first { $0["code"] as? String == "25270" }?["name"] as? String == "Xã Lộc Ninh")
            #expect(today.first { $0["code"] as? String == "25270" }?["name"] as? String == "Phường Lộc Ninh")
            #expect(day.first { $0["code"] as? String == "25270" }?["id"] as? String == locNinh.description)
            #expect(today.first { $0["code"] as? String == "25270" }?["id"] as? String == locNinh.description)
            let detail = try await officer.get("/api/v1/units/\(locNinh)?asOf=2026-01-01")
            #expect((detail.json["unit"] as? [String: Any])?["name"] as? String == "Xã Lộc Ninh")
            #expect(((detail.json["ancestors"] as? [[String: Any]])?.first)?["name"] as? String == "Tỉnh Đồng Nai")
            #expect((detail.json["names"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Xã Lộc Ninh", "Phường Lộc Ninh"])
            for (spelling, date) in [("quy hoa", "2026-04-29"), ("quy hoa", "2026-05-01"), ("Quý Hòa", "2026-05-01"), ("Quý Hoà", "2025-09-01")] {
                let found = try await officer.get("/api/v1/units?q=\(spelling.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&asOf=\(date)").items
                #expect(found.contains { $0["code"] as? String == "06076" }, "\(spelling) on \(date)")
            }
            let figures = try await officer.get("/api/v1/modules/coverage/figures?unit=\(locNinh)")
            #expect(figures.status == .ok, "\(figures.text)")
        }
        #expect(try await harness.owner.query("""
            SELECT count(*) FROM module_enablements WHERE module_id = 'coverage' AND enabled AND province_id = \(dongNai)
            """).decode(Int.self) == [1])

        // Importing the same file again changes nothing.
        let again = try await store.importHierarchy(request)
        #expect(again.changedNothing)
        #expect(try await harness.owner.query("SELECT count(*) FROM hierarchy_imports").decode(Int.self)[0] == 4)
        await harness.close()
    }

    /// Per province: units in force, villages, teams, households; and every province's and commune's
    /// coverage figures under today's units on 1 May 2026, and the shares never above 100%.
    private func snapshot(_ harness: ModuleTestHarness, provinces: [ID<AdministrativeUnit>]) async throws -> (counts: [String], figures: [String: Double]) {
        let counts = try await harness.owner.query("""
            SELECT p.code || ': ' || (SELECT count(*) FROM administrative_units u WHERE u.province_id = p.id AND u.valid_until IS NULL)
                   || ' units, ' || (SELECT count(*) FROM administrative_units u WHERE u.province_id = p.id AND u.level = 'village' AND u.valid_until IS NULL)
                   || ' villages, ' || (SELECT count(*) FROM teams t WHERE t.province_id = p.id AND t.ended_on IS NULL)
                   || ' teams, ' || (SELECT count(*) FROM households h WHERE h.province_id = p.id) || ' households'
            FROM administrative_units p WHERE p.level = 'province' AND p.valid_until IS NULL ORDER BY p.code
            """).decode(String.self)
        let collected = Mutex<[String: Double]>([:])
        try await harness.withClient(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer in
            for province in provinces {
                let communes = try await harness.owner.query("""
                    SELECT id FROM administrative_units WHERE parent_id = \(province) AND valid_until IS NULL
                    """).decode(ID<AdministrativeUnit>.self)
                for unit in [province] + communes {
                    let answer = try await viewer.get("/api/v1/modules/coverage/figures?unit=\(unit)&at=2026-05-01&hierarchy=current")
                    #expect(answer.status == .ok, "\(answer.text)")
                    for figure in answer.json["figures"] as? [[String: Any]] ?? [] {
                        let metric = figure["metric"] as? String ?? "?"
                        let value = figure["value"] as? Double ?? -1
                        if metric.hasSuffix(".share") { #expect(value <= 1.0 + 1e-9, "\(metric) of \(unit): \(value)") }
                        collected.withLock { $0["\(unit)/\(metric)"] = value }
                    }
                }
            }
        }
        return (counts, collected.withLock { $0 })
    }
}
