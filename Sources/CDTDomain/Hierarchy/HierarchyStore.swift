/// The port storage implements for the hierarchy. The PostgreSQL adapter is `PostgresHierarchyStore`.
public protocol HierarchyStore: Sendable {
    /// Every unit in force on `date`.
    func units(inForceOn date: CalendarDate) async throws -> [AdministrativeUnit]

    /// Imports a complete tree taking effect on `effective`, all or nothing, and returns what changed.
    /// - Throws: ``ImportError`` naming the line and field of the first bad row; nothing is stored then.
    func importTree(_ rows: [IncomingUnit], effective: CalendarDate) async throws -> TreeImportPlan

    /// Imports a reorganization map between the trees on either side of `effective`, all or nothing,
    /// and returns the number of lineage links recorded.
    func importReorganization(_ rows: [IncomingLineage], effective: CalendarDate) async throws -> Int
}
