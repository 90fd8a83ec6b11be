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
                All or nothing, in one transaction. Units the same as those in force carry on; changed or \
                missing ones stop the day before the date. Re-importing the same file changes nothing.
                Example: cdt import units data/units_2025.csv --effective 2025-07-01
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The first day the tree is in force (YYYY-MM-DD).") var effective: String

        func run() async throws {
            let date = try parseDate(effective)
            let text = try readFile(file)
            let rows = try UnitFiles.units(in: text)
            try await withStore(database) { store in
                progress("read \(rows.count) units from \(file)")
                let plan = try await store.importTree(rows, effective: date) { step in progress(step.description) }
                print("\(file): \(rows.count) units: \(plan.created.count) new, \(plan.unchanged) unchanged, \(plan.corrected.count) corrected, \(plan.closed.count) closed on \(date)")
            }
        }
    }

    struct Reorganization: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a reorganization map (old_code,new_code,level,part) as lineage links.",
            discussion: "Example: cdt import reorganization data/merge_map_2025_sample.csv --effective 2025-07-01")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The day the reorganization took effect (YYYY-MM-DD).") var effective: String

        func run() async throws {
            let date = try parseDate(effective)
            let rows = try UnitFiles.lineage(in: try readFile(file))
            try await withStore(database) { store in
                progress("linking \(rows.count) rows from \(file), effective \(date)…")
                let count = try await store.importReorganization(rows, effective: date)
                print("\(file): \(rows.count) rows: \(count) lineage links recorded (units that carried on unchanged need none)")
            }
        }
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
