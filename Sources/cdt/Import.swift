import ArgumentParser
import CDTDomain
import CDTPostgres
import CDTServer
import Foundation

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import administrative units and reorganizations (the format of data/*.csv).",
        subcommands: [Units.self, Reorganization.self])

    struct Units: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a complete tree (code,name,level,parent_code,type) in force from a date.",
            discussion: """
                All or nothing, in one transaction. Units the same as those in force carry on; a unit respelled \
                or retyped (same code, parent and name words) keeps its identity and is renamed; other changed \
                or missing ones close on the date. Villages under a closing commune move to its successor in \
                --map, or where --village-map says; an import that would leave villages, teams, households, \
                roles or module enablements in a closed unit is refused with the list. Re-importing the same \
                file changes nothing. Try it first with --dry-run.
                Example: cdt import units data/units_2026.csv --effective 2026-04-30 --dry-run
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The first day the tree is in force (YYYY-MM-DD).") var effective: String
        @Option(help: "A reorganization map (old_code,new_code,level,part) taking effect the same day.") var map: String?
        @Option(help: "A village map (commune_code,village_code,new_commune_code) for villages of split communes.") var villageMap: String?
        @Flag(help: "Report what the import would do, store nothing.") var dryRun = false

        func run() async throws {
            let date = try parseDate(effective)
            let files = [file] + [map, villageMap].compactMap { $0 }
            let texts = try files.map(readFile)
            let rows = try UnitFiles.units(in: texts[0])
            let lineage = try map.map { _ in try UnitFiles.lineage(in: texts[1]) } ?? []
            let moves = try villageMap.map { _ in try UnitFiles.villageMoves(in: texts.last!) } ?? []
            try await withStore(database) { store in
                progress("read \(rows.count) units from \(file)")
                let request = HierarchyImportRequest(
                    tree: rows, lineage: lineage, villageMoves: moves, effective: date,
                    checksum: try await store.checksum(of: texts.joined(separator: "\u{0}")),
                    source: files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " + "), dryRun: dryRun)
                try await report { try await store.importHierarchy(request) { step in progress(step.description) } }
            }
        }
    }

    struct Reorganization: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a reorganization map (old_code,new_code,level,part) as lineage links.",
            discussion: """
                The trees on both sides must be imported already. Villages of a commune that closed move to its \
                single successor, or where --village-map says. Try it first with --dry-run.
                Example: cdt import reorganization data/merge_map_2025.csv --effective 2025-07-01
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The day the reorganization took effect (YYYY-MM-DD).") var effective: String
        @Option(help: "A village map (commune_code,village_code,new_commune_code) for villages of split communes.") var villageMap: String?
        @Flag(help: "Report what the import would do, store nothing.") var dryRun = false

        func run() async throws {
            let date = try parseDate(effective)
            let files = [file] + [villageMap].compactMap { $0 }
            let texts = try files.map(readFile)
            let rows = try UnitFiles.lineage(in: texts[0])
            let moves = try villageMap.map { _ in try UnitFiles.villageMoves(in: texts[1]) } ?? []
            try await withStore(database) { store in
                progress("linking \(rows.count) rows from \(file), effective \(date)…")
                let request = HierarchyImportRequest(
                    tree: nil, lineage: rows, villageMoves: moves, effective: date,
                    checksum: try await store.checksum(of: texts.joined(separator: "\u{0}")),
                    source: files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " + "), dryRun: dryRun)
                try await report { try await store.importHierarchy(request) }
            }
        }
    }
}

/// Prints the report; a refused import prints its report to standard error and fails with one line.
private func report(_ run: () async throws -> HierarchyImportReport) async throws {
    do {
        let report = try await run()
        print(report.lines.joined(separator: "\n"))
        if report.dryRun, !report.orphans.isEmpty { throw ExitCode(3) }
    } catch let refused as HierarchyImportRefused {
        FileHandle.standardError.write(Data((refused.report.lines.joined(separator: "\n") + "\n").utf8))
        throw CommandError(refused.description)
    }
}

private func parseDate(_ text: String) throws -> CalendarDate {
    guard let date = CalendarDate(text) else { throw ValidationError("--effective must be a date of the form YYYY-MM-DD, not '\(text)'") }
    return date
}

private func readFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
    guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path) is not UTF-8 text") }
    return text
}

private func progress(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

private func withStore(_ options: DatabaseOptions, _ body: (PostgresHierarchyStore) async throws -> Void) async throws {
    try await withDatabase(options) { client, _ in try await body(PostgresHierarchyStore(client: client)) }
}
