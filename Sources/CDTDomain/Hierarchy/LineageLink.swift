/// How a unit that stopped existing (or changed) relates to the unit that carries on its territory.
public enum LineageKind: Hashable, Codable, Sendable {
    /// The whole predecessor went into the successor (several predecessors may merge into one).
    case merged
    /// Part of the predecessor went into the successor; `share` (0…1) is the part, when known.
    case split(share: Double?)
    /// Same territory, new name (or new code).
    case renamed
    /// Same territory, new parent.
    case moved
}

/// One edge of lineage: `predecessor` carries on as (part of) `successor` from `effective` on.
public struct LineageLink: Hashable, Codable, Sendable {
    public let predecessor: ID<AdministrativeUnit>
    public let successor: ID<AdministrativeUnit>
    public let kind: LineageKind
    /// The first day the successor carries the predecessor's territory.
    public let effective: CalendarDate

    public init(predecessor: ID<AdministrativeUnit>, successor: ID<AdministrativeUnit>, kind: LineageKind, effective: CalendarDate) throws(HierarchyError) {
        guard predecessor != successor else { throw .selfLineage(predecessor) }
        if case .split(let share?) = kind, !(share > 0 && share <= 1) { throw .invalidShare(share) }
        self.predecessor = predecessor
        self.successor = successor
        self.kind = kind
        self.effective = effective
    }

    /// The fraction of the predecessor this link carries: 1 unless a split says otherwise.
    public var fraction: Double? {
        if case .split(let share) = kind { return share }
        return 1
    }
}
