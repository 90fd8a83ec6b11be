/// One line of a village map (`commune_code,village_code,new_commune_code`): where a village goes when
/// its commune is split or closed. Codes are those in force the day before the change for the old
/// commune, and from that day for the new one; village codes are local to their commune.
public struct IncomingVillageMove: Hashable, Sendable {
    public var line: Int
    public var communeCode: String
    public var villageCode: String
    public var newCommuneCode: String

    public init(line: Int, communeCode: String, villageCode: String, newCommuneCode: String) {
        self.line = line
        self.communeCode = communeCode
        self.villageCode = villageCode
        self.newCommuneCode = newCommuneCode
    }
}

/// What importing a tree or a reorganization map did, or would do in a dry run.
public struct HierarchyImportReport: Sendable {
    public var effective: CalendarDate
    /// Whether nothing was stored (`--dry-run`).
    public var dryRun: Bool
    /// The tree's plan, when a tree was imported.
    public var tree: TreeImportPlan?
    /// Lineage links recorded, by kind: merged, split, moved.
    public var links: [String: Int] = [:]
    /// Villages moved to another commune: closed under the old one, opened under the new one, linked.
    public var villagesMoved = 0
    /// What lies under the renamed or retyped units and carries on with them untouched.
    public var underRenamed = WorkCounts()
    /// What moved to a successor with the units that closed.
    public var moved = WorkCounts()
    /// Work that would be left in a closed unit with no successor. Non-empty: the import is refused.
    public var orphans = Orphans()
    /// The provinces whose units changed (in force from the effective day), by code.
    public var provincesChanged: [String] = []

    public init(effective: CalendarDate, dryRun: Bool) {
        self.effective = effective
        self.dryRun = dryRun
    }

    /// Whether the import changed (or would change) nothing: a re-import of the same file.
    public var changedNothing: Bool { (tree?.isEmpty ?? true) && links.values.reduce(0, +) == 0 && villagesMoved == 0 && moved.isEmpty }

    /// Counts of what lies in some units.
    public struct WorkCounts: Sendable, Hashable, Codable {
        public var villages = 0
        public var teams = 0
        public var households = 0
        public var roleAssignments = 0
        public var moduleEnablements = 0

        public init() {}

        public var isEmpty: Bool { self == WorkCounts() }
    }

    /// Work a closed unit would strand: what the import refuses to do.
    public struct Orphans: Sendable, Hashable {
        /// Villages whose commune closes with no village-map line and no single successor: each as
        /// `commune_code,village_code,` (the line a village map needs) with the village's name.
        public var villages: [String] = []
        /// Other things left in closed units, each as a line for a person.
        public var other: [String] = []

        public init() {}

        public var isEmpty: Bool { villages.isEmpty && other.isEmpty }
    }

    /// The report as lines for a person, as `cdt import` prints it.
    public var lines: [String] {
        var lines: [String] = []
        let verb = dryRun ? "would" : "did"
        lines.append("effective \(effective)\(dryRun ? " (dry run: nothing stored)" : "")")
        if let tree {
            let respelled = tree.renamed.filter(\.isRespelling).count
            lines.append("units: \(tree.created.count) new, \(tree.unchanged) continuing unchanged, \(respelled) respelled, "
                         + "\(tree.renamed.count - respelled) retyped, \(tree.corrected.count) corrected, \(tree.closed.count) closed")
            for renaming in tree.renamed.prefix(12) {
                lines.append("  \(renaming.before.code) \(renaming.before.name) → \(renaming.after.name)\(renaming.isRespelling ? "" : " (\(renaming.before.kind.type) → \(renaming.after.kind.type))")")
            }
            if tree.renamed.count > 12 { lines.append("  … and \(tree.renamed.count - 12) more renamed") }
        }
        if !links.isEmpty {
            lines.append("lineage: " + links.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        lines.append("under renamed units, carrying on: \(Self.describe(underRenamed))")
        lines.append("moved to successors: \(villagesMoved) villages; \(Self.describe(moved))")
        if !provincesChanged.isEmpty { lines.append("provinces changed: \(provincesChanged.joined(separator: ", "))") }
        if orphans.isEmpty {
            lines.append("orphaned: nothing")
        } else {
            lines.append("orphaned: \(orphans.villages.count) villages and \(orphans.other.count) other items would be left in closed units; the import \(verb == "would" ? "would be" : "was") refused")
            if !orphans.villages.isEmpty {
                lines.append("  villages needing a line in a village map (commune_code,village_code,new_commune_code):")
                lines += orphans.villages.prefix(50).map { "    " + $0 }
                if orphans.villages.count > 50 { lines.append("    … and \(orphans.villages.count - 50) more") }
            }
            lines += orphans.other.prefix(50).map { "  " + $0 }
        }
        return lines
    }

    private static func describe(_ counts: WorkCounts) -> String {
        "\(counts.villages) villages, \(counts.teams) teams, \(counts.households) households, "
            + "\(counts.roleAssignments) role assignments, \(counts.moduleEnablements) module enablements"
    }
}

/// An import refused because it would leave work in closed units; nothing was stored.
public struct HierarchyImportRefused: Error, Sendable, CustomStringConvertible {
    public let report: HierarchyImportReport

    public init(report: HierarchyImportReport) {
        self.report = report
    }

    public var description: String {
        "refused: \(report.orphans.villages.count) villages and \(report.orphans.other.count) other items would be left in closed units "
            + "(run with --dry-run to list them; give --map and --village-map to say where they go)"
    }
}
