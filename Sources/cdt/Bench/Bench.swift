import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the platform against PostgreSQL's own limits, as ratios taken in the same run.",
        subcommands: [BenchRun.self, BenchSeed.self, CoverageReads.self])
}

