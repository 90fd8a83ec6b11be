import CDTPostgres
import Foundation

/// What PostgreSQL itself does with the same work, measured on the same database in the same run.
enum PostgresBaselines {
    private struct RolledBack: Error {}

    /// Seconds to COPY `events` into the log table, in a transaction that is then rolled back (so the
    /// same rows can go through the server afterwards), and the seconds `VACUUM` then took to clear the
    /// rolled-back rows away. Left in place, they were dead entries under the very keys the batches insert
    /// next: every unique check of the log's key then visited the dead row of the same id, and the
    /// batches met a log with as many dead rows as they had events, which COPY had not
    /// (docs/benchmarks.md, "Twenty-second round").
    static func copySeconds(_ events: [IngestionEvents.Event], _ db: PostgresClient) async throws -> (copy: Double, vacuum: Double) {
        var seconds = 0.0
        do {
            try await db.withTransaction { tx in
                let recordedAt = Date()
                let started = ContinuousClock.now
                try await tx.copy(into: "events", columns: ["id", "province_id", "unit_id", "type", "version", "author_id", "occurred_at", "recorded_at", "payload"]) { writer in
                    for event in events {
                        try writer.appendRow(event.id, event.province, event.unit, "household.visited", 1, IngestionEvents.author, event.occurredAt, recordedAt, event.payload)
                    }
                }
                seconds = ProgressBar.seconds(ContinuousClock.now - started)
                throw RolledBack()
            }
        } catch is RolledBack {}
        let started = ContinuousClock.now
        try await db.execute("VACUUM events")
        return (seconds, ProgressBar.seconds(ContinuousClock.now - started))
    }

    struct PgbenchResult: Codable {
        var clients: Int, transactions: Int, transactionsPerSecond: Double, latencyAverageMs: Double
    }

    /// pgbench at `clients` connections, `transactions` in all (pgbench's -T never ends when started from
    /// this process: its alarm signal stays blocked), each one autocommitted single-row
    /// INSERT of an event like `sample` into a table shaped like the log (its columns, defaults and
    /// indexes), with the cluster's own durability settings; the table is dropped afterwards.
    static func pgbenchSingleInserts(conninfo: String, pgbench: String, clients: Int, transactions: Int, sample: IngestionEvents.Event, _ db: PostgresClient) async throws -> PgbenchResult {
        try await db.execute("DROP TABLE IF EXISTS bench_single_inserts")
        try await db.execute("CREATE TABLE bench_single_inserts (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES)")
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-bench-insert-\(UUID().uuidString).sql")
        let literal = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        try """
            INSERT INTO bench_single_inserts (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload) \
            VALUES (gen_random_uuid(), \(literal(sample.province.uuidString)), \(literal(sample.unit.uuidString)), 'household.visited', 1, \
            \(literal(IngestionEvents.author.uuidString)), now(), now(), \(literal(sample.payload))::jsonb);

            """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let output = try run(pgbench, ["-n", "-c", String(clients), "-j", "2", "-t", String(max(1, transactions / clients)), "-f", script.path, conninfo])
        try await db.execute("DROP TABLE bench_single_inserts")
        func figure(after label: String) -> Double? {
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return nil }
            return Double(line.dropFirst(label.count).split(separator: " ").first ?? "")
        }
        guard let tps = figure(after: "tps = "), let latency = figure(after: "latency average = ") else {
            throw CommandError("pgbench gave no figures: \(output.suffix(500))")
        }
        return PgbenchResult(clients: clients, transactions: max(1, transactions / clients) * clients, transactionsPerSecond: tps, latencyAverageMs: latency)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw CommandError("pgbench failed: \(output.suffix(500))") }
        return output
    }
}
