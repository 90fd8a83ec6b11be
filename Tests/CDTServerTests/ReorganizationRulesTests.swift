import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Testing

/// Rules of a reorganization import that protect work: it never moves a village into another province
/// unless the province merged whole, and an open campaign moves with its unit or is reported as orphaned.
@Suite struct ReorganizationRulesTests {
    private let effective = CalendarDate("2026-07-01")!
    private let tree = """
        code,name,level,parent_code,type
        01,Thành phố Hà Nội,province,,Thành phố Trung ương
        79,Thành phố Hồ Chí Minh,province,,Thành phố Trung ương
        00010,Phường Mới,commune,01,Phường
        26734,Phường Sài Gòn,commune,79,Phường

        """
    private let map = "old_code,new_code,level,part\n00004,00010,commune,full\n"

    private func withStore(_ body: (WorkFixture, PostgresHierarchyStore, PostgresClient) async throws -> Void) async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let campaign = ID<Campaign>()
        try await RowScope.$current.withValue(.everyProvince) {
            _ = try await owner.execute("""
                INSERT INTO campaigns (id, province_id, scope_unit_id, name, search_key, starts_on, ends_on, target_skills, target_services, targets)
                VALUES (\(campaign), \(fixture.provinceA), \(fixture.communeA), 'Gõ từng cửa', 'go tung cua', '2026-06-01', '2026-12-31',
                        '{onlinePayment}', '{}', '[]')
                """)
        }
        do { try await body(fixture, PostgresHierarchyStore(client: owner), owner) } catch {
            await owner.close()
            throw error
        }
        await owner.close()
    }

    @Test func aVillageMapLineIntoAnotherProvinceIsRefused() async throws {
        try await withStore { _, store, owner in
            let request = HierarchyImportRequest(
                tree: try UnitFiles.units(in: tree), lineage: try UnitFiles.lineage(in: map),
                villageMoves: try UnitFiles.villageMoves(in: "commune_code,village_code,new_commune_code\n00004,00004.1,26734\n"),
                effective: effective, checksum: "x", source: "test")
            do {
                _ = try await store.importHierarchy(request)
                Issue.record("a village was moved into another province")
            } catch let error as ImportError {
                #expect(error.field == "new_commune_code" && error.line == 2, "\(error)")
            }
            #expect(try await owner.query("SELECT count(*)::int FROM administrative_units WHERE valid_until IS NOT NULL").decode(Int.self) == [0])
        }
    }

    @Test func anOpenCampaignMovesWithItsUnitOrIsReportedAsOrphaned() async throws {
        try await withStore { fixture, store, owner in
            var request = HierarchyImportRequest(tree: try UnitFiles.units(in: tree), effective: effective, checksum: "x", source: "test", dryRun: true)
            let orphaned = try await store.importHierarchy(request)
            #expect(orphaned.orphans.other.contains("1 open campaigns scoped to closed units"), "\(orphaned.orphans)")
            #expect(orphaned.orphans.villages.count == 2)

            request.lineage = try UnitFiles.lineage(in: map)
            request.dryRun = false
            let applied = try await store.importHierarchy(request)
            #expect(applied.orphans.isEmpty && applied.villagesMoved == 2)
            let merged = try await owner.query("SELECT id FROM administrative_units WHERE code = '00010'").decode(ID<AdministrativeUnit>.self)
            let scoped = try await RowScope.$current.withValue(.everyProvince) {
                try await owner.query("SELECT scope_unit_id FROM campaigns").decode(ID<AdministrativeUnit>.self)
            }
            #expect(scoped == merged && scoped != [fixture.communeA])
        }
    }
}
