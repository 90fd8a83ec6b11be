/// The port storage implements for the hierarchy. The PostgreSQL adapter is `PostgresHierarchyStore`.
public protocol HierarchyStore: Sendable {
    /// Every unit in force on `date`.
    func units(inForceOn date: CalendarDate) async throws -> [AdministrativeUnit]

    /// The units `filter` selects, in Vietnamese order of name, a page at a time.
    func units(matching filter: UnitFilter, page: PageRequest) async throws -> Page<AdministrativeUnit>

    /// The unit with `id`, or `nil`.
    func unit(_ id: ID<AdministrativeUnit>) async throws -> AdministrativeUnit?

    /// The names and types the unit bore, oldest first, the one in force today last.
    func names(of id: ID<AdministrativeUnit>) async throws -> [UnitName]

    /// The unit's parent chain, nearest first.
    func ancestors(of id: ID<AdministrativeUnit>) async throws -> [AdministrativeUnit]

    /// The part of the hierarchy linked to `id` by lineage, in both directions: enough to ask it for
    /// the unit's successors and predecessors.
    func lineage(around id: ID<AdministrativeUnit>) async throws -> AdministrativeHierarchy

    /// Imports a complete tree taking effect on `effective`, all or nothing, and returns what changed.
    /// - Throws: ``ImportError`` naming the line and field of the first bad row; nothing is stored then.
    func importTree(_ rows: [IncomingUnit], effective: CalendarDate) async throws -> TreeImportPlan

    /// Imports a reorganization map between the trees on either side of `effective`, all or nothing,
    /// and returns the number of lineage links recorded.
    func importReorganization(_ rows: [IncomingLineage], effective: CalendarDate) async throws -> Int
}
