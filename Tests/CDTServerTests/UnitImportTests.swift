import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Testing

/// The importer against the real files in data/ and a real PostgreSQL.
@Suite struct UnitImportTests {
    private let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data").standardized

    private func text(_ name: String) throws -> String {
        try String(contentsOf: data.appendingPathComponent(name), encoding: .utf8)
    }

    private func count(_ db: PostgresClient, level: String, on date: String) async throws -> Int {
        try await db.query("""
            SELECT count(*) FROM administrative_units
            WHERE level = \(level) AND valid_from <= \(date)::date AND (valid_until IS NULL OR valid_until > \(date)::date)
            """).decode(Int.self)[0]
    }

    @Test func bothRealTreesAndTheReorganizationStayQueryableByDate() async throws {
        let database = try await TestPostgres.makeDatabase()
        let db = database.makeClient()
        try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
        let store = PostgresHierarchyStore(client: db)

        let first = try await store.importTree(try UnitFiles.units(in: text("units_2024.csv")), effective: CalendarDate("2025-03-01")!)
        #expect(first.created.count == 10_794)
        let reform = try await store.importTree(try UnitFiles.units(in: text("units_2025.csv")), effective: CalendarDate("2025-07-01")!)
        #expect(reform.created.count + reform.unchanged == 3_355)
        let again = try await store.importTree(try UnitFiles.units(in: text("units_2025.csv")), effective: CalendarDate("2025-07-01")!)
        #expect(again.isEmpty)
        let links = try await store.importReorganization(try UnitFiles.lineage(in: text("merge_map_2025_sample.csv")), effective: CalendarDate("2025-07-01")!)
        #expect(links > 1_300)
        // The log records each import in every province it changed (the map: only the four provinces it
        // covers), once however often it is imported; so does the audit log, once per import.
        let reorganized = try await db.query("""
            SELECT count(*) FROM events WHERE type = 'units.reorganized' AND payload->>'kind' = 'reorganization'
            """).decode(Int.self)[0]
        #expect(reorganized == 4)
        let total = try await db.query("SELECT count(*) FROM events WHERE type = 'units.reorganized'").decode(Int.self)[0]
        _ = try await store.importReorganization(try UnitFiles.lineage(in: text("merge_map_2025_sample.csv")), effective: CalendarDate("2025-07-01")!)
        #expect(try await db.query("SELECT count(*) FROM events WHERE type = 'units.reorganized'").decode(Int.self) == [total])
        #expect(try await db.query("SELECT count(*) FROM audit_log WHERE action = 'hierarchy.imported'").decode(Int.self) == [3])
        var reorganizations = EventFilter(types: [.unitsReorganized])
        reorganizations.within = .nationwide
        let logged = try await PostgresEventLog(client: db).events(matching: reorganizations, page: PageRequest(limit: 500))
        #expect(logged.items.allSatisfy {
            if case .unitsReorganized(let body) = $0.payload {
                body.kind == "tree" || (body.effective == CalendarDate("2025-07-01")! && body.checksum?.count == 64 && body.lineageLinks > 1_300)
            } else { false }
        })

        #expect(try await count(db, level: "province", on: "2025-06-30") == 63)
        #expect(try await count(db, level: "district", on: "2025-06-30") == 696)
        #expect(try await count(db, level: "commune", on: "2025-06-30") == 10_035)
        #expect(try await count(db, level: "province", on: "2025-07-01") == 34)
        #expect(try await count(db, level: "district", on: "2025-07-01") == 0)
        #expect(try await count(db, level: "commune", on: "2026-11-22") == 3_321)

        // Codes are reused: identity is code plus period.
        let before = try await store.units(inForceOn: CalendarDate("2025-06-30")!)
        let after = try await store.units(inForceOn: CalendarDate("2025-07-01")!)
        #expect(before.first { $0.code == "24" && $0.kind.level == .province }?.name == "Tỉnh Bắc Giang")
        #expect(after.first { $0.code == "24" && $0.kind.level == .province }?.name == "Tỉnh Bắc Ninh")
        #expect(before.first { $0.code == "00004" }?.name == "Phường Trúc Bạch")
        #expect(after.first { $0.code == "00004" }?.name == "Phường Ba Đình")

        // Lineage: Hữu Nghị ward (Lạng Sơn) went into Phường Hòa Bình.
        let successor = try await db.query("""
            SELECT n.name FROM unit_lineage l
            JOIN administrative_units o ON o.id = l.predecessor_id JOIN administrative_units n ON n.id = l.successor_id
            WHERE o.code = '04798' AND o.level = 'commune'
            """).decode(String.self)
        #expect(successor == ["Phường Hòa Bình"])

        // A subtree is a prefix match on the path.
        let nghean = after.first { $0.code == "40" && $0.kind.level == .province }!
        let communes = try await db.query("""
            SELECT count(*) FROM administrative_units
            WHERE path LIKE (SELECT path FROM administrative_units WHERE id = \(nghean.id)) || '_%' AND valid_until IS NULL
            """).decode(Int.self)[0]
        #expect(communes == after.filter { $0.parentID == nghean.id }.count)
        // Subtree filters bind the path as a value, so the prefix match uses the path index instead of scanning every unit.
        let pattern = try await db.query("SELECT path || '%' FROM administrative_units WHERE id = \(nghean.id)").decode(String.self)[0]
        let plan = try await db.query("EXPLAIN SELECT id FROM administrative_units WHERE path LIKE \(pattern)").decode(String.self).joined(separator: "\n")
        #expect(plan.contains("administrative_units_path") && !plan.contains("Seq Scan"), "\(plan)")
        await db.close()
    }

    @Test func aBadFileStoresNothingAndNamesTheLine() async throws {
        let database = try await TestPostgres.makeDatabase()
        let db = database.makeClient()
        try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
        let store = PostgresHierarchyStore(client: db)
        var rows = try UnitFiles.units(in: text("units_2025.csv"))
        rows[2000].type = "Huyện"
        await #expect(throws: ImportError(line: 2002, field: "type", message: "'Huyện' is not a type of commune unit; expected one of: Xã, Phường, Thị trấn, Đặc khu")) {
            try await store.importTree(rows, effective: CalendarDate("2025-07-01")!)
        }
        #expect(try await db.query("SELECT count(*) FROM administrative_units").decode(Int.self) == [0])
        await db.close()
    }

    @Test func csvQuotingAndHeadersAreChecked() throws {
        let quoted = "code,name,level,parent_code,type\r\n\"01\",\"Thành phố \"\"Hà Nội\"\", thủ đô\",province,,Thành phố Trung ương\r\n"
        let units = try UnitFiles.units(in: "\u{FEFF}" + quoted)
        #expect(units.map(\.name) == ["Thành phố \"Hà Nội\", thủ đô"])
        #expect(throws: ImportError(line: 1, field: "header", message: "expected the columns code,name,level,parent_code,type, found a,b")) {
            try UnitFiles.units(in: "a,b\n1,2\n")
        }
        #expect(throws: ImportError(line: 3, field: "csv", message: "expected 5 fields, found 2")) {
            try UnitFiles.units(in: "code,name,level,parent_code,type\n01,A,province,,Tỉnh\n02,B\n")
        }
    }
}
