import ArgumentParser
import CDTDemo
import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import Foundation
import Logging

/// `cdt bench run`: the whole benchmark on a database it prepares, against a server it starts as a
/// child process, with the load driven from this process over loopback. See docs/benchmarks.md.
struct BenchRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every benchmark (ingestion, coverage reads, freshness, memory, import) and print a table and JSON.",
        discussion: """
            Uses the configured database, or an embedded cluster in .build-bench/<scale> (kept between runs, so a \
            second run skips loading the data set). Loads what is missing of the data set, measures the import of \
            the real units in a scratch database, starts `cdt serve` on a free port, waits for the coverage module \
            to catch up with the log, then measures batch ingestion (with a tenth of the events resent) against \
            COPY, single-event ingestion against pgbench, the coverage drill-down against the plain GROUP BY, \
            freshness under load, the coverage module's replay of the whole log after a rebuild (--no-replay \
            leaves it out), the nation's drill-down with coverage on in every province (--no-nation-wide leaves it \
            out; it turns coverage on in the provinces where the data set has it off) and the server's peak memory. \
            Fails when a count is not exact.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var dataSet: DataSetOptions
    @Option(help: "Unique events for the batch ingestion run (a tenth more are resends).") var batchEvents: Int?
    @Option(help: "Events per batch request (1 to 1000).") var batchSize: Int = 1000
    @Option(help: "Concurrent clients sending batches.") var batchClients: Int = 4
    @Option(help: "Events for the single-event run.") var singleEvents: Int?
    @Option(help: "Concurrent clients sending single events (and pgbench's, and wrk's connections).") var clients: Int = 32
    @Option(help: "Events for the single-event run from wrk, an external load generator (default: as many as --single-events; 0 skips it).")
    var wrkEvents: Int?
    @Option(help: "Drill-down requests per level.") var samples: Int = 200
    @Option(help: "Runs of the plain GROUP BY per level.") var baselineRuns: Int = 3
    @Option(help: "Freshness probes.") var probes: Int = 20
    @Option(help: "Visits per second sent while freshness is probed.") var freshnessLoad: Int = 200
    @Option(help: "Also write the figures to this JSON file.") var json: String?
    @Option(help: "The server's log.level (info, a deployment's default; warning leaves the request log out of the figures).")
    var serverLogLevel: String = "info"
    @Flag(inversion: .prefixedNo, help: "Rebuild the coverage module at the end and time its replay of the whole log (at national scale, about half an hour).")
    var replay = true
    @Flag(inversion: .prefixedNo, help: "At the end, turn coverage on in every province in force where it is off and time the nation's drill-down over all of them (at small and province scale the data set turns it on in one).")
    var nationWide = true

    func validate() throws {
        guard Logger.Level(rawValue: serverLogLevel) != nil else { throw ValidationError("--server-log-level must be one of trace, debug, info, notice, warning, error, critical") }
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 1000") }
        guard (1...64).contains(batchClients), (1...256).contains(clients) else { throw ValidationError("--batch-clients must be from 1 to 64, --clients from 1 to 256") }
        guard (10...10_000).contains(samples), (1...50).contains(baselineRuns), (1...1000).contains(probes) else {
            throw ValidationError("--samples must be from 10 to 10000, --baseline-runs from 1 to 50, --probes from 1 to 1000")
        }
    }

    private var defaultBatchEvents: Int { [SyntheticScale.small: 20_000, .province: 100_000, .national: 300_000][dataSet.scale]! }
    private var defaultSingleEvents: Int { [SyntheticScale.small: 3_000, .province: 10_000, .national: 20_000][dataSet.scale]! }

    func run() async throws {
        var flags: [String: String] = [:]
        if database.databaseURL == nil, database.dataDir == nil, ProcessInfo.processInfo.environment["DATABASE_URL"] == nil {
            flags["data.dir"] = FileManager.default.currentDirectoryPath + "/.build-bench/\(dataSet.scale.rawValue)"
        }
        try await Interruption.cancellable { [self, flags] in
            try await withOpenedDatabase(database, extraFlags: flags) { opened in
                try await RowScope.$current.withValue(.everyProvince) {
                    let logFolder = opened.configuration.databaseURL == nil ? opened.configuration.dataDirectory : NSTemporaryDirectory()
                    try await measure(opened.target, opened.client, opened.logger, logFolder: logFolder)
                }
            }
        }
    }

    private func measure(_ target: DatabaseTarget, _ db: PostgresClient, _ logger: Logger, logFolder: String) async throws {
        // Each figure is printed and saved as soon as it is measured (see RunReportKeeper).
        let keeper = RunReportKeeper(RunReport(machine: BenchReport.machine(), scale: dataSet.scale.rawValue, seed: dataSet.seed), json: json)
        let dataSetFigures = try await dataSet.load(db, logger)
        try keeper.update { report in report.dataSet = dataSetFigures }
        let unitImportSeconds = try await importSeconds(target, logger)
        try keeper.update { report in report.unitImportSeconds = unitImportSeconds }

        let server = try BenchServer(conninfo: target.conninfo, applicationConninfo: target.applicationConninfo,
                                     port: try BenchServer.freePort(), logFile: logFolder + "/bench-server.log",
                                     logLevel: serverLogLevel)
        defer { server.stop() }
        let http = BenchHTTP(base: server.base, connections: max(clients, batchClients) + 8)
        try await server.waitUntilReady(http)
        let password = "bench " + UUID().uuidString
        let recorder = "bench-ingest-\(UUID().uuidString.prefix(8).lowercased())"
        let account = try await AccountAdministration(client: db).createAccount(
            username: recorder, phone: nil, displayName: "Benchmark", password: password,
            roles: [RoleAssignment(role: .nationalAdministrator, unitID: nil)])
        defer { Task { [db] in try? await PostgresAccountStore(client: db).disable(account.id) } }
        // National administrators sign in with a second factor: the run holds the account's secret.
        let secret = (0..<32).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".randomElement()! }.map(String.init).joined()
        try await AccountAdministration(client: db).turnOnTwoFactor(account.id, secret: secret, secrets: server.secrets)
        let token = try await http.signIn(recorder, password, code: TwoFactorCodes.code(secret: secret))

        let initialCatchUp = try await CoverageCatchUp.wait(db, label: "coverage catching up with the data set")
        try keeper.update { report in report.initialCatchUp = initialCatchUp }
        // The catch-up has just filled the modules' tables, which the seed analyzed empty. A server that has run
        // for a minute has had them analyzed by autovacuum; without it, PostgreSQL plans the modules' reads for
        // empty tables (docs/benchmarks.md, "Fifth round").
        print("analyzing the tables the catch-up filled, as autovacuum does in a server's first minute…")
        try await db.execute("ANALYZE")

        let batchCount = batchEvents ?? defaultBatchEvents, singleCount = singleEvents ?? defaultSingleEvents
        let wrk = WrkIngestion.locate()
        if wrk == nil { print("wrk is not installed (scripts/ensure-dependencies --for-bench installs it): its single-event run is left out") }
        let wrkCount = wrk == nil ? 0 : max(0, wrkEvents ?? singleCount)
        let total = batchCount + singleCount + wrkCount + batchCount / 2
        print("making \(total) visit events…")
        let made = try await IngestionEvents.make(total, db, seed: dataSet.seed).events
        let batchSource = Array(made[..<batchCount]), singleSource = Array(made[batchCount..<(batchCount + singleCount)])
        let wrkSource = Array(made[(batchCount + singleCount)..<(batchCount + singleCount + wrkCount)])
        let loadSource = Array(made[(batchCount + singleCount + wrkCount)...])

        print("batch ingestion: COPY of the same \(batchCount) rows (rolled back), then \(batchClients) clients × \(batchSize)-event batches…")
        let (copySeconds, vacuumSeconds) = try await PostgresBaselines.copySeconds(batchSource, db)
        print("COPY took \(String(format: "%.2f", copySeconds)) s; VACUUM of its rolled-back rows \(String(format: "%.2f", vacuumSeconds)) s")
        let batch = try await BatchIngestion(base: http.base, token: token, batchSize: batchSize, clients: batchClients)
            .run(batchSource, resendFraction: 0.1, seed: dataSet.seed)
        let batchChecks = try await exactCounts(batch, batchSource, db)
        try keeper.update { report in
            report.batch = .init(run: batch, copySeconds: copySeconds)
            report.checks += batchChecks
        }
        let catchUpAfterBatch = try await CoverageCatchUp.wait(db, label: "coverage catching up with the batches")
        try keeper.update { report in report.catchUpAfterBatch = catchUpAfterBatch }

        print("single events: pgbench (\(singleCount) INSERTs from \(clients) clients), then \(singleCount) POSTs from \(clients) clients…")
        let pgbench = try await PostgresBaselines.pgbenchSingleInserts(
            conninfo: target.conninfo, pgbench: try await PostgresInstallation.locate().binDirectory + "/pgbench",
            clients: clients, transactions: singleCount, sample: singleSource[0], db)
        let single = try await SingleIngestion(base: server.base, token: token, clients: clients).run(singleSource)
        let stored = try await db.query("SELECT count(*) FROM event_ids WHERE id = ANY(\(singleSource.map(\.id)))").decode(Int.self)[0]
        try keeper.update { report in
            report.single = .init(run: single, pgbench: pgbench)
            report.checks.append(.init(what: "single events in the log", expected: singleCount, found: stored))
        }
        _ = try await CoverageCatchUp.wait(db, label: "coverage catching up with the single events")
        if let wrk, !wrkSource.isEmpty {
            print("single events from wrk: \(wrkCount) POSTs over \(clients) connections…")
            var run = try await WrkIngestion(base: server.base, token: token, connections: clients, threads: 2).run(wrkSource, wrk: wrk)
            run.storedInLog = try await db.query("SELECT count(*) FROM event_ids WHERE id = ANY(\(wrkSource.map(\.id)))").decode(Int.self)[0]
            // Checked like the in-process clients' counts (the script counted a few answers short in some
            // runs until it stopped two connections from taking the last event: docs/benchmarks.md, "Twenty-second round").
            if run.created != wrkCount || run.storedInLog != wrkCount {
                print("wrk's answers: \(run.created) of \(wrkCount) answered 201, \(run.otherAnswers) other answers "
                      + "\(run.otherStatuses), \(run.lostAnswers) lost to \(run.socketErrors) socket errors, \(run.storedInLog) in the log")
            }
            try keeper.update { report in
                report.wrk = .init(run: run, pgbench: pgbench)
                report.checks.append(.init(what: "wrk's events answered 201", expected: wrkCount, found: run.created))
                report.checks.append(.init(what: "wrk's events in the log", expected: wrkCount, found: run.storedInLog))
            }
            _ = try await CoverageCatchUp.wait(db, label: "coverage catching up with wrk's events")
        }

        let (_, freshness) = try await CoverageReadsMeasurement(http: http, samples: samples, baselineRuns: baselineRuns, probes: probes)
            .measure(db, onLevel: { level in try keeper.update { report in report.reads.append(level) } }, load: { [http, token, freshnessLoad] in
                // Visits keep arriving at a steady rate while freshness is probed: a batch every 200 ms.
                let perBatch = max(1, freshnessLoad / 5)
                for start in stride(from: 0, to: loadSource.count, by: perBatch) {
                    let sent = ContinuousClock.now
                    let body = "{\"events\": [" + loadSource[start..<min(loadSource.count, start + perBatch)].map(\.json).joined(separator: ", ") + "]}"
                    _ = try await http.post("/api/v1/events/batch", json: Data(body.utf8), token: token)
                    try await Task.sleep(until: sent + .milliseconds(200))
                }
            })
        if replay {
            let coverage = try InstalledModules.coverage
            let (figures, check) = try await CoverageCatchUp.replay(db, consuming: coverage.manifest.consumes) {
                _ = try await ModuleAdministration.rebuild(coverage, owner: db)
            }
            try keeper.update { report in
                report.replay = figures
                report.checks.append(check)
            }
        }
        // Last, so every figure above is measured as in earlier runs, with coverage on where the data set is.
        if nationWide, let level = try await CoverageReadsMeasurement(http: http, samples: samples, baselineRuns: baselineRuns, probes: 0)
            .measureNationWide(db, enable: { try await enableEverywhere("coverage", db, logger) }) {
            try keeper.update { report in report.reads.append(level) }
        }
        let peakMemory = server.peakResidentMemoryMiB()
        try keeper.update { report in
            report.freshness = freshness
            report.freshnessLoadPerSecond = freshnessLoad
            report.peakServerMemoryMiB = peakMemory
            report.finished = true
        }

        print(keeper.report.table)
        if let json { print("wrote \(json)") }
        let wrong = keeper.report.checks.filter { !$0.exact }
        guard wrong.isEmpty else {
            throw CommandError("counts are not exact: " + wrong.map { "\($0.what): expected \($0.expected), found \($0.found)" }.joined(separator: "; "))
        }
    }

    /// The batch run's answers against what was sent, and the log against the unique events.
    private func exactCounts(_ batch: BatchIngestion.Result, _ source: [IngestionEvents.Event], _ db: PostgresClient) async throws -> [RunReport.Check] {
        let stored = try await db.query("SELECT count(*) FROM event_ids WHERE id = ANY(\(source.map(\.id)))").decode(Int.self)[0]
        return [
            .init(what: "batch events accepted", expected: batch.unique, found: batch.accepted),
            .init(what: "batch resends answered duplicate", expected: batch.resent, found: batch.duplicates),
            .init(what: "batch events rejected or in conflict", expected: 0, found: batch.rejected + batch.conflicts),
            .init(what: "batch events in the log", expected: batch.unique, found: stored),
        ]
    }

    /// Seconds to import both real trees and the reorganization into a scratch database of the embedded
    /// cluster (dropped afterwards); `nil` with a database of one's own.
    private func importSeconds(_ target: DatabaseTarget, _ logger: Logger) async throws -> Double? {
        guard let cluster = target.cluster else { return nil }
        let name = "cdt_bench_import"
        let owner = PostgresClient(configuration: .init(conninfo: target.conninfo, maximumConnections: 1), logger: logger)
        try await owner.execute("DROP DATABASE IF EXISTS \(unsafeSQL: name)")
        try await cluster.createDatabase(name)
        let scratch = PostgresClient(configuration: .init(conninfo: cluster.conninfo(database: name), maximumConnections: 2), logger: logger)
        do {
            var quiet = logger
            quiet.logLevel = .warning
            try await MigrationRunner(client: scratch, migrations: try InstalledModules.migrations, logger: quiet).apply()
            let started = ContinuousClock.now
            _ = try await DemoLoader(store: PostgresHierarchyStore(client: scratch), dataFolder: URL(fileURLWithPath: dataSet.dataFolder), seed: dataSet.seed)
                .importRealUnits { print($0) }
            let seconds = ProgressBar.seconds(ContinuousClock.now - started)
            await scratch.close()
            try await owner.execute("DROP DATABASE \(unsafeSQL: name)")
            await owner.close()
            return seconds
        } catch {
            await scratch.close()
            await owner.close()
            throw error
        }
    }
}

/// Waiting for the coverage module's delivery to reach the end of the log in every province where it is on.
enum CoverageCatchUp {
    struct Figures: Codable {
        var events: Int, seconds: Double
        var eventsPerSecond: Double { Double(events) / max(seconds, 1e-9) }
    }

    /// Events after coverage's checkpoints, counted once (a scan of the backlog).
    static func backlog(_ db: PostgresClient) async throws -> Int {
        try await db.query("""
            SELECT count(*) FROM module_enablements m
            JOIN events e ON e.province_id = m.province_id
            LEFT JOIN module_checkpoints c ON c.module_id = m.module_id AND c.province_id = m.province_id
            WHERE m.module_id = 'coverage' AND m.enabled
              AND (e.transaction_id, e.position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.position, 0))
            """).decode(Int.self)[0]
    }

    /// Whether any event lies after coverage's checkpoint in a province where it is on: an index probe a
    /// province (a semi-join was planned as a merge over the whole log, a second of CPU every poll).
    static func isBehind(_ db: PostgresClient) async throws -> Bool {
        try await db.query("""
            SELECT EXISTS (
                SELECT 1 FROM module_enablements m
                LEFT JOIN module_checkpoints c ON c.module_id = m.module_id AND c.province_id = m.province_id
                CROSS JOIN LATERAL (
                    SELECT 1 FROM events e WHERE e.province_id = m.province_id
                      AND e.transaction_id >= coalesce(c.transaction_id, '0'::xid8)
                      AND (e.transaction_id, e.position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.position, 0))
                    LIMIT 1) later
                WHERE m.module_id = 'coverage' AND m.enabled)
            """).decode(Bool.self)[0]
    }

    static func delivered(_ db: PostgresClient) async throws -> Int {
        try await db.query("SELECT coalesce(sum(delivered), 0)::bigint FROM module_checkpoints WHERE module_id = 'coverage'").decode(Int.self)[0]
    }

    /// Rebuilds the module (`rebuild`) while the server runs, so its dispatcher replays the whole log, and times
    /// the replay from the rebuild to the end of the log, looking every 100 ms. The check: every event of the
    /// types it consumes up to its checkpoints delivered once (`delivered` counts each delivery), both read in
    /// one statement, so events still arriving (the freshness run's last batch) count on both sides or neither.
    static func replay(_ db: PostgresClient, consuming types: [EventType], rebuild: () async throws -> Void) async throws -> (Figures, RunReport.Check) {
        let started = ContinuousClock.now
        try await rebuild()
        _ = try await wait(db, label: "coverage replaying the whole log after a rebuild", poll: .milliseconds(100))
        let seconds = ProgressBar.seconds(ContinuousClock.now - started)
        let (expected, found) = try await db.query("""
            SELECT (SELECT count(*) FROM module_checkpoints c JOIN events e ON e.province_id = c.province_id
                    WHERE c.module_id = 'coverage' AND e.type = ANY(\(types.map(\.rawValue)))
                      AND e.transaction_id <= c.transaction_id AND (e.transaction_id, e.position) <= (c.transaction_id, c.position)),
                   (SELECT coalesce(sum(delivered), 0)::bigint FROM module_checkpoints WHERE module_id = 'coverage')
            """).decode((Int, Int).self)[0]
        return (Figures(events: found, seconds: seconds), RunReport.Check(what: "coverage replay: events delivered", expected: expected, found: found))
    }

    /// Waits until coverage has reached the end of the log, looking every `poll`.
    static func wait(_ db: PostgresClient, label: String, poll: Duration = .seconds(1), timeout: Duration = .seconds(6 * 3600)) async throws -> Figures {
        let started = ContinuousClock.now
        let initial = try await backlog(db), deliveredBefore = try await delivered(db)
        let bar = ProgressBar(label)
        while try await isBehind(db) {
            bar.update(min(initial, try await delivered(db) - deliveredBefore), of: initial)
            guard ContinuousClock.now - started < timeout else { throw CommandError("coverage was still behind the log after \(timeout)") }
            try await Task.sleep(for: poll)
        }
        if initial > 0 { bar.update(initial, of: initial) }
        return Figures(events: initial, seconds: ProgressBar.seconds(ContinuousClock.now - started))
    }
}
