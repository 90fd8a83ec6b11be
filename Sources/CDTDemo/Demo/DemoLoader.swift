public import CDTDomain
public import CDTPostgres
import CDTServer
public import Foundation

/// Loads the demo: the real administrative units of 2024 and 2025 with the whole 2025 reorganization,
/// synthetic villages under the 2025 communes, a season of synthetic work in each province (teams,
/// members, households, visits, a campaign, trainings; see ``DemoSeason``) stored as events in the log,
/// and then the tree in force since 30 April 2026, which renames and retypes units over that work.
/// Each step runs only when its data is missing (the work province by province), so loading again
/// changes nothing and an interrupted load carries on where it stopped.
public struct DemoLoader: Sendable {
    public let store: PostgresHierarchyStore
    /// The folder holding `units_2024.csv`, `units_2025.csv`, `merge_map_2025.csv` and `units_2026.csv`.
    public let dataFolder: URL
    public let seed: UInt64
    public static let firstTreeDate = CalendarDate("2025-03-01")!
    public static let reformDate = CalendarDate("2025-07-01")!
    /// The day the tree of Resolution 237/NQ-UBTVQH16 took effect (`units_2026.csv`).
    public static let todaysTreeDate = CalendarDate("2026-04-30")!

    public init(store: PostgresHierarchyStore, dataFolder: URL, seed: UInt64) {
        self.store = store
        self.dataFolder = dataFolder
        self.seed = seed
    }

    /// How many households each village gets (with visits for about two thirds of them); 0 for teams and
    /// members only (the benchmarks' data set adds its own households).
    public var householdsPerVillage = 3
    /// The provinces (2025 codes) that get a season of work; `nil` for all.
    public var provinceCodes: Set<String>?

    /// What loading did, in lines for a person.
    public func load(progress: (String) -> Void) async throws -> [String] {
        var report = try await loadUnits(progress: progress)
        report += try await loadSeasons(progress: progress)
        report += try await importTodaysTree(progress: progress)
        return report
    }

    /// The real units of both trees, the reorganization and the synthetic villages, each when missing.
    public func loadUnits(progress: (String) -> Void) async throws -> [String] {
        try await importRealUnits(progress: progress) + generateVillages(progress: progress)
    }

    /// The real units of both trees and the 2025 reorganization, when missing.
    public func importRealUnits(progress: (String) -> Void) async throws -> [String] {
        var report: [String] = []
        if try await store.count(level: .province, inForceOn: Self.reformDate) == 0 {
            progress("importing the real administrative units (2024 and 2025 trees, the whole 2025 reorganization)…")
            let first = try await store.importTree(try UnitFiles.units(in: read("units_2024.csv")), effective: Self.firstTreeDate)
            let second = try await store.importTree(try UnitFiles.units(in: read("units_2025.csv")), effective: Self.reformDate)
            let links = try await store.importReorganization(try UnitFiles.lineage(in: read("merge_map_2025.csv")), effective: Self.reformDate)
            report.append("units: \(first.created.count) in the 2024 tree, \(second.created.count + second.unchanged) in the 2025 tree, \(links) lineage links")
        } else {
            report.append("units: already loaded")
        }
        return report
    }

    /// The tree in force since 30 April 2026 over the 2025 one: 205 units respelled or retyped, keeping
    /// their identity, their villages and their work. Importing it again changes nothing.
    public func importTodaysTree(progress: (String) -> Void) async throws -> [String] {
        // Every start runs the demo: once the tree is recorded, skip the import's reading of every unit.
        let recorded = try await store.client.query("""
            SELECT count(*) FROM hierarchy_imports WHERE kind = 'tree' AND effective = \(Self.todaysTreeDate)
            """).decode(Int.self)[0]
        guard recorded == 0 else { return ["units: the 2026 tree already in force"] }
        let text = try read("units_2026.csv")
        let request = HierarchyImportRequest(
            tree: try UnitFiles.units(in: text), effective: Self.todaysTreeDate,
            checksum: try await store.checksum(of: text), source: "units_2026.csv")
        let report = try await store.importHierarchy(request)
        guard let tree = report.tree, !tree.isEmpty else { return ["units: the 2026 tree already in force"] }
        progress("imported the tree in force since \(Self.todaysTreeDate): \(tree.renamed.count) units renamed or retyped")
        return ["units: the 2026 tree, \(tree.renamed.count) renamed or retyped, \(tree.created.count) new, \(tree.closed.count) closed"]
    }

    /// Synthetic villages under the 2025 communes, when none are there.
    public func generateVillages(progress: (String) -> Void) async throws -> [String] {
        var report: [String] = []
        if try await store.count(level: .village, inForceOn: Self.reformDate) == 0 {
            progress("generating villages under today's communes (seed \(seed))…")
            let inForce = try await store.units(inForceOn: Self.reformDate)
            let byID = Dictionary(uniqueKeysWithValues: inForce.map { ($0.id, $0) })
            let communes = inForce.filter { $0.kind.level == .commune }
            let villages = try DemoVillages.generate(
                for: communes,
                provinceCodeOf: { commune in commune.parentID.flatMap { byID[$0]?.code } ?? "" },
                from: Self.reformDate, seed: seed)
            try await store.add(villages)
            report.append("villages: \(villages.count) generated under \(communes.count) communes")
        } else {
            report.append("villages: already generated")
        }
        return report
    }

    /// A season of work for each province that has no teams yet, one transaction per province, two
    /// provinces at a time (one is generated while the other is being stored).
    public func loadSeasons(progress: (String) -> Void) async throws -> [String] {
        let inForce = try await store.units(inForceOn: Self.reformDate)
        let provinces = inForce.filter { $0.kind.level == .province }.sorted { $0.code < $1.code }
        let children = Dictionary(grouping: inForce.filter { $0.parentID != nil }, by: { $0.parentID! })
        let withTeams = Set(try await store.client.query("SELECT DISTINCT province_id FROM teams").decode(ID<AdministrativeUnit>.self))
        let seasons = provinces.filter { !withTeams.contains($0.id) && provinceCodes?.contains($0.code) != false }.map { province in
            DemoSeason(
                province: province,
                communes: (children[province.id] ?? []).filter { $0.kind.level == .commune }.sorted { $0.code < $1.code }.map {
                    DemoSeason.Commune(unit: $0, villages: (children[$0.id] ?? []).sorted { $0.code.localizedStandardCompare($1.code) == .orderedAscending })
                },
                householdsPerVillage: householdsPerVillage, seed: seed)
        }
        let loader = PostgresEventBulkLoader(client: store.client)
        var done = 0, events = 0
        try await withThrowingTaskGroup(of: (String, Int, Duration).self) { group in
            var next = seasons.makeIterator()
            func start(_ season: DemoSeason) {
                group.addTask {
                    let started = ContinuousClock.now
                    let generated = season.events()
                    try await loader.load(generated)
                    return (season.province.name, generated.count, ContinuousClock.now - started)
                }
            }
            for _ in 0..<2 { if let season = next.next() { start(season) } }
            while let (name, count, took) = try await group.next() {
                done += 1
                events += count
                progress("[\(done)/\(seasons.count)] \(name): \(count) events (teams, members, households, visits) in "
                         + took.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))
                if let season = next.next() { start(season) }
            }
        }
        return [seasons.isEmpty ? "work: already loaded" : "work: \(events) events in \(seasons.count) provinces"]
    }

    private func read(_ name: String) throws -> String {
        let url = dataFolder.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("cannot read \(url.path); run from the repository or pass --data-folder")
        }
        return text
    }
}
