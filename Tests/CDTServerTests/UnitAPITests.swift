import CDTModuleKit
import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `/api/v1/units` through the real router, against a real PostgreSQL holding the real 2024 and 2025 trees.
@Suite struct UnitAPITests {
    struct UnitJSON: Decodable { var id: String; var code: String; var name: String; var level: String; var parentId: String?; var validUntil: String? }
    struct PageJSON: Decodable { var items: [UnitJSON]; var nextCursor: String? }
    struct DetailJSON: Decodable { var unit: UnitJSON; var ancestors: [UnitJSON] }
    struct SuccessorJSON: Decodable { var unit: UnitJSON; var share: Double? }
    struct SuccessorsJSON: Decodable { var items: [SuccessorJSON] }

    /// Runs `body` with a router test client over the suite's database, which holds both real trees and
    /// the map (imported once; these tests only read).
    private func withImportedUnits(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let db = try await ImportedUnits.shared.database().makeClient()
        let app = buildApplication(
            configuration: ServerConfiguration(),
            dependencies: AppDependencies(database: db, today: { CalendarDate("2026-11-22")! }),
            logger: Logger(label: "test"))
        do {
            try await app.test(.router, body)
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    private func get<T: Decodable>(_ client: any TestClientProtocol, _ uri: String, as type: T.Type, status: HTTPResponse.Status = .ok) async throws -> T {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == status, "\(uri)")
            return try JSONDecoder().decode(T.self, from: Data(String(buffer: response.body).utf8))
        }
    }

    @Test func listsTodaysProvincesInVietnameseOrderAPageAtATime() async throws {
        try await withImportedUnits { client in
            var names: [String] = []
            var cursor: String? = nil
            repeat {
                let uri = "/api/v1/units?level=province&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await get(client, uri, as: PageJSON.self)
                names += page.items.map(\.name)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(names.count == 34)
            #expect(Set(names).count == 34)
            #expect(names.prefix(3) == ["Tỉnh An Giang", "Tỉnh Bắc Ninh", "Tỉnh Cà Mau"])
            #expect(names.firstIndex(of: "Thành phố Đà Nẵng")! > names.firstIndex(of: "Thành phố Cần Thơ")!)
            let before = try await get(client, "/api/v1/units?level=province&asOf=2025-06-30&limit=500", as: PageJSON.self)
            #expect(before.items.count == 63)
        }
    }

    @Test func searchIgnoresDiacriticsAndCase() async throws {
        try await withImportedUnits { client in
            for query in ["ha%20noi", "H%C3%A0%20N%E1%BB%99i", "HA%20NOI"] {
                let page = try await get(client, "/api/v1/units?level=province&q=\(query)", as: PageJSON.self)
                #expect(page.items.map(\.name) == ["Thành phố Hà Nội"])
            }
            let wildcard = try await get(client, "/api/v1/units?q=%25", as: PageJSON.self)
            #expect(wildcard.items.isEmpty)
        }
    }

    @Test func childrenSubtreeDetailAndLineage() async throws {
        try await withImportedUnits { client in
            let phuTho = try #require(try await get(client, "/api/v1/units?level=province&q=phu%20tho", as: PageJSON.self).items.first)
            let children = try await get(client, "/api/v1/units?parent=\(phuTho.id)&limit=500", as: PageJSON.self)
            let subtree = try await get(client, "/api/v1/units?under=\(phuTho.id)&limit=500", as: PageJSON.self)
            #expect(children.items.count == subtree.items.count)  // no districts since July 2025
            #expect(children.items.count > 50)
            let hoaBinh = try #require(children.items.first { $0.name == "Phường Hòa Bình" })
            let detail = try await get(client, "/api/v1/units/\(hoaBinh.id)", as: DetailJSON.self)
            #expect(detail.ancestors.map(\.name) == ["Tỉnh Phú Thọ"])

            // Hữu Nghị ward of Hòa Bình city (2024) went into Phường Hòa Bình, now in Phú Thọ.
            let found = try await get(client, "/api/v1/units?q=huu+nghi&level=commune&asOf=2025-06-30", as: PageJSON.self)
            let huuNghi = try #require(found.items.first { $0.code == "04798" }, "\(found.items.map(\.name))")
            #expect(huuNghi.validUntil == "2025-07-01")
            let heirs = try await get(client, "/api/v1/units/\(huuNghi.id)/successors", as: SuccessorsJSON.self)
            #expect(heirs.items.map(\.unit.name) == ["Phường Hòa Bình"])
            #expect(heirs.items.first?.share == 1)
            let oldDetail = try await get(client, "/api/v1/units/\(huuNghi.id)", as: DetailJSON.self)
            #expect(oldDetail.ancestors.count == 2)  // its district, then its province
            let predecessors = try await get(client, "/api/v1/units/\(hoaBinh.id)/predecessors", as: UnitListJSON.self)
            #expect(predecessors.items.contains { $0.code == "04798" })
        }
    }

    struct UnitListJSON: Decodable { var items: [UnitJSON] }

    @Test func badInputIsAProblemNamingEachFieldAndRule() async throws {
        try await withImportedUnits { client in
            try await client.execute(uri: "/api/v1/units?asOf=2025-02-30&level=hamlet&limit=0&cursor=%21&under=nope", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(String(buffer: response.body).utf8))
                #expect(Set(problem.errors?.map(\.field) ?? []) == ["asOf", "level", "limit", "cursor", "under"])
            }
            try await client.execute(uri: "/api/v1/units/not-a-uuid", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/units/\(UUID().uuidString)", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }
}

/// One database with the real units, imported once for all the read-only API tests.
actor ImportedUnits {
    static let shared = ImportedUnits()
    private var importing: Task<TestDatabase, any Error>?

    func database() async throws -> TestDatabase {
        if let importing { return try await importing.value }
        let task = Task {
            let database = try await TestPostgres.makeDatabase()
            let db = database.makeClient()
            do {
                try await Self.load(into: db)
            } catch {
                await db.close()
                throw error
            }
            await db.close()
            return database
        }
        importing = task
        return try await task.value
    }

    private static func load(into db: PostgresClient) async throws {
            try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
            let store = PostgresHierarchyStore(client: db)
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data").standardized
            func file(_ name: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
            _ = try await store.importTree(try UnitFiles.units(in: file("units_2024.csv")), effective: CalendarDate("2025-03-01")!)
            _ = try await store.importTree(try UnitFiles.units(in: file("units_2025.csv")), effective: CalendarDate("2025-07-01")!)
            _ = try await store.importReorganization(try UnitFiles.lineage(in: file("merge_map_2025_sample.csv")), effective: CalendarDate("2025-07-01")!)
    }
}
