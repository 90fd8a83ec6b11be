import CDTDemo
import Foundation
import CDTServer

/// What `cdt bench coverage-reads` measured.
struct BenchReport: Encodable {
    struct Summary: Encodable {
        var count: Int, p50: Double, p95: Double, p99: Double, max: Double
        init(_ values: [Double]) {
            let sorted = values.sorted()
            func at(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.down)))] }
            count = sorted.count
            p50 = at(0.5)
            p95 = at(0.95)
            p99 = at(0.99)
            max = sorted.last ?? 0
        }
    }

    struct Level: Encodable {
        var level: String
        var children: Int
        var http: Summary
        var plainGroupBy: Summary
        var speedUp: Double { plainGroupBy.p50 / Swift.max(http.p50, 0.001) }

        enum CodingKeys: String, CodingKey { case level, children, http, plainGroupBy, speedUp }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(level, forKey: .level)
            try container.encode(children, forKey: .children)
            try container.encode(http, forKey: .http)
            try container.encode(plainGroupBy, forKey: .plainGroupBy)
            try container.encode(speedUp, forKey: .speedUp)
        }
    }

    var machine: String
    var samples: Int
    var baselineRuns: Int
    var levels: [Level] = []
    var freshness: Summary?

    static func machine() -> String {
        "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
    }

    var table: String {
        func ms(_ value: Double) -> String { String(format: "%.1f", value) }
        var lines = ["| level | children | HTTP p50 / p95 / p99 ms | plain GROUP BY p50 ms | speed-up |", "| --- | --- | --- | --- | --- |"]
        for level in levels {
            lines.append("| \(level.level) | \(level.children) | \(ms(level.http.p50)) / \(ms(level.http.p95)) / \(ms(level.http.p99)) | \(ms(level.plainGroupBy.p50)) | \(String(format: "%.0f", level.speedUp))× |")
        }
        if let freshness {
            lines.append("")
            lines.append("freshness (acknowledged event → in the figures, \(freshness.count) probes): p50 \(ms(freshness.p50)) ms, p95 \(ms(freshness.p95)) ms, max \(ms(freshness.max)) ms")
        }
        lines.append("machine: \(machine)")
        return lines.joined(separator: "\n")
    }

    var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}


/// What `cdt bench run` measured, with the targets of docs/benchmarks.md beside each figure.
struct RunReport: Encodable {
    struct Batch: Encodable {
        var run: BatchIngestion.Result
        var copySeconds: Double
        var copyRowsPerSecond: Double { Double(run.unique) / max(copySeconds, 1e-9) }
        var ratioToCopy: Double { run.acceptedPerSecond / max(copyRowsPerSecond, 1e-9) }

        enum CodingKeys: String, CodingKey { case run, copySeconds, copyRowsPerSecond, acceptedPerSecond, ratioToCopy }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(run, forKey: .run)
            try container.encode(copySeconds, forKey: .copySeconds)
            try container.encode(copyRowsPerSecond, forKey: .copyRowsPerSecond)
            try container.encode(run.acceptedPerSecond, forKey: .acceptedPerSecond)
            try container.encode(ratioToCopy, forKey: .ratioToCopy)
        }
    }

    struct Single: Encodable {
        var run: SingleIngestion.Result
        var pgbench: PostgresBaselines.PgbenchResult
        var ratioToPgbench: Double { run.perSecond / max(pgbench.transactionsPerSecond, 1e-9) }

        enum CodingKeys: String, CodingKey { case run, perSecond, pgbench, ratioToPgbench }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(run, forKey: .run)
            try container.encode(run.perSecond, forKey: .perSecond)
            try container.encode(pgbench, forKey: .pgbench)
            try container.encode(ratioToPgbench, forKey: .ratioToPgbench)
        }
    }

    /// The single events sent by wrk, against the same pgbench run as the in-process client's.
    struct Wrk: Encodable {
        var run: WrkIngestion.Result
        var pgbench: PostgresBaselines.PgbenchResult
        var ratioToPgbench: Double { run.perSecond / max(pgbench.transactionsPerSecond, 1e-9) }

        enum CodingKeys: String, CodingKey { case run, perSecond, ratioToPgbench }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(run, forKey: .run)
            try container.encode(run.perSecond, forKey: .perSecond)
            try container.encode(ratioToPgbench, forKey: .ratioToPgbench)
        }
    }

    struct Check: Encodable {
        var what: String, expected: Int, found: Int
        var exact: Bool { expected == found }
        enum CodingKeys: String, CodingKey { case what, expected, found, exact }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(what, forKey: .what)
            try container.encode(expected, forKey: .expected)
            try container.encode(found, forKey: .found)
            try container.encode(exact, forKey: .exact)
        }
    }

    var machine: String
    var scale: String
    var seed: UInt64
    var dataSet: SyntheticDataSet.Figures?
    var unitImportSeconds: Double?
    var initialCatchUp: CoverageCatchUp.Figures?
    var batch: Batch?
    var catchUpAfterBatch: CoverageCatchUp.Figures?
    /// The coverage module's replay of the whole log after a rebuild (`nil` with `--no-replay`).
    var replay: CoverageCatchUp.Figures?
    var single: Single?
    /// The single events sent by wrk (`nil` when wrk is not installed or `--wrk-events 0`).
    var wrk: Wrk?
    var reads: [BenchReport.Level] = []
    var freshness: BenchReport.Summary?
    var freshnessLoadPerSecond: Int?
    var peakServerMemoryMiB: Double?
    var checks: [Check] = []
    /// False until every step has run: a run that stops early leaves its JSON marked unfinished.
    var finished = false

    var table: String {
        var lines = ["", "| figure | measured | baseline (same run) | ratio | target |", "| --- | --- | --- | --- | --- |"] + figureRows
        if let dataSet {
            lines.append("")
            lines.append("data set (\(scale), seed \(seed)): \(dataSet.villages) villages, \(dataSet.teams) teams, \(dataSet.members) members, "
                         + "\(dataSet.households) households, \(dataSet.visits) visits" + (dataSet.workLoadSeconds.map { "; copied in \(String(format: "%.0f", $0)) s" } ?? ""))
        }
        lines.append("counts: " + checks.map { "\($0.what) \($0.found)/\($0.expected)\($0.exact ? "" : " NOT EXACT")" }.joined(separator: "; "))
        lines.append("machine: \(machine)")
        return lines.joined(separator: "\n")
    }

    /// The table's rows of the figures measured so far.
    var figureRows: [String] {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        var lines: [String] = []
        if let batch {
            lines.append("| batch ingestion (\(batch.run.unique) events + \(batch.run.resent) resent, \(batch.run.batches) batches) | \(f(batch.run.acceptedPerSecond, 0)) events/s "
                         + "| COPY \(f(batch.copyRowsPerSecond, 0)) rows/s | \(f(batch.ratioToCopy, 2))× | ≥ 0.5× |")
        }
        if let single {
            lines.append("| single events, \(single.pgbench.clients) clients (p50 / p99 \(f(single.run.latency.p50)) / \(f(single.run.latency.p99)) ms) | \(f(single.run.perSecond, 0)) events/s "
                         + "| pgbench INSERT \(f(single.pgbench.transactionsPerSecond, 0)) tps (avg \(f(single.pgbench.latencyAverageMs)) ms) | \(f(single.ratioToPgbench, 2))× | ≥ 1.0× |")
        }
        if let wrk {
            lines.append("| single events from wrk, \(wrk.run.connections) connections (p50 / p99 \(f(wrk.run.p50Ms)) / \(f(wrk.run.p99Ms)) ms, \(wrk.run.created) answered 201 and \(wrk.run.storedInLog) in the log of \(wrk.run.events)) | \(f(wrk.run.perSecond, 0)) events/s "
                         + "| pgbench INSERT \(f(wrk.pgbench.transactionsPerSecond, 0)) tps | \(f(wrk.ratioToPgbench, 2))× | ≥ 1.0× |")
        }
        for level in reads {
            lines.append("| drill-down \(level.level), \(level.children) \(level.children == 1 ? "child" : "children") (p50 / p95 / p99 ms) | \(f(level.http.p50)) / \(f(level.http.p95)) / \(f(level.http.p99)) "
                         + "| plain GROUP BY \(f(level.plainGroupBy.p50)) ms | \(f(level.speedUp, 0))× | p95 ≤ 10 ms, ≥ 300× |")
        }
        if let freshness {
            lines.append("| freshness under \(freshnessLoadPerSecond ?? 0) visits/s (p50 / p95 ms) | \(f(freshness.p50)) / \(f(freshness.p95)) | | | p95 ≤ 1000 ms |")
        }
        if let replay {
            lines.append("| coverage replay of the whole log after a rebuild (\(replay.events) events) | \(f(replay.eventsPerSecond, 0)) events/s in \(f(replay.seconds)) s | | | ≥ 20,000 events/s |")
        }
        if let peakServerMemoryMiB { lines.append("| server peak resident memory | \(f(peakServerMemoryMiB)) MiB | | | ≤ 150 MB |") }
        if let unitImportSeconds { lines.append("| import of both trees and the reorganization | \(f(unitImportSeconds, 2)) s | | | |") }
        for (label, catchUp) in [("coverage catch-up with the data set", initialCatchUp), ("coverage catch-up with the batches", catchUpAfterBatch)] {
            if let catchUp, catchUp.events > 0 {
                lines.append("| \(label) (\(catchUp.events) events) | \(f(catchUp.eventsPerSecond, 0)) events/s in \(f(catchUp.seconds)) s | | | |")
            }
        }
        return lines
    }

    var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}
