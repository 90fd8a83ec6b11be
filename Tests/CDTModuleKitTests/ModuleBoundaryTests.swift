import Foundation
import Testing

/// The boundary the kit draws (issue 19), checked on the source tree: a module's Swift imports only what
/// its target declares in Package.swift, and its SQL (Swift under Plugins/, files under sql/<module>/)
/// names no core table, only `core_v1` views. Each failure names file and line.
@Suite struct ModuleBoundaryTests {
    /// The repository: three folders above this file (Tests/CDTModuleKitTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Files under `folder` (relative to the root) ending in `suffix`, as relative paths, sorted.
    static func files(under folder: String, ending suffix: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(suffix) }.map { folder + "/" + $0 }.sorted()
    }

    static func coreTables() throws -> Set<String> {
        try ModuleBoundaryScanner.coreTables(inCoreSQL: files(under: "sql/core", ending: ".sql").map(read))
    }

    @Test func everyModuleImportsOnlyWhatItsTargetDeclares() throws {
        let targets = ModuleBoundaryScanner.pluginTargets(inManifest: try Self.read("Package.swift"))
        #expect(targets.keys.contains("Plugins/Coverage") && targets.keys.contains("Plugins/GoodPractices"), "Package.swift parsed: \(targets)")
        let moduleFolders = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Plugins").path)
            .filter { !$0.hasPrefix(".") && $0.range(of: ".") == nil }.map { "Plugins/" + $0 }
        for folder in moduleFolders {
            guard let declared = targets[folder] else {
                Issue.record("\(folder): no target in Package.swift has path \"\(folder)\"")
                continue
            }
            for file in Self.files(under: folder, ending: ".swift") {
                for violation in ModuleBoundaryScanner.undeclaredImports(in: try Self.read(file), file: file, declared: declared) {
                    Issue.record("\(violation)")
                }
            }
        }
    }

    @Test func moduleSQLNamesNoCoreTable() throws {
        let tables = try Self.coreTables()
        let moduleSQLFolders = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("sql").path)
            .filter { $0 != "core" && !$0.hasPrefix(".") }.map { "sql/" + $0 }
        let files = Self.files(under: "Plugins", ending: ".swift") + moduleSQLFolders.flatMap { Self.files(under: $0, ending: ".sql") }
        #expect(files.count > 20, "the tree was found: \(files.count) files")
        for file in files {
            for violation in ModuleBoundaryScanner.coreTableReferences(in: try Self.read(file), file: file, tables: tables) {
                Issue.record("\(violation)")
            }
        }
    }

    // MARK: The scanner itself, on samples, so a silent scanner cannot pass the two tests above.

    @Test func theCoreTablesComeFromTheCoresMigrations() throws {
        let tables = try Self.coreTables()
        for table in ["administrative_units", "unit_lineage", "events", "event_ids", "teams", "members", "memberships", "households",
                      "campaigns", "trainings", "accounts", "audit_log", "module_checkpoints", "unit_name_versions"] {
            #expect(tables.contains(table), "\(table) is a core table")
        }
        #expect(!tables.contains("events_p"), "a partition made by format() is not a table name")
        #expect(!tables.contains(where: { $0.hasPrefix("coverage_") }))
    }

    @Test func aCoreTableNamedInSQLIsFoundWithItsLine() {
        let tables: Set<String> = ["administrative_units", "events", "teams"]
        let sample = """
            let ok = "SELECT path FROM core_v1.units u JOIN coverage_days d ON d.unit_id = u.id"
            let bad = \"\"\"
                SELECT e.payload FROM events e
                JOIN administrative_units u ON u.id = e.unit_id
                \"\"\"
            // read from the teams of the unit (prose, not SQL)
            try await tx.execute("UPDATE public.teams SET name = 'x'")
            """
        let found = ModuleBoundaryScanner.coreTableReferences(in: sample, file: "Plugins/Sample/Store.swift", tables: tables)
        #expect(found.map(\.description) == [
            "Plugins/Sample/Store.swift:3: names the core table events; read it through a core_v1 view (docs/core-views.md)",
            "Plugins/Sample/Store.swift:4: names the core table administrative_units; read it through a core_v1 view (docs/core-views.md)",
            "Plugins/Sample/Store.swift:7: names the core table teams; read it through a core_v1 view (docs/core-views.md)",
        ])
        #expect(ModuleBoundaryScanner.coreTableReferences(in: "CREATE TABLE x (unit_id uuid REFERENCES administrative_units (id));",
                                                          file: "sql/sample/0001.sql", tables: tables).count == 1)
    }

    @Test func anUndeclaredImportIsFoundWithItsLine() {
        let sample = """
            import CDTModuleKit
            public import Foundation
            @preconcurrency import CDTPostgres
            internal import struct CDTDomain.CalendarDate
            import Hummingbird
            """
        let found = ModuleBoundaryScanner.undeclaredImports(in: sample, file: "Plugins/Sample/A.swift", declared: ["CDTModuleKit", "Hummingbird"])
        #expect(found.map { "\($0.file):\($0.line)" } == ["Plugins/Sample/A.swift:3", "Plugins/Sample/A.swift:4"])
        #expect(found.first?.message.hasPrefix("imports CDTPostgres, which the target's dependencies") == true)
    }

    @Test func theManifestsTargetDependenciesAreRead() {
        let manifest = """
            .target(name: "CDTModuleKit", dependencies: ["CDTDomain"]),
            .target(
                name: "CDTSample",
                dependencies: ["CDTModuleKit", .product(name: "NIOCore", package: "swift-nio")],
                path: "Plugins/Sample",
                swiftSettings: swiftSettings(for: "x")
            ),
            """
        #expect(ModuleBoundaryScanner.pluginTargets(inManifest: manifest) == ["Plugins/Sample": ["CDTModuleKit", "NIOCore"]])
    }
}
