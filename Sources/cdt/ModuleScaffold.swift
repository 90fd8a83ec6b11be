import ArgumentParser
import CDTModuleKit
import Foundation

extension Modules {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scaffold a new module: its target folder, manifest, migration, route, event handler and test.",
            discussion: """
                Run it at the package root. `cdt modules new FieldNotes` writes Plugins/FieldNotes/FieldNotesModule.swift, \
                sql/field-notes/0001_field_notes.sql and Tests/CDTFieldNotesTests/FieldNotesTests.swift, then prints the lines \
                to add to Package.swift and Sources/cdt/InstalledModules.swift. See docs/modules.md.
                """)
        @Argument(help: "The module's name in UpperCamelCase, such as FieldNotes.") var name: String
        @Option(help: "The package root (where Package.swift is).") var packagePath: String = "."

        func run() throws {
            let scaffold = try ModuleScaffold(name: name)
            let root = URL(fileURLWithPath: packagePath)
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) else {
                throw CommandError("no Package.swift in \(root.path): run this at the package root or pass --package-path")
            }
            for file in scaffold.files {
                let url = root.appendingPathComponent(file.path)
                guard !FileManager.default.fileExists(atPath: url.path) else { throw CommandError("\(file.path) already exists; nothing was written") }
            }
            for file in scaffold.files {
                let url = root.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.text.write(to: url, atomically: true, encoding: .utf8)
                print("wrote \(file.path)")
            }
            print(scaffold.instructions)
        }
    }
}

/// The files of a new module, from its name.
struct ModuleScaffold {
    let name: String
    /// `field-notes`: the module id and its migrations' folder.
    let id: String
    /// `field_notes`: the prefix of its tables.
    let prefix: String

    init(name: String) throws {
        guard let first = name.first, first.isUppercase, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), name.count <= 30 else {
            throw CommandError("the name must be UpperCamelCase ASCII letters and digits, such as FieldNotes")
        }
        let base = name.hasPrefix("CDT") ? String(name.dropFirst(3)) : name
        var id = ""
        for character in base {
            if character.isUppercase, !id.isEmpty { id.append("-") }
            id.append(character.lowercased())
        }
        guard ModuleManifest.isValidID(id) else { throw CommandError("'\(name)' gives the module id '\(id)', which is not valid") }
        self.name = base
        self.id = id
        self.prefix = id.replacingOccurrences(of: "-", with: "_")
    }

    var files: [(path: String, text: String)] {
        [
            ("Plugins/\(name)/\(name)Module.swift", fill(Self.moduleTemplate)),
            ("sql/\(id)/0001_\(prefix).sql", fill(Self.migrationTemplate)),
            ("Tests/CDT\(name)Tests/\(name)Tests.swift", fill(Self.testTemplate)),
        ]
    }

    var instructions: String {
        fill(#"""

        Now add to Package.swift, in `targets:`:

                .target(
                    name: "CDT__NAME__",
                    dependencies: ["CDTModuleKit", .product(name: "Hummingbird", package: "hummingbird")],
                    path: "Plugins/__NAME__",
                    swiftSettings: swiftSettings,
                    plugins: ["EmbedMigrationsPlugin"]
                ),
                .testTarget(
                    name: "CDT__NAME__Tests",
                    dependencies: ["CDT__NAME__", "CDTModuleKit", "CDTTesting"],
                    swiftSettings: swiftSettings
                ),

        then build and run its test:

            swift build && swift test --filter CDT__NAME__Tests

        To install it in the server, add "CDT__NAME__" to the `cdt` target's dependencies and
        __NAME__Module() to Sources/cdt/InstalledModules.swift. Then: cdt modules enable __ID__ --province 01
        """#)
    }

    private func fill(_ template: String) -> String {
        template.replacingOccurrences(of: "__NAME__", with: name).replacingOccurrences(of: "__ID__", with: id)
            .replacingOccurrences(of: "__PREFIX__", with: prefix)
    }

    static let moduleTemplate = #"""
    public import CDTDomain
    public import CDTModuleKit
    public import CDTPostgres
    import Hummingbird

    /// __NAME__: counts the practices shared in each unit (a starting point: change it to what your module does).
    public struct __NAME__Module: FeatureModule {
        public init() {}

        /// The good-practices module's event (a module may consume another's events by type).
        static let practiceShared = EventType(rawValue: "good-practices.practice_shared")!

        public var manifest: ModuleManifest {
            ModuleManifest(
                id: "__ID__",
                name: LocalizedName(vietnamese: "__NAME__", english: "__NAME__"),
                version: ModuleVersion(0, 1, 0),
                consumes: [Self.practiceShared])
        }

        public var migrations: [Migration] {
            Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files)
        }

        /// Built from the event log alone: emptied and replayed by `cdt modules rebuild __ID__`.
        public var projectionTables: [String] { ["__PREFIX___counts"] }

        public func addRoutes(to routes: inout ModuleRoutes) {
            routes.get("counts", access: .view, summary: "Practices shared per unit in the caller's area") { _, context in
                let patterns = context.viewScope.isNationwide ? ["/%"] : context.viewScope.paths.sorted().map { $0 + "%" }
                let rows = try await context.module.database.query("""
                    SELECT c.unit_id, c.shared FROM __PREFIX___counts c JOIN administrative_units u ON u.id = c.unit_id
                    WHERE u.path LIKE ANY(\(patterns)) ORDER BY c.shared DESC, c.unit_id LIMIT 100
                    """).decode((ID<AdministrativeUnit>, Int64).self)
                return Counts(items: rows.map { Counts.Item(unitId: $0.0, shared: $0.1) })
            }
        }

        public func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
            guard event.event.type == Self.practiceShared else { return }
            try await transaction.execute("""
                INSERT INTO __PREFIX___counts (province_id, unit_id, shared) VALUES (\(event.provinceID), \(event.event.unitID), 1)
                ON CONFLICT (province_id, unit_id) DO UPDATE SET shared = __PREFIX___counts.shared + 1
                """)
        }
    }

    struct Counts: ResponseEncodable {
        struct Item: Codable { var unitId: ID<AdministrativeUnit>; var shared: Int64 }
        var items: [Item]
    }

    """#

    static let migrationTemplate = #"""
    -- __NAME__: practices shared per unit, built from the event log.
    CREATE TABLE __PREFIX___counts (
        province_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        shared bigint NOT NULL,
        PRIMARY KEY (province_id, unit_id)
    );

    -- Row-level security by province, and the server's role may read and write it.
    SELECT cdt_tenant_table('__PREFIX___counts');

    """#

    static let testTemplate = #"""
    import CDTDomain
    import CDTModuleKit
    import CDTTesting
    import HTTPTypes
    import Testing
    @testable import CDT__NAME__

    @Suite struct __NAME__Tests {
        @Test func conformance() async throws {
            try await ModuleConformance.check(__NAME__Module()) { units, events in
                [events.shared(in: units.villageA1, title: "Thanh toán không tiền mặt ở chợ")]
            }
        }

        @Test func countsPracticesWhereEnabled() async throws {
            let harness = try await ModuleTestHarness.make([__NAME__Module()])
            try await harness.enable("__ID__", in: harness.units.provinceA)
            try await harness.append([
                harness.events.shared(in: harness.units.villageA1, title: "Chợ 4.0", minute: 1),
                harness.events.shared(in: harness.units.villageA1, title: "Cài VNeID tại nhà", minute: 2),
            ])
            try await harness.catchUp()
            try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: harness.units.communeA)]) { client in
                let answer = try await client.get("/api/v1/modules/__ID__/counts")
                #expect(answer.status == .ok)
                #expect(answer.items.first?["shared"] as? Int == 2)
            }
            await harness.close()
        }
    }

    """#
}
