public import ArgumentParser
import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import Foundation
import Logging

extension SyntheticScale: ExpressibleByArgument {}

/// The options that pick the synthetic data set, shared by `cdt bench seed` and `cdt bench run`.
struct DataSetOptions: ParsableArguments {
    @Option(help: "national (27M households, 30M visits), province (Lạng Sơn) or small (Cao Bằng).") var scale: SyntheticScale = .small
    @Option(help: "The seed of the synthetic data.") var seed: UInt64 = 2026
    @Option(help: "Households to register instead of the scale's own: national's units with a fraction of its work.") var households: Int?
    @Option(help: "Visits to record instead of the scale's default.") var visits: Int?
    @Option(help: "The folder holding the unit files.") var dataFolder: String = "data"

    func validate() throws {
        if let households, !(1...100_000_000).contains(households) { throw ValidationError("--households must be from 1 to 100000000") }
        if let visits, !(0...100_000_000).contains(visits) { throw ValidationError("--visits must be from 0 to 100000000") }
    }

    /// Loads what is missing of the data set, with a progress bar, and enables the installed modules in its
    /// provinces.
    func load(_ client: PostgresClient, _ logger: Logger) async throws -> SyntheticDataSet.Figures {
        let dataSet = SyntheticDataSet(client: client, dataFolder: URL(fileURLWithPath: dataFolder), scale: scale, households: households, visits: visits, seed: seed)
        let bar = ProgressBar("copying households and visits")
        let figures = try await RowScope.$current.withValue(.everyProvince) {
            try await dataSet.load(progress: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }, copied: { bar.update($0, of: $1) })
        }
        var codes = scale.provinceCodes.map(Array.init) ?? []
        if scale.provinceCodes == nil {
            codes = try await client.query("SELECT code FROM administrative_units WHERE level = 'province' AND valid_until IS NULL").decode(String.self)
        }
        try await enableInstalledModules(inProvinces: codes.sorted().joined(separator: ","), client, logger)
        return figures
    }
}

/// `cdt bench seed`: loads the benchmarks' synthetic data set into the configured database.
struct BenchSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the benchmarks' synthetic data set (real units, synthetic villages, teams, households, visits).",
        discussion: """
            Loads into the configured database (the embedded cluster without one) what is missing: the real units \
            of both trees and the 2025 reorganization, villages under every commune, a team with members in every \
            village of the scale's provinces, then the scale's households and visits, copied in with a progress \
            bar. Then enables the installed modules in those provinces. cdt bench run does this itself.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var dataSet: DataSetOptions

    func run() async throws {
        try await Interruption.cancellable { [self] in
            try await withDatabase(database) { client, logger in
                let figures = try await dataSet.load(client, logger)
                print("data set (\(dataSet.scale.rawValue), seed \(dataSet.seed)): \(figures.villages) villages, \(figures.teams) teams, "
                      + "\(figures.members) members, \(figures.households) households, \(figures.visits) visits")
            }
        }
    }
}
