import ArgumentParser
import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import Foundation
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the demo data: the real administrative units, synthetic villages and a season of synthetic work.",
        discussion: """
            Imports data/units_2024.csv (in force from 2025-03-01), data/units_2025.csv (from 2025-07-01) and \
            the whole reorganization, data/merge_map_2025.csv, then generates villages under every commune and, \
            province by province, a season of work recorded as events (a team per village, members, households, \
            visits from September to November 2025, a campaign, trainings), deterministically from the seed; \
            then the tree in force today, data/units_2026.csv (from 2026-04-30), which renames 205 units. Steps \
            whose data is already there are skipped, so running it again changes nothing. Then every \
            installed module is enabled in the provinces of --modules-in (Lạng Sơn and Cao Bằng by default) \
            where it was never enabled or disabled, with example coverage targets; the server's dispatcher \
            builds the modules' figures from the log when it starts.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The folder holding the unit files.") var dataFolder: String = "data"
    @Option(help: "The seed of the synthetic data.") var seed: UInt64 = 2026
    @Option(help: "Households generated in each village (1 to 200).") var householdsPerVillage: Int = 3
    @Option(help: "Province codes to enable the installed modules in, comma-separated (none: empty).") var modulesIn: String = "20,04"

    func validate() throws {
        guard (1...200).contains(householdsPerVillage) else { throw ValidationError("--households-per-village must be from 1 to 200") }
    }

    func run() async throws {
        try await withDatabase(database) { client, logger in
            var loader = DemoLoader(store: PostgresHierarchyStore(client: client), dataFolder: URL(fileURLWithPath: dataFolder), seed: seed)
            loader.householdsPerVillage = householdsPerVillage
            let report = try await loader.load { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            print(report.joined(separator: "\n"))
            try await enableInstalledModules(inProvinces: modulesIn, client, logger)
        }
    }
}
