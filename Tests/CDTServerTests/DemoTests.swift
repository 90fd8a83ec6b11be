import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Testing

@Suite struct DemoTests {
    private func communes() throws -> [AdministrativeUnit] {
        let validity = try ValidityPeriod(from: CalendarDate("2025-07-01")!)
        let province = ID<AdministrativeUnit>()
        return try [("00001", "Phường Ba Đình", "Phường"), ("04000", "Xã Mường Lát", "Xã"), ("26000", "Đặc khu Bạch Long Vĩ", "Đặc khu")].map {
            try AdministrativeUnit(id: ID(), code: $0.0, name: $0.1, kind: UnitKind(level: .commune, type: $0.2), parentID: province, validity: validity)
        }
    }

    @Test func villagesAreDeterministicAndFollowLocalTypeWords() throws {
        let communes = try communes()
        let first = try DemoVillages.generate(for: communes, provinceCodeOf: { $0.code == "04000" ? "11" : "01" }, from: CalendarDate("2025-07-01")!, seed: 7)
        let again = try DemoVillages.generate(for: communes, provinceCodeOf: { $0.code == "04000" ? "11" : "01" }, from: CalendarDate("2025-07-01")!, seed: 7)
        let other = try DemoVillages.generate(for: communes, provinceCodeOf: { $0.code == "04000" ? "11" : "01" }, from: CalendarDate("2025-07-01")!, seed: 8)
        #expect(first == again)
        #expect(first != other)
        let ward = first.filter { $0.parentID == communes[0].id }
        #expect(ward.allSatisfy { $0.kind.type == "Tổ dân phố" } && (12...45).contains(ward.count))
        #expect(first.filter { $0.parentID == communes[1].id }.allSatisfy { $0.kind.type == "Bản" })  // Điện Biên: mountains
        #expect(Set(first.map(\.code)).count == first.count)
        #expect(first.allSatisfy { $0.kind.level == .village && $0.validity.from == CalendarDate("2025-07-01")! })
    }

    /// Writes a small tree (Hà Nội with two communes) as the demo's four unit files into `folder`.
    static func writeUnitFiles(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "code,name,level,parent_code,type\n01,Thành phố Hà Nội,province,,Thành phố Trung ương\n001,Quận Ba Đình,district,01,Quận\n00004,Phường Trúc Bạch,commune,001,Phường\n"
            .write(to: folder.appendingPathComponent("units_2024.csv"), atomically: true, encoding: .utf8)
        try "code,name,level,parent_code,type\n01,Thành phố Hà Nội,province,,Thành phố Trung ương\n00004,Phường Ba Đình,commune,01,Phường\n00008,Xã Tây Tựu,commune,01,Xã\n"
            .write(to: folder.appendingPathComponent("units_2025.csv"), atomically: true, encoding: .utf8)
        try "old_code,new_code,level,part\n00004,00004,commune,full\n"
            .write(to: folder.appendingPathComponent("merge_map_2025.csv"), atomically: true, encoding: .utf8)
        try "code,name,level,parent_code,type\n01,Thành phố Hà Nội,province,,Thành phố Trung ương\n00004,Phường Ba Đình,commune,01,Phường\n00008,Phường Tây Tựu,commune,01,Phường\n"
            .write(to: folder.appendingPathComponent("units_2026.csv"), atomically: true, encoding: .utf8)
    }

    @Test func loadingTwiceChangesNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-demo-\(UUID().uuidString)")
        try Self.writeUnitFiles(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }

        let database = try await TestPostgres.makeDatabase()
        let db = database.makeClient()
        try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
        let loader = DemoLoader(store: PostgresHierarchyStore(client: db), dataFolder: folder, seed: 1)
        let first = try await loader.load { _ in }
        #expect(first[0] == "units: 3 in the 2024 tree, 3 in the 2025 tree, 1 lineage links")
        let villages = try await PostgresHierarchyStore(client: db).count(level: .village, inForceOn: CalendarDate("2026-01-01")!)
        #expect(villages > 0)
        #expect(first[2] .hasPrefix("work: ") && first[2].hasSuffix(" events in 1 provinces"))
        let stored = try await db.query("SELECT count(*) FROM events").decode(Int.self)[0]
        #expect(first[3] == "units: the 2026 tree, 1 renamed or retyped, 0 new, 0 closed")
        #expect(try await loader.load { _ in } == ["units: already loaded", "villages: already generated", "work: already loaded",
                                                   "units: the 2026 tree already in force"])
        #expect(try await db.query("SELECT count(*) FROM administrative_units").decode(Int.self) == [3 + 2 + villages])
        #expect(try await db.query("SELECT count(*) FROM events").decode(Int.self) == [stored])

        // A team per village, each with one head and two to five others, households with visits.
        #expect(try await db.query("SELECT count(*) FROM teams").decode(Int.self) == [villages])
        #expect(try await db.query("""
            SELECT count(*) FROM teams t
            WHERE (SELECT count(*) FROM memberships s WHERE s.team_id = t.id AND s.role = 'head') <> 1
               OR (SELECT count(*) FROM memberships s WHERE s.team_id = t.id) NOT BETWEEN 3 AND 6
            """).decode(Int.self) == [0])
        #expect(try await db.query("SELECT count(*) FROM households").decode(Int.self) == [villages * 3])
        #expect(try await db.query("SELECT count(*) > 0 FROM events WHERE type = 'household.visited'").decode(Bool.self) == [true])
        // Every visit names a household of its own village and members of that village's team.
        #expect(try await db.query("""
            SELECT count(*) FROM events e
            JOIN households h ON h.id = (e.payload->>'householdId')::uuid
            WHERE e.type = 'household.visited' AND (h.unit_id <> e.unit_id OR NOT EXISTS (
                SELECT 1 FROM memberships s JOIN teams t ON t.id = s.team_id
                WHERE t.unit_id = e.unit_id AND s.member_id = (e.payload->'memberIds'->>0)::uuid))
            """).decode(Int.self) == [0])
        // Households are labelled after a person, as teams write them: `Hộ Nguyễn Văn An`.
        let labels = try await db.query("SELECT label FROM households ORDER BY id").decode(String.self)
        #expect(labels.allSatisfy { $0.hasPrefix("Hộ ") && $0.split(separator: " ").count == 4 }, "\(labels.prefix(5))")
        #expect(Set(labels).count > labels.count / 2, "\(labels.prefix(5))")
        await db.close()
    }
}
