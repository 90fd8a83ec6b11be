public import CDTDomain
public import CDTPostgres
public import Foundation

/// The benchmarks' data set at a ``SyntheticScale``, loaded into an empty database: the real units (both
/// trees and the 2025 reorganization, timed), synthetic villages, a team with members in every village of
/// the scale's provinces (through the demo's generator), then households and visits copied in chunks,
/// each chunk one transaction, two chunks in flight. Deterministic for the seed.
///
/// Each step runs only when its data is missing; households are added only to a database that has none.
public struct SyntheticDataSet: Sendable {
    public let client: PostgresClient
    /// The folder holding `units_2024.csv`, `units_2025.csv` and `merge_map_2025_sample.csv`.
    public let dataFolder: URL
    public let scale: SyntheticScale
    /// How many households it registers: the scale's unless told otherwise.
    public let households: Int
    public let visits: Int
    public let seed: UInt64

    /// The author of record of the synthetic work.
    public static let author = DemoSeason.author
    /// About how many events one chunk (one transaction) holds.
    static let eventsPerChunk = 50_000

    /// `households` and `visits` replace the scale's own figures: the national scale's 67,000 villages and
    /// 34 provinces with a fraction of its work load in minutes instead of hours.
    public init(client: PostgresClient, dataFolder: URL, scale: SyntheticScale, households: Int? = nil, visits: Int? = nil, seed: UInt64) {
        self.client = client
        self.dataFolder = dataFolder
        self.scale = scale
        self.households = households ?? scale.households
        self.visits = visits ?? scale.defaultVisits
        self.seed = seed
    }

    /// What loading did.
    public struct Figures: Sendable, Codable {
        /// Seconds to import the real units of both trees and the reorganization; `nil` when they were there.
        public var unitImportSeconds: Double?
        public var villages = 0, teams = 0, members = 0, households = 0, visits = 0
        /// Seconds to copy the households and visits in; `nil` when they were there.
        public var workLoadSeconds: Double?
    }

    /// Loads what is missing. `progress` hears lines for a person; `copied` hears rows copied so far
    /// against the total, for a progress bar.
    public func load(progress: @escaping @Sendable (String) -> Void, copied: @escaping @Sendable (Int, Int) -> Void) async throws -> Figures {
        var figures = Figures()
        var demo = DemoLoader(store: PostgresHierarchyStore(client: client), dataFolder: dataFolder, seed: seed)
        demo.householdsPerVillage = 0
        demo.provinceCodes = scale.provinceCodes
        let started = ContinuousClock.now
        let imported = try await demo.importRealUnits(progress: progress)
        if !imported.contains("units: already loaded") { figures.unitImportSeconds = Self.seconds(since: started) }
        let generated = try await demo.generateVillages(progress: progress) + demo.loadSeasons(progress: progress)
        for line in imported + generated { progress(line) }
        let villages = try await self.villages()
        figures.villages = villages.count
        (figures.teams, figures.members) = try await client.query("""
            SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM members)
            """).decode((Int, Int).self)[0]
        let stored = try await client.query("SELECT count(*) FROM households").decode(Int.self)[0]
        if stored == 0 {
            let loadStarted = ContinuousClock.now
            try await copyWork(into: villages, progress: progress, copied: copied)
            figures.workLoadSeconds = Self.seconds(since: loadStarted)
            // As after any bulk load: the planner's statistics and the visibility map, before anything reads the
            // rows. Every table, not only the work's: units, teams and members were loaded too, and without their
            // statistics the planner took a drill-down's few index reads for large ones. Without the vacuum,
            // autovacuum would do it while the benchmark runs, beside the coverage module catching up.
            progress("vacuuming and analyzing the loaded tables…")
            try await client.execute("VACUUM (ANALYZE)")
        } else if stored < households {
            // Each chunk commits on its own: a load stopped halfway leaves some of them.
            throw SyntheticDataSetError(
                "this database holds \(stored) households where this data set has \(households): an earlier load was "
                + "stopped halfway, or made with fewer households; load into an empty database (remove the data folder, "
                + "or create a new database), or ask for the households it was made with")
        } else {
            progress("households: already loaded")
        }
        (figures.households, figures.visits) = try await client.query("""
            SELECT (SELECT count(*) FROM households), (SELECT count(*) FROM events WHERE type = 'household.visited')
            """).decode((Int, Int).self)[0]
        return figures
    }

    /// The villages in force of the scale's provinces, in code order, with their team's members.
    func villages() async throws -> [SyntheticVillage] {
        let codes = scale.provinceCodes.map { Array($0) }
        return try await client.query("""
            SELECT v.id, v.province_id, v.code, v.type,
                   coalesce((SELECT array_agg(s.member_id ORDER BY s.member_id) FROM teams t JOIN memberships s ON s.team_id = t.id
                             WHERE t.unit_id = v.id AND t.ended_on IS NULL AND s.left_on IS NULL), '{}')
            FROM administrative_units v JOIN administrative_units p ON p.id = v.province_id
            WHERE v.level = 'village' AND v.valid_until IS NULL AND (\(codes)::text[] IS NULL OR p.code = ANY(\(codes)))
            ORDER BY v.code
            """).decode((ID<AdministrativeUnit>, ID<AdministrativeUnit>, String, String, [ID<Member>]).self)
            .map { SyntheticVillage(id: $0.0, provinceID: $0.1, code: $0.2, type: $0.3, members: $0.4) }
    }

    /// How many households and visits each village gets: the data set's totals split by weight (size by the
    /// village's type, times a random factor; visits also by how active its team is), rounded so the
    /// parts add up to the totals exactly.
    func allocation(for villages: [SyntheticVillage]) -> [(households: Int, visits: Int)] {
        var generator = SeededGenerator(seed: seed ^ 0xA110_CA7E)
        let sizes = villages.map { $0.sizeWeight * Double.random(in: 0.5...1.5, using: &generator) }
        let households = Self.split(self.households, by: sizes)
        let activity = households.enumerated().map { index, count in
            villages[index].members.isEmpty ? 0 : Double(count) * Double.random(in: 0.3...1.7, using: &generator)
        }
        let visits = Self.split(self.visits, by: activity)
        return Array(zip(households, visits))
    }

    /// `total` split in proportion to `weights`, the parts adding up to `total` exactly.
    static func split(_ total: Int, by weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        var running = 0.0, given = 0
        return weights.map { weight in
            running += weight
            let upTo = Int((running / sum * Double(total)).rounded())
            defer { given = upTo }
            return upTo - given
        }
    }

    private func copyWork(into villages: [SyntheticVillage], progress: @escaping @Sendable (String) -> Void, copied: @escaping @Sendable (Int, Int) -> Void) async throws {
        let allocation = allocation(for: villages)
        let total = allocation.reduce(0) { $0 + 2 * $1.households + $1.visits }  // a household is an event and a row
        var chunks: [[Int]] = [[]], size = 0
        for index in villages.indices {
            chunks[chunks.count - 1].append(index)
            size += allocation[index].households + allocation[index].visits
            if size >= Self.eventsPerChunk { chunks.append([]); size = 0 }
        }
        progress("households and visits: \(households) households, \(visits) visits in \(villages.count) villages, \(chunks.count) chunks")
        let done = Counter()
        copied(0, total)
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = chunks.makeIterator()
            func start(_ chunk: [Int]) {
                group.addTask { [client, seed] in
                    var rows = 0
                    try await client.withTransaction { tx in
                        rows = try await Self.copy(chunk.map { (villages[$0], allocation[$0]) }, seed: seed, tx)
                    }
                    return rows
                }
            }
            for _ in 0..<2 { if let chunk = next.next() { start(chunk) } }
            while let rows = try await group.next() {
                copied(await done.add(rows), total)
                if let chunk = next.next() { start(chunk) }
            }
        }
    }

    /// Copies the work of some villages in: the events' ids, the events, the households. Returns the rows.
    private static func copy(_ villages: [(SyntheticVillage, (households: Int, visits: Int))], seed: UInt64, _ tx: PostgresSession) async throws -> Int {
        let work = villages.map { village, counts in (village, SyntheticVillageWork(village, households: counts.households, visits: counts.visits, seed: seed)) }
        let recordedAt = Date()
        try await tx.copy(into: "event_ids", columns: ["id", "province_id"]) { writer in
            for (village, made) in work { for event in made.events { try writer.appendRow(event.id, village.provinceID) } }
        }
        try await tx.copy(into: "events", columns: ["id", "province_id", "unit_id", "type", "version", "author_id", "occurred_at", "recorded_at", "payload"]) { writer in
            for (village, made) in work {
                for event in made.events {
                    try writer.appendRow(event.id, village.provinceID, village.id, event.type, 1, author, event.occurredAt, recordedAt, event.payload)
                }
            }
        }
        try await tx.copy(into: "households", columns: ["id", "province_id", "unit_id", "label", "search_key", "size", "residents", "not_applicable", "registered_on"]) { writer in
            for (village, made) in work {
                for household in made.households {
                    try writer.appendRow(household.id, village.provinceID, village.id, household.label, VietnameseText.searchKey(household.label), household.size, household.residents,
                                         household.notApplicable, household.registeredOn)
                }
            }
        }
        return work.reduce(0) { $0 + $1.1.events.count + $1.1.households.count }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private actor Counter {
        var value = 0
        func add(_ amount: Int) -> Int {
            value += amount
            return value
        }
    }
}

/// Why the synthetic data set cannot be loaded.
public struct SyntheticDataSetError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
