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
    public import CDTModuleKit
    import Foundation
    import Hummingbird

    /// __NAME__: counts the households visited in each village and lets the village's team note a follow-up
    /// (a starting point: change it to what your module does). It shows each part of the kit: it consumes a
    /// core event, declares and records an event of its own, reads the core through the kit (`CoreReads`,
    /// `core_v1` views), has a setting, and audits what its routes change.
    public struct __NAME__Module: FeatureModule {
        public init() {}

        /// The module's own event: recorded by `POST notes`, in the transaction that stores the note.
        public static let noted = ModuleEventKind<Noted>("__ID__.noted", payloadSchema: .object(["note": .text(maximumLength: 500)], closed: true))

        public var manifest: ModuleManifest {
            ModuleManifest(
                id: "__ID__",
                name: LocalizedName(vietnamese: "__NAME__", english: "__NAME__"),
                version: ModuleVersion(0, 1, 0),
                consumes: [.householdVisited],
                events: [Self.noted.declaration])
        }

        public var migrations: [Migration] {
            Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files)
        }

        public var settings: SettingsSchema {
            SettingsSchema([.integer("listSize", SettingLabel(vietnamese: "Số dòng mỗi danh sách", english: "Rows per list"), range: 5...500, default: 100)])
        }

        /// Built from the event log alone: emptied and replayed by `cdt modules rebuild __ID__`. The notes are
        /// what users entered: not listed, so a rebuild keeps them.
        public var projectionTables: [String] { ["__PREFIX___visits"] }

        public func addRoutes(to routes: inout ModuleRoutes) {
            // What /openapi.json says about the routes: the schemas they name, then each route's documentation.
            routes.schema("Counts", .object(["items": .array(of: .object([
                "unitId": .uuid, "visits": .integer, "province": APISchema.string.described("The village's province."),
            ], closed: true))], closed: true))
            routes.schema("Note", .object(["id": .uuid, "unitId": .uuid, "note": .string], closed: true))
            routes.get("counts", access: .view, documentation: RouteDocumentation(
                summary: "Households visited per village in the caller's area",
                answer: .json(.reference("Counts"), "The villages, most visits first."))) { _, context in
                let patterns = context.viewScope.isNationwide ? ["/%"] : context.viewScope.paths.sorted().map { $0 + "%" }
                let limit = context.settingsByProvince.values.map { $0.integer("listSize") }.max() ?? 100
                // The module's table joined with the core's view of units: never the core's tables.
                let rows = try await context.module.database.query("""
                    SELECT c.unit_id, c.visits FROM __PREFIX___visits c JOIN core_v1.units u ON u.id = c.unit_id
                    WHERE u.path LIKE ANY(\(patterns)) ORDER BY c.visits DESC, c.unit_id LIMIT \(limit)
                    """).decode((ID<AdministrativeUnit>, Int64).self)
                // A unit's province, through the kit's read port.
                let reads = CoreReads(context.module.database)
                var items: [Counts.Item] = []
                for (unit, visits) in rows {
                    let province = try await reads.province(of: unit)
                    items.append(Counts.Item(unitId: unit, visits: visits, province: province?.name ?? ""))
                }
                return Counts(items: items)
            }
            routes.post("notes", access: .change, documentation: RouteDocumentation(
                summary: "Note a follow-up in a village of the caller's own area",
                body: .object(["unitId": .uuid, "note": .text(maximumLength: 500)], closed: true),
                answer: APIAnswer(status: .created, mediaType: "application/json", schema: .reference("Note"), summary: "The note, recorded as the event `__ID__.noted`."),
                errors: [.unprocessableContent, .conflict])) { request, context in
                let input = try await context.decode(NoteInput.self, from: request)
                var check = Validator()
                check.text(input.note, "note", maximumLength: 500)
                do throws(ValidationFailure) { try check.finish() } catch { throw ProblemDetails.unprocessable(error) }
                // Where the caller records work (their own area), not merely where they may look.
                guard let unit = try await CoreReads(context.module.database).unit(input.unitId),
                      context.changeScope.contains(path: unit.path), let account = context.caller.accountID else {
                    throw ProblemDetails(status: .forbidden, detail: "You may note follow-ups only in your own area.",
                                         errors: [.init(field: "unitId", rule: "must name a unit where you may record work")])
                }
                let event = try Self.noted.event(in: unit.id, by: account.rawValue, at: context.module.now(), Noted(note: input.note))
                try await context.module.database.withTransaction { tx in
                    try await context.record(event, in: tx)
                    try await tx.execute("""
                        INSERT INTO __PREFIX___notes (province_id, id, unit_id, note) VALUES (\(unit.provinceID ?? unit.id), \(event.id), \(unit.id), \(input.note))
                        """)
                    try await context.audit(action: "note.added", unit: unit.id, subject: event.id.description, in: tx)
                }
                return EditedResponse(status: .created, response: Note(id: event.id, unitId: unit.id, note: input.note))
            }
        }

        public func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
            guard event.event.type == .householdVisited else { return }
            try await transaction.execute("""
                INSERT INTO __PREFIX___visits (province_id, unit_id, visits) VALUES (\(event.provinceID), \(event.event.unitID), 1)
                ON CONFLICT (province_id, unit_id) DO UPDATE SET visits = __PREFIX___visits.visits + 1
                """)
        }
    }

    /// The payload of `__ID__.noted`.
    public struct Noted: EventBody {
        public var note: String
        public func validate(into check: inout Validator) { check.text(note, "note", maximumLength: 500) }
    }

    struct NoteInput: Codable {
        var unitId: ID<AdministrativeUnit>
        var note: String
    }

    struct Note: ResponseEncodable {
        var id: ID<DomainEvent>
        var unitId: ID<AdministrativeUnit>
        var note: String
    }

    struct Counts: ResponseEncodable {
        struct Item: Codable { var unitId: ID<AdministrativeUnit>; var visits: Int64; var province: String }
        var items: [Item]
    }

    """#

    static let migrationTemplate = #"""
    -- __NAME__: households visited per village, built from the event log, and the follow-ups users note.
    -- A module's SQL names only its own tables and the core's views (core_v1), never the core's tables.
    CREATE TABLE __PREFIX___visits (
        province_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        visits bigint NOT NULL,
        PRIMARY KEY (province_id, unit_id)
    );

    CREATE TABLE __PREFIX___notes (
        province_id uuid NOT NULL,
        id uuid NOT NULL,
        unit_id uuid NOT NULL,
        note text NOT NULL,
        PRIMARY KEY (province_id, id)
    );

    -- Row-level security by province, and the server's role may read and write them.
    SELECT cdt_tenant_table('__PREFIX___visits');
    SELECT cdt_tenant_table('__PREFIX___notes');

    """#

    static let testTemplate = ##"""
    import CDTModuleKit
    import CDTTesting
    import HTTPTypes
    import Testing
    @testable import CDT__NAME__

    @Suite struct __NAME__Tests {
        @Test func conformance() async throws {
            try await ModuleConformance.check(__NAME__Module()) { units, events in
                events.visit(in: units.villageA1, commune: units.communeA).events
            } sampleMutations: { harness, _ in
                [ModuleSampleRequest(.post, "notes", body: #"{"unitId": "\#(harness.units.villageA1)", "note": "Quay lại hướng dẫn VNeID"}"#)]
            }
        }

        @Test func countsVisitsAndNotesFollowUpsInTheCallersOwnArea() async throws {
            let harness = try await ModuleTestHarness.make([__NAME__Module()], units: TestUnits(secondCommunes: true))
            let units = harness.units
            try await harness.enable("__ID__", in: units.provinceA)
            try await harness.append(harness.events.visit(in: units.villageA1, commune: units.communeA).events)
            try await harness.append(harness.events.visit(in: units.villageA3, commune: units.communeA2, minute: 10).events)
            try await harness.catchUp()
            try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
                let counts = try await officer.get("/api/v1/modules/__ID__/counts")
                #expect(counts.status == .ok)
                #expect(counts.items.first?["province"] as? String == "Thành phố Hà Nội")
                let noted = try await officer.post("/api/v1/modules/__ID__/notes", #"{"unitId": "\#(units.villageA1)", "note": "Quay lại"}"#)
                #expect(noted.status == .created)
                // The other commune of the province is outside the officer's own area.
                let elsewhere = try await officer.post("/api/v1/modules/__ID__/notes", #"{"unitId": "\#(units.villageA3)", "note": "Quay lại"}"#)
                #expect(elsewhere.status == .forbidden && elsewhere.fields == ["unitId"])
                let blank = try await officer.post("/api/v1/modules/__ID__/notes", #"{"unitId": "\#(units.villageA1)", "note": " "}"#)
                #expect(blank.status == .unprocessableContent && blank.fields == ["note"])
                // The note is the module's own event in the platform's log.
                let events = try await officer.get("/api/v1/events?type=__ID__.noted")
                #expect(events.items.count == 1)
            }
            await harness.close()
        }
    }

    """##
}
