import ArgumentParser
import CDTDomain
import CDTPostgres
import CDTServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `cdt bench coverage-reads`: the coverage module's drill-down over real HTTP (a running server, on
/// loopback) at nation, province and commune level, against the plain GROUP BY over the raw events that
/// gives the same figures, timed in the same run on the same database; and freshness: from an
/// acknowledged event to its appearance in the figures. Fails loudly when the figures differ.
struct CoverageReads: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage-reads",
        abstract: "Coverage drill-down latency against the plain GROUP BY over the raw events, and freshness.",
        discussion: """
            Needs a running server on the same database (scripts/serve) with coverage enabled somewhere (cdt demo \\
            enables it in Lạng Sơn and Cao Bằng). Makes two accounts for the run (a national viewer, and a commune \\
            officer who records the freshness probes: households labelled "bench") and disables them at the end.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The server's address.") var url: String = "http://127.0.0.1:8080"
    @Option(help: "Requests per level (10 to 10000).") var samples: Int = 200
    @Option(help: "Runs of the plain GROUP BY per level (1 to 50).") var baselineRuns: Int = 5
    @Option(help: "Freshness probes (0 to 1000).") var probes: Int = 20
    @Option(help: "Also write the figures to this JSON file.") var json: String?

    func validate() throws {
        guard (10...10_000).contains(samples) else { throw ValidationError("--samples must be from 10 to 10000") }
        guard (1...50).contains(baselineRuns) else { throw ValidationError("--baseline-runs must be from 1 to 50") }
        guard (0...1000).contains(probes) else { throw ValidationError("--probes must be from 0 to 1000") }
    }

    func run() async throws {
        try await withDatabase(database) { client, _ in
            try await RowScope.$current.withValue(.everyProvince) {
                var report = BenchReport(machine: BenchReport.machine(), samples: samples, baselineRuns: baselineRuns)
                (report.levels, report.freshness) = try await CoverageReadsMeasurement(
                    http: BenchHTTP(base: url), samples: samples, baselineRuns: baselineRuns, probes: probes).measure(client)
                print(report.table)
                if let json {
                    try report.json.write(to: URL(fileURLWithPath: json))
                    print("wrote \(json)")
                }
            }
        }
    }
}

/// The coverage drill-down at three levels against the plain GROUP BY, and freshness probes, for
/// `cdt bench coverage-reads` and `cdt bench run`.
struct CoverageReadsMeasurement {
    let http: BenchHTTP
    let samples: Int
    let baselineRuns: Int
    let probes: Int

    /// Measures; `onLevel` is called with each level as soon as it is measured; `load`, when given, runs
    /// while the freshness probes do and is cancelled after them.
    func measure(_ db: PostgresClient, onLevel: (BenchReport.Level) throws -> Void = { _ in },
                 load: (@Sendable () async throws -> Void)? = nil) async throws -> ([BenchReport.Level], BenchReport.Summary?) {
        let provinces = try await db.query("""
            SELECT e.province_id, u.name, count(*) FROM module_enablements m JOIN administrative_units u ON u.id = m.province_id
            JOIN events e ON e.province_id = m.province_id
            WHERE m.module_id = 'coverage' AND m.enabled GROUP BY 1, 2 ORDER BY 3 DESC
            """).decode((ID<AdministrativeUnit>, String, Int64).self)
        guard let (province, provinceName, _) = provinces.first else { throw CommandError("coverage is enabled nowhere: run cdt demo, or cdt modules enable coverage --province …") }
        guard let (commune, communeName) = try await db.query("""
            SELECT c.id, c.name FROM administrative_units c JOIN administrative_units v ON v.parent_id = c.id
            WHERE c.parent_id = \(province) AND c.valid_until IS NULL AND v.valid_until IS NULL GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 1
            """).decode((ID<AdministrativeUnit>, String).self).first else { throw CommandError("\(provinceName) has no commune with villages") }
        let password = "bench " + UUID().uuidString
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let accounts = AccountAdministration(client: db)
        let viewer = try await accounts.createAccount(username: "bench-viewer-\(suffix)", phone: nil, displayName: "Benchmark", password: password,
                                                      roles: [RoleAssignment(role: .nationalViewer, unitID: nil)])
        let recorder = try await accounts.createAccount(username: "bench-recorder-\(suffix)", phone: nil, displayName: "Benchmark", password: password,
                                                        roles: [RoleAssignment(role: .communeOfficer, unitID: commune)])
        defer { Task { [db] in try? await PostgresAccountStore(client: db).disable(viewer.id); try? await PostgresAccountStore(client: db).disable(recorder.id) } }
        let viewerToken = try await http.signIn("bench-viewer-\(suffix)", password)
        let today = CalendarDate(Date())
        let enabled = provinces.map(\.0)

        var measured: [BenchReport.Level] = []
        let levels: [(String, String, [ID<AdministrativeUnit>])] = [
            ("nation", "nation", enabled),
            ("province (\(provinceName))", province.description, try await children(of: province, db)),
            ("commune (\(communeName))", commune.description, try await children(of: commune, db)),
        ]
        print("coverage drill-down: \(samples) GET /figures per level over HTTP (\(http.base)), \(baselineRuns) runs of the plain GROUP BY")
        let connection = try await LoopbackHTTP(base: http.base)
        defer { Task { await connection.close() } }
        for (label, unit, childIDs) in levels {
            measured.append(try await level(label, unit: unit, children: childIDs, today: today, token: viewerToken, connection, db))
            try onLevel(measured[measured.count - 1])
        }
        guard probes > 0 else { return (measured, nil) }
        let background = load.map { load in Task { try await load() } }
        defer { background?.cancel() }
        let fresh = try await freshness(http, recorder: "bench-recorder-\(suffix)", author: recorder.id, password: password, commune: commune, viewerToken: viewerToken, db)
        return (measured, fresh)
    }

    /// The nation's drill-down with coverage on in every province in force (at small and province scale the
    /// data sets turn it on in one, so the nation's row above has one child): `enable` turns it on where it is
    /// off and returns those provinces; once the module has caught up with them, the nation is measured as
    /// above, against the plain GROUP BY over every province. `nil` when it was on everywhere already.
    func measureNationWide(_ db: PostgresClient, enable: () async throws -> [ID<AdministrativeUnit>]) async throws -> BenchReport.Level? {
        let enabled = try await enable()
        guard !enabled.isEmpty else {
            print("coverage is on in every province already: the nation's row above is the nation-wide one")
            return nil
        }
        print("coverage turned on in \(enabled.count) more provinces for the nation-wide drill-down")
        _ = try await CoverageCatchUp.wait(db, label: "coverage catching up with the provinces turned on")
        let provinces = try await db.query("""
            SELECT m.province_id FROM module_enablements m JOIN administrative_units u ON u.id = m.province_id
            WHERE m.module_id = 'coverage' AND m.enabled AND u.valid_until IS NULL
            """).decode(ID<AdministrativeUnit>.self)
        let password = "bench " + UUID().uuidString
        let username = "bench-viewer-\(UUID().uuidString.prefix(8).lowercased())"
        let viewer = try await AccountAdministration(client: db).createAccount(
            username: username, phone: nil, displayName: "Benchmark", password: password, roles: [RoleAssignment(role: .nationalViewer, unitID: nil)])
        defer { Task { [db] in try? await PostgresAccountStore(client: db).disable(viewer.id) } }
        let token = try await http.signIn(username, password)
        let connection = try await LoopbackHTTP(base: http.base)
        defer { Task { await connection.close() } }
        print("coverage drill-down of the nation over \(provinces.count) provinces: \(samples) GET /figures, \(baselineRuns) runs of the plain GROUP BY")
        return try await level("nation (coverage on in every province)", unit: "nation", children: provinces, today: CalendarDate(Date()),
                               token: token, answersEveryChild: true, connection, db)
    }

    /// One level: `samples` requests of its figures over HTTP, timed, then `baselineRuns` runs of the plain
    /// GROUP BY for its children; fails when the module's figures differ from the reference's, and, when
    /// `answersEveryChild`, when the answer does not hold every one of `childIDs`.
    private func level(_ label: String, unit: String, children childIDs: [ID<AdministrativeUnit>], today: CalendarDate, token: String,
                       answersEveryChild: Bool = false, _ connection: LoopbackHTTP, _ db: PostgresClient) async throws -> BenchReport.Level {
        var latencies: [Double] = []
        var answer: [String: Any] = [:]
        for _ in 0..<samples {
            // Timed: the request and its whole answer, received. Not timed: the benchmark's own parse of
            // the answer (Foundation's JSONSerialization took longer over a province's 56 children than
            // the server took to answer).
            let path = "/api/v1/modules/coverage/figures?unit=\(unit)&from=\(today)"
            let got = try await connection.get(path, token: token)
            guard got.status == 200 else { throw CommandError("GET \(path) answered \(got.status): \(String(decoding: got.body.prefix(300), as: UTF8.self))") }
            latencies.append(got.milliseconds)
            answer = try BenchHTTP.jsonObject(got.body)
        }
        var baseline: [Double] = []
        var reference: [UUID: [String: Double]] = [:]
        for _ in 0..<baselineRuns {
            let started = ContinuousClock.now
            reference = try await InstalledModules.coverageReference(childIDs, at: today, db)
            baseline.append(milliseconds(ContinuousClock.now - started))
        }
        let mismatches = compare(answer, reference)
        guard mismatches.isEmpty else {
            throw CommandError("the module's figures differ from the plain GROUP BY at \(label): \(mismatches.prefix(5).joined(separator: "; "))")
        }
        let answered = (answer["children"] as? [[String: Any]])?.count ?? 0
        guard !answersEveryChild || answered == childIDs.count else {
            throw CommandError("the module answered \(answered) children at \(label), where \(childIDs.count) were expected")
        }
        return .init(level: label, children: childIDs.count, http: .init(latencies), plainGroupBy: .init(baseline))
    }

    private func children(of unit: ID<AdministrativeUnit>, _ db: PostgresClient) async throws -> [ID<AdministrativeUnit>] {
        try await db.query("SELECT id FROM administrative_units WHERE parent_id = \(unit) AND valid_until IS NULL").decode(ID<AdministrativeUnit>.self)
    }

    /// The children's base metrics in the module's answer that differ from the reference.
    private func compare(_ answer: [String: Any], _ reference: [UUID: [String: Double]]) -> [String] {
        var mismatches: [String] = []
        let baseMetrics = InstalledModules.coverageBaseMetrics
        for child in answer["children"] as? [[String: Any]] ?? [] {
            guard let unit = child["unit"] as? [String: Any], let id = (unit["id"] as? String).flatMap(UUID.init(uuidString:)) else { continue }
            for figure in child["figures"] as? [[String: Any]] ?? [] {
                guard let metric = figure["metric"] as? String, baseMetrics.contains(metric) else { continue }
                let got = figure["value"] as? Double ?? 0, want = reference[id]?[metric] ?? 0
                if abs(got - want) > 1e-6 { mismatches.append("\(unit["name"] ?? id) \(metric): module \(got), plain \(want)") }
            }
        }
        return mismatches
    }

    /// Households registered through `POST /api/v1/events`, each timed from the answer to its appearance in
    /// the commune's figures.
    private func freshness(_ http: BenchHTTP, recorder: String, author: ID<Account>, password: String, commune: ID<AdministrativeUnit>, viewerToken: String, _ db: PostgresClient) async throws -> BenchReport.Summary {
        let token = try await http.signIn(recorder, password)
        guard let village = try await children(of: commune, db).first else { throw CommandError("the commune has no village") }
        func households() async throws -> Double {
            let answer = try await http.getJSON("/api/v1/modules/coverage/figures?unit=\(commune)", token: viewerToken)
            return (answer["figures"] as? [[String: Any]] ?? []).first { $0["metric"] as? String == "households" }?["value"] as? Double ?? -1
        }
        var delays: [Double] = []
        for _ in 0..<probes {
            let before = try await households()
            let event: [String: Any] = [
                "id": UUID().lowercasedText, "type": "household.registered", "version": 1, "unitId": village.description,
                "authorId": author.description, "occurredAt": ISO8601DateFormatter().string(from: Date()),
                "payload": ["householdId": UUID().lowercasedText, "size": 1, "label": "bench"],
            ]
            _ = try await http.post("/api/v1/events", event, token: token)
            let acknowledged = ContinuousClock.now
            while try await households() < before + 1 {
                guard ContinuousClock.now - acknowledged < .seconds(30) else { throw CommandError("an event did not reach the figures within 30 s") }
            }
            delays.append(milliseconds(ContinuousClock.now - acknowledged))
        }
        return .init(delays)
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

