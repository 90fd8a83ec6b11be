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

/// A reorganization after the work: two communes merge, a third splits in two with its villages going each
/// way. Without a village map the import is refused and names exactly the villages that need a line; with
/// one, every village, team, household and role lands in a unit in force, and the figures add up under
/// today's units while the days before still answer as they were.
@Suite struct LaterReorganizationTests {
    let reform = CalendarDate("2025-07-01")!, change = CalendarDate("2026-07-01")!
    let province = ID<AdministrativeUnit>()
    let first = ID<AdministrativeUnit>(), second = ID<AdministrativeUnit>(), third = ID<AdministrativeUnit>()

    private func units() throws -> [AdministrativeUnit] {
        let validity = try ValidityPeriod(from: reform)
        func unit(_ id: ID<AdministrativeUnit>, _ code: String, _ name: String, _ level: UnitLevel, _ type: String, _ parent: ID<AdministrativeUnit>?) throws -> AdministrativeUnit {
            try AdministrativeUnit(id: id, code: code, name: name, kind: UnitKind(level: level, type: type), parentID: parent, validity: validity)
        }
        var units = [
            try unit(province, "20", "Tỉnh Lạng Sơn", .province, "Tỉnh", nil),
            try unit(first, "06001", "Xã Hoàng Đồng", .commune, "Xã", province),
            try unit(second, "06002", "Xã Mai Pha", .commune, "Xã", province),
            try unit(third, "06003", "Xã Tân Thành", .commune, "Xã", province),
        ]
        for (commune, code, villages) in [(first, "06001", 2), (second, "06002", 1), (third, "06003", 2)] {
            for index in 1...villages { units.append(try unit(ID(), "\(index)", "Thôn \(code) số \(index)", .village, "Thôn", commune)) }
        }
        return units
    }

    private let tree = """
        code,name,level,parent_code,type
        20,Tỉnh Lạng Sơn,province,,Tỉnh
        06010,Xã Hoàng Mai,commune,20,Xã
        06031,Xã Tân Thành,commune,20,Xã
        06032,Xã Tân Văn,commune,20,Xã
        """
    private let map = """
        old_code,new_code,level,part
        06001,06010,commune,full
        06002,06010,commune,full
        06003,06031,commune,partial
        06003,06032,commune,partial
        """

    @Test func aSplitNeedsAVillageMapAndAMergeCarriesEverything() async throws {
        let cluster = try await TestPostgres.makePrivateCluster()
        defer { TestPostgres.destroy(cluster) }
        let harness = try await ModuleTestHarness.make([CoverageModule()], in: cluster)
        _ = try await harness.owner.execute("DELETE FROM administrative_units WHERE level = 'village'")
        _ = try await harness.owner.execute("DELETE FROM administrative_units WHERE level = 'commune'")
        _ = try await harness.owner.execute("DELETE FROM administrative_units")
        let store = PostgresHierarchyStore(client: harness.owner)
        let all = try units()
        try await store.add(all)
        let villagesOf = { (commune: ID<AdministrativeUnit>) in all.filter { $0.parentID == commune } }
        let season = DemoSeason(
            province: all[0],
            communes: [first, second, third].map { id in DemoSeason.Commune(unit: all.first { $0.id == id }!, villages: villagesOf(id)) },
            householdsPerVillage: 4, seed: 11)
        try await PostgresEventBulkLoader(client: harness.owner).load(season.events())
        try await harness.enable("coverage", in: province)
        try await harness.catchUp()
        // An officer of the first commune.
        let officer = ID<Account>()
        _ = try await harness.owner.execute("""
            INSERT INTO accounts (id, username, display_name, password_hash) VALUES (\(officer), 'canbo-hoangdong', 'Cán bộ', 'x');
            """)
        // An officer of both communes that merge: one role at the merged commune afterwards, not two.
        _ = try await harness.owner.execute("""
            INSERT INTO role_assignments (account_id, role, unit_id, province_id)
            VALUES (\(officer), 'communeOfficer', \(first), \(province)), (\(officer), 'communeOfficer', \(second), \(province))
            """)
        let before = try await figures(harness, units: [province, first, second, third], at: "2026-06-30", view: "current")

        // Without a village map: refused, naming the two villages of the split commune, storing nothing.
        let unitCount = try await harness.owner.query("SELECT count(*) FROM administrative_units").decode(Int.self)[0]
        let request = HierarchyImportRequest(tree: try UnitFiles.units(in: tree + "\n"), lineage: try UnitFiles.lineage(in: map + "\n"),
                                             effective: change, checksum: "a", source: "test")
        await #expect(throws: HierarchyImportRefused.self) { try await store.importHierarchy(request) }
        var dryRun = request
        dryRun.dryRun = true
        let refused = try await store.importHierarchy(dryRun)
        #expect(refused.orphans.villages.map { $0.prefix(8) } == ["06003,1,", "06003,2,"])
        #expect(refused.villagesMoved == 3 && refused.orphans.other.isEmpty)  // their teams and households stay with them
        #expect(try await harness.owner.query("SELECT count(*) FROM administrative_units").decode(Int.self) == [unitCount])

        // With the map: applied exactly.
        var mapped = request
        mapped.villageMoves = try UnitFiles.villageMoves(in: "commune_code,village_code,new_commune_code\n06003,1,06031\n06003,2,06032\n")
        let report = try await store.importHierarchy(mapped)
        #expect(report.orphans.isEmpty && report.villagesMoved == 5 && report.links["merged"] == 2 && report.links["split"] == 2)
        #expect(report.moved.roleAssignments == 1 && report.moved.teams == 5 && report.moved.households == 20)
        try await harness.catchUp()
        #expect(try await harness.owner.query("""
            SELECT (SELECT count(*) FROM teams t JOIN administrative_units u ON u.id = t.unit_id WHERE t.ended_on IS NULL AND u.valid_until IS NOT NULL),
                   (SELECT count(*) FROM households h JOIN administrative_units u ON u.id = h.unit_id WHERE u.valid_until IS NOT NULL),
                   (SELECT count(*) FROM role_assignments r JOIN administrative_units u ON u.id = r.unit_id WHERE u.valid_until IS NOT NULL),
                   (SELECT count(*) FROM administrative_units v JOIN administrative_units p ON p.id = v.parent_id
                    WHERE v.level = 'village' AND v.valid_until IS NULL AND p.valid_until IS NOT NULL),
                   (SELECT count(*) FROM administrative_units WHERE level = 'village' AND valid_until IS NULL)
            """).decode((Int, Int, Int, Int, Int).self)[0] == (0, 0, 0, 0, 5))
        let merged = try await harness.owner.query("SELECT id FROM administrative_units WHERE code = '06010'").decode(ID<AdministrativeUnit>.self)[0]
        let west = try await harness.owner.query("SELECT id FROM administrative_units WHERE code = '06031'").decode(ID<AdministrativeUnit>.self)[0]
        let east = try await harness.owner.query("SELECT id FROM administrative_units WHERE code = '06032'").decode(ID<AdministrativeUnit>.self)[0]
        #expect(try await harness.owner.query("SELECT unit_id FROM role_assignments WHERE account_id = \(officer)").decode(ID<AdministrativeUnit>.self) == [merged])

        // Under today's units the province keeps every figure, the merged commune adds up its two
        // predecessors, and the split one's villages land where the map says; the day before still answers
        // under the units of that day.
        let today = try await figures(harness, units: [province, merged, west, east], at: "2026-07-02", view: "current")
        let asWas = try await figures(harness, units: [province, first, second, third], at: "2026-06-30", view: "asOf")
        for metric in ["teams", "households", "householdsVisited", "villages", "villagesWithTeam"] {
            #expect(today["\(province)/\(metric)"] == before["\(province)/\(metric)"], "\(metric)")
            #expect(today["\(merged)/\(metric)"] == (before["\(first)/\(metric)"] ?? 0) + (before["\(second)/\(metric)"] ?? 0), "\(metric)")
            #expect((today["\(west)/\(metric)"] ?? 0) + (today["\(east)/\(metric)"] ?? 0) == before["\(third)/\(metric)"], "\(metric)")
            for unit in [province, first, second, third] { #expect(asWas["\(unit)/\(metric)"] == before["\(unit)/\(metric)"], "\(metric) as of") }
        }
        #expect(today["\(west)/villages"] == 1 && today["\(east)/villages"] == 1)

        // Importing the same files again changes nothing.
        #expect(try await store.importHierarchy(mapped).changedNothing)
        await harness.close()
    }

    private func figures(_ harness: ModuleTestHarness, units: [ID<AdministrativeUnit>], at: String, view: String) async throws -> [String: Double] {
        let collected = Mutex<[String: Double]>([:])
        try await harness.withClient(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer in
            for unit in units {
                let answer = try await viewer.get("/api/v1/modules/coverage/figures?unit=\(unit)&at=\(at)&hierarchy=\(view)")
                #expect(answer.status == .ok, "\(answer.text)")
                for figure in answer.json["figures"] as? [[String: Any]] ?? [] {
                    collected.withLock { $0["\(unit)/\(figure["metric"] as? String ?? "?")"] = figure["value"] as? Double ?? -1 }
                }
            }
        }
        return collected.withLock { $0 }
    }
}
