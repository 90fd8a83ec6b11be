/// The administrative hierarchy across time: every unit that ever existed, and the lineage linking
/// units that merged, split, were renamed or moved. A pure value: it answers questions, it does no I/O.
///
/// ```swift
/// var hierarchy = AdministrativeHierarchy()
/// try hierarchy.add(province)
/// try hierarchy.add(commune)
/// let today = hierarchy.units(asOf: CalendarDate("2026-01-01")!)
/// let heirs = hierarchy.successors(of: oldCommune.id, asOf: CalendarDate("2026-01-01")!)
/// ```
public struct AdministrativeHierarchy: Sendable {
    public private(set) var units: [ID<AdministrativeUnit>: AdministrativeUnit] = [:]
    public private(set) var links: [LineageLink] = []
    private var childrenByParent: [ID<AdministrativeUnit>: [ID<AdministrativeUnit>]] = [:]
    private var linksByPredecessor: [ID<AdministrativeUnit>: [LineageLink]] = [:]
    private var linksBySuccessor: [ID<AdministrativeUnit>: [LineageLink]] = [:]
    private var idsByCode: [String: [ID<AdministrativeUnit>]] = [:]

    public init() {}

    /// A hierarchy of units and links that storage already validated, possibly only a part of the
    /// whole (a lineage neighbourhood whose parents are not loaded). Not checked again.
    public init(trusting units: [AdministrativeUnit], links: [LineageLink]) {
        for unit in units {
            self.units[unit.id] = unit
            idsByCode[unit.code, default: []].append(unit.id)
            if let parentID = unit.parentID { childrenByParent[parentID, default: []].append(unit.id) }
        }
        for link in links where self.units[link.predecessor] != nil && self.units[link.successor] != nil {
            self.links.append(link)
            linksByPredecessor[link.predecessor, default: []].append(link)
            linksBySuccessor[link.successor, default: []].append(link)
        }
    }

    // MARK: Building

    /// Adds a unit after checking it against the units already there.
    /// - Throws: ``HierarchyError`` when its parent is unknown, not a higher level, or not valid for the
    ///   whole of its validity, or when a unit of the same level and code overlaps it in time.
    public mutating func add(_ unit: AdministrativeUnit) throws(HierarchyError) {
        guard units[unit.id] == nil else { throw .duplicateID(unit.id) }
        if let parentID = unit.parentID {
            guard let parent = units[parentID] else { throw .unknownParent(code: unit.code) }
            guard parent.kind.level < unit.kind.level else {
                throw .parentNotAbove(code: unit.code, parentLevel: parent.kind.level, level: unit.kind.level)
            }
            guard unit.validity.isWithin(parent.validity) else {
                throw .parentNotValid(code: unit.code, parentValidity: parent.validity, validity: unit.validity)
            }
        }
        for otherID in idsByCode[unit.code] ?? [] {
            let other = units[otherID]!
            if other.kind.level == unit.kind.level, other.parentID == unit.parentID || unit.kind.level <= .commune,
               other.validity.overlaps(unit.validity) {
                throw .overlappingCode(unit.code, level: unit.kind.level, existing: other.validity, new: unit.validity)
            }
        }
        units[unit.id] = unit
        idsByCode[unit.code, default: []].append(unit.id)
        if let parentID = unit.parentID { childrenByParent[parentID, default: []].append(unit.id) }
    }

    /// Records that `link.predecessor` carries on as (part of) `link.successor`.
    public mutating func link(_ link: LineageLink) throws(HierarchyError) {
        guard units[link.predecessor] != nil else { throw .unknownUnit(link.predecessor) }
        guard units[link.successor] != nil else { throw .unknownUnit(link.successor) }
        links.append(link)
        linksByPredecessor[link.predecessor, default: []].append(link)
        linksBySuccessor[link.successor, default: []].append(link)
    }

    // MARK: Questions

    /// The unit with `code` and `level` in force on `date` (codes are reused, so the date matters).
    public func unit(code: String, level: UnitLevel, asOf date: CalendarDate) -> AdministrativeUnit? {
        (idsByCode[code] ?? []).lazy.compactMap { units[$0] }.first { $0.kind.level == level && $0.validity.contains(date) }
    }

    /// Every unit in force on `date`, in Vietnamese order of name (without the type word) within each level.
    public func units(asOf date: CalendarDate) -> [AdministrativeUnit] {
        units.values.filter { $0.validity.contains(date) }.sorted(by: Self.levelThenName)
    }

    /// The children of `id` in force on `date`, in Vietnamese order.
    public func children(of id: ID<AdministrativeUnit>, asOf date: CalendarDate) -> [AdministrativeUnit] {
        (childrenByParent[id] ?? []).compactMap { units[$0] }.filter { $0.validity.contains(date) }.sorted(by: Self.levelThenName)
    }

    /// Every unit under `id` on `date`, at any depth, parents before their children.
    public func subtree(under id: ID<AdministrativeUnit>, asOf date: CalendarDate) -> [AdministrativeUnit] {
        var result: [AdministrativeUnit] = []
        var queue = children(of: id, asOf: date)
        while !queue.isEmpty {
            let unit = queue.removeFirst()
            result.append(unit)
            queue += children(of: unit.id, asOf: date)
        }
        return result
    }

    /// The chain of parents of `id`, nearest first, up to its province (or the nation).
    public func ancestors(of id: ID<AdministrativeUnit>) -> [AdministrativeUnit] {
        var chain: [AdministrativeUnit] = []
        var current = units[id]?.parentID
        while let parentID = current, let parent = units[parentID] {
            chain.append(parent)
            current = parent.parentID
        }
        return chain
    }

    /// A unit that carries on some territory of an older one, with the part it carries when known.
    public struct Successor: Hashable, Sendable {
        public let unit: AdministrativeUnit
        /// The fraction of the original unit it carries: 1 for a merge or rename, the product of the
        /// shares along a chain of splits, `nil` when a split on the way gave no share (apportioning
        /// needs village-level information then).
        public let share: Double?
    }

    /// The units in force on `date` that carry on `id`'s territory, following lineage through every
    /// merge, split, rename and move since. A unit still in force on `date` is its own successor.
    public func successors(of id: ID<AdministrativeUnit>, asOf date: CalendarDate) -> [Successor] {
        guard let unit = units[id] else { return [] }
        if unit.validity.contains(date) { return [Successor(unit: unit, share: 1)] }
        var found: [ID<AdministrativeUnit>: Double?] = [:]
        var order: [ID<AdministrativeUnit>] = []
        var frontier: [(ID<AdministrativeUnit>, Double?)] = [(id, 1)]
        var visited: Set<ID<AdministrativeUnit>> = [id]
        while let (currentID, share) = frontier.popLast() {
            for link in linksByPredecessor[currentID] ?? [] where link.effective <= date {
                let carried: Double? = share.flatMap { carried in link.fraction.map { carried * $0 } }
                guard let successor = units[link.successor] else { continue }
                if successor.validity.contains(date) {
                    if let existing = found[successor.id] {
                        found[successor.id] = existing.flatMap { old in carried.map { old + $0 } }
                    } else {
                        found[successor.id] = carried
                        order.append(successor.id)
                    }
                } else if visited.insert(successor.id).inserted {
                    frontier.append((successor.id, carried))
                }
            }
        }
        return order.map { Successor(unit: units[$0]!, share: found[$0]!) }
    }

    /// Every unit whose territory `id` carries on, directly or through earlier changes, oldest last.
    public func predecessors(of id: ID<AdministrativeUnit>) -> [AdministrativeUnit] {
        var result: [AdministrativeUnit] = []
        var frontier = [id]
        var visited: Set<ID<AdministrativeUnit>> = [id]
        while !frontier.isEmpty {
            let current = frontier.removeFirst()
            for link in linksBySuccessor[current] ?? [] where visited.insert(link.predecessor).inserted {
                if let unit = units[link.predecessor] { result.append(unit) }
                frontier.append(link.predecessor)
            }
        }
        return result
    }

    /// Units whose name matches `query` with or without diacritics and in any case, on `date`, in
    /// Vietnamese order. `ha noi`, `Hà Nội` and `HA NOI` all find Thành phố Hà Nội.
    public func search(_ query: String, asOf date: CalendarDate) -> [AdministrativeUnit] {
        let key = VietnameseText.searchKey(query)
        guard !key.isEmpty else { return [] }
        return units(asOf: date).filter { $0.searchKey.contains(key) }
    }

    private static func levelThenName(_ a: AdministrativeUnit, _ b: AdministrativeUnit) -> Bool {
        if a.kind.level != b.kind.level { return a.kind.level < b.kind.level }
        return a.sortKey < b.sortKey
    }
}
