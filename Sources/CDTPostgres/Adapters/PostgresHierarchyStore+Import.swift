public import CDTDomain
import Foundation

/// What to import: a tree, a reorganization map, or both, taking effect on one day.
public struct HierarchyImportRequest: Sendable {
    /// The complete tree in force from `effective`, or `nil` to change no unit.
    public var tree: [IncomingUnit]?
    /// The reorganization map between the trees on either side of `effective` (`old_code,new_code,level,part`).
    public var lineage: [IncomingLineage]
    /// Where villages go whose commune closes without a single successor.
    public var villageMoves: [IncomingVillageMove]
    public var effective: CalendarDate
    /// SHA-256 (hex) of the files, recorded with the import.
    public var checksum: String
    /// The files, as a person would name them (`units_2026.csv`).
    public var source: String
    /// Plan and check everything, report it, store nothing.
    public var dryRun: Bool

    public init(tree: [IncomingUnit]?, lineage: [IncomingLineage] = [], villageMoves: [IncomingVillageMove] = [],
                effective: CalendarDate, checksum: String, source: String, dryRun: Bool = false) {
        self.tree = tree
        self.lineage = lineage
        self.villageMoves = villageMoves
        self.effective = effective
        self.checksum = checksum
        self.source = source
        self.dryRun = dryRun
    }
}

extension PostgresHierarchyStore {
    /// Imports a tree and/or a reorganization map in one transaction, all or nothing.
    ///
    /// 1. The tree's plan (``TreeImport``): units continue, are renamed in place (identity kept, the old
    ///    name kept for past days), are corrected, closed or created.
    /// 2. The map's lineage links between the day before and the day.
    /// 3. Villages under a commune that closed move to its successor: the village-map line for it, else the
    ///    commune's single `full` successor. A move closes the village and opens it again under the new
    ///    commune with a `moved` link, so figures stay with the old commune for the days before. Teams,
    ///    households and role assignments follow; so does everything in a province that merged whole.
    /// 4. Nothing may be left in a closed unit: villages, active teams, households, role assignments,
    ///    module roles and enablements. If anything is, the import is refused with the list.
    /// 5. An import that changed something is recorded: a `hierarchy_imports` row with the checksum and
    ///    counts, a `units.reorganized` event in each province it changed, and an audit line.
    ///
    /// With `dryRun` all of it runs and is rolled back, so the report is exactly what would happen.
    /// - Throws: ``ImportError`` for a bad row, ``HierarchyImportRefused`` when work would be orphaned.
    public func importHierarchy(
        _ request: HierarchyImportRequest, progress: @escaping @Sendable (ImportStep) -> Void = { _ in }
    ) async throws -> HierarchyImportReport {
        do {
            // The owner changes every province's rows (row-level security is forced on tenant tables).
            return try await RowScope.$current.withValue(.everyProvince) { try await client.withTransaction { tx in
                let report = try await Self.apply(request, progress: progress, tx)
                if request.dryRun { throw DryRunFinished(report: report) }
                if !report.orphans.isEmpty { throw HierarchyImportRefused(report: report) }
                return report
            } }
        } catch let finished as DryRunFinished {
            return finished.report
        }
    }

    private struct DryRunFinished: Error {
        let report: HierarchyImportReport
    }

    static func apply(
        _ request: HierarchyImportRequest, progress: @Sendable (ImportStep) -> Void, _ tx: PostgresSession
    ) async throws -> HierarchyImportReport {
        let effective = request.effective
        let dayBefore = effective.adding(days: -1)
        var report = HierarchyImportReport(effective: effective, dryRun: request.dryRun)
        try await tx.query("SELECT pg_advisory_xact_lock(\(Self.importLock))")
        let steps = 6
        if let rows = request.tree {
            progress(ImportStep(number: 1, of: steps, doing: "comparing \(rows.count) rows with the units in force on \(effective)"))
            let plan = try TreeImport.plan(rows, inForce: try await Self.units(inForceOn: effective, tx), effective: effective)
            progress(ImportStep(number: 2, of: steps, doing: "closing \(plan.closed.count), renaming \(plan.renamed.count), adding \(plan.created.count) units"))
            report.underRenamed = try await Self.workCounts(under: plan.renamed.map(\.after.id), tx)
            try await Self.close(plan.closed, on: effective, tx)
            for unit in plan.corrected { try await Self.correct(unit, tx) }
            for renaming in plan.renamed { try await Self.rename(renaming, effective: effective, tx) }
            try await Self.insert(plan.created, tx)
            report.tree = plan
        }
        if !request.lineage.isEmpty {
            progress(ImportStep(number: 3, of: steps, doing: "linking \(request.lineage.count) rows of the reorganization map"))
            let links = try ReorganizationImport.plan(
                request.lineage,
                before: try await Self.units(inForceOn: dayBefore, tx),
                after: try await Self.units(inForceOn: effective, tx),
                effective: effective)
            // A link counts when it is new or says something new (a corrected map), so such an import is recorded.
            let existing = Set(try await tx.query("""
                SELECT predecessor_id::text || '>' || successor_id::text || '/' || kind || '/' || coalesce(share::float8::text, '')
                FROM unit_lineage WHERE effective = \(effective)
                """).decode(String.self))
            for link in links {
                let share = if case .split(let share?) = link.kind { "\(share)" } else { "" }
                guard !existing.contains("\(link.predecessor)>\(link.successor)/\(Self.kindName(link.kind))/\(share)") else { continue }
                report.links[Self.kindName(link.kind), default: 0] += 1
            }
            try await Self.record(links, tx)
        }
        progress(ImportStep(number: 4, of: steps, doing: "moving villages and work out of closed units"))
        try await Self.moveWork(request.villageMoves, effective: effective, report: &report, tx)
        progress(ImportStep(number: 5, of: steps, doing: "checking that nothing is left in a closed unit"))
        report.orphans = try await Self.orphans(on: effective, tx)
        progress(ImportStep(number: 6, of: steps, doing: "recording the import"))
        if request.tree != nil { try await Self.refreshKeys(tx) }
        report.provincesChanged = try await Self.record(request, report: report, tx)
        return report
    }

    // MARK: Renames

    /// Keeps the name and type in force before `effective` as a version, then writes the new ones. A unit
    /// renamed again on the same day (a corrected file) is changed in place.
    static func rename(_ renaming: UnitRenaming, effective: CalendarDate, _ tx: PostgresSession) async throws {
        let before = renaming.before, after = renaming.after
        let since = try await tx.query("""
            SELECT greatest((SELECT valid_from FROM administrative_units WHERE id = \(before.id)),
                            (SELECT max(valid_until) FROM unit_name_versions WHERE unit_id = \(before.id)))
            """).decode(CalendarDate.self)[0]
        guard since <= effective else {
            throw ImportError(line: 0, field: "effective", message: "\(before.code) \(before.name) was renamed on \(since), after \(effective): import trees in the order they took effect")
        }
        if since < effective {
            try await tx.execute("""
                INSERT INTO unit_name_versions (unit_id, valid_from, valid_until, name, type, search_key, sort_key)
                VALUES (\(before.id), \(since), \(effective), \(before.name), \(before.kind.type), \(before.searchKey), decode(\(before.sortKeyHex), 'hex'))
                """)
        }
        try await tx.execute("""
            UPDATE administrative_units SET name = \(after.name), type = \(after.kind.type), search_key = \(after.searchKey),
                   sort_key = decode(\(after.sortKeyHex), 'hex')
            WHERE id = \(after.id)
            """)
    }

    /// Stored sort and search keys made again where the way they are computed changed (a release that
    /// sorts tone-mark placements alike), so that lists page in the same order as the domain sorts.
    static func refreshKeys(_ tx: PostgresSession) async throws {
        let rows = try await tx.query("""
            SELECT id, name, level, type, encode(sort_key, 'hex'), search_key FROM administrative_units
            """).decode((ID<AdministrativeUnit>, String, String, String, String, String).self)
        var ids: [ID<AdministrativeUnit>] = [], sortKeys: [String] = [], searchKeys: [String] = []
        for (id, name, level, type, storedSort, storedSearch) in rows {
            guard let level = UnitLevel(rawValue: level), let kind = try? UnitKind(level: level, type: type) else { continue }
            let sortKey = hexString(AdministrativeUnit.sortKey(name: name, kind: kind).bytes)
            let searchKey = VietnameseText.searchKey(name)
            if sortKey != storedSort || searchKey != storedSearch {
                ids.append(id); sortKeys.append(sortKey); searchKeys.append(searchKey)
            }
        }
        guard !ids.isEmpty else { return }
        try await tx.execute("""
            UPDATE administrative_units u SET sort_key = decode(k.sort_key, 'hex'), search_key = k.search_key
            FROM unnest(\(ids), \(sortKeys), \(searchKeys)) AS k(id, sort_key, search_key) WHERE u.id = k.id
            """)
    }

    static func kindName(_ kind: LineageKind) -> String {
        switch kind {
        case .merged: "merged"
        case .split: "split"
        case .renamed: "renamed"
        case .moved: "moved"
        }
    }
}
