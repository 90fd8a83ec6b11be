public import CDTDomain
public import CDTPostgresClient
public import Foundation

/// A module that adds example data of its own when `cdt demo` (or `cdt bench`) enables it in a
/// province, so the demo shows the module at work from the first start (the coverage module sets a few
/// targets). `cdt` treats every installed module alike: it calls this on each module that adopts it,
/// once, right after enabling the module in a province where nobody had decided about it.
///
/// Write only the module's own tables, through `owner` (the schema owner's connection, which row-level
/// security does not narrow); make running it twice change nothing (`ON CONFLICT DO NOTHING`).
///
/// ```swift
/// extension CoverageModule: ModuleDemoData {
///     func addDemoData(in province: ID<AdministrativeUnit>, author: UUID, _ owner: PostgresClient) async throws {
///         try await owner.execute("""
///             INSERT INTO coverage_targets (province_id, id, unit_id, metric, value, deadline, set_by)
///             VALUES (\(province), \(UUID()), \(province), 'householdsVisitedShare', 0.8, '2026-12-31', \(author))
///             ON CONFLICT (unit_id, metric, deadline) DO NOTHING
///             """)
///     }
/// }
/// ```
public protocol ModuleDemoData: FeatureModule {
    /// Adds the module's example data in `province`, recorded as set by `author` (the demo's author of record).
    func addDemoData(in province: ID<AdministrativeUnit>, author: UUID, _ owner: PostgresClient) async throws

    /// Example events of the module's own kinds, which `cdt demo` records through the platform's log after
    /// ``addDemoData(in:author:_:)`` (each checked by its kind's declaration, audited as recorded by `cdt`,
    /// all in one transaction; one the log refuses stops the demo with the reason), for a module whose
    /// tables are projections of its events (rewards' example round, partner discounts' partner, offer and
    /// claims): the dispatcher delivers them like events its routes record, and `cdt modules rebuild`
    /// replays them. Read the province's data through `owner` (the `core_v1` views, ``CoreReads``); `now`
    /// is the clock `cdt` records by. Give the events ids that stay the same from one run to the next, or
    /// return none when the province has the example already, so running it twice records them once.
    /// None by default.
    func demoEvents(in province: ID<AdministrativeUnit>, author: UUID, at now: Date, _ owner: PostgresClient) async throws -> [DomainEvent]
}

extension ModuleDemoData {
    public func addDemoData(in province: ID<AdministrativeUnit>, author: UUID, _ owner: PostgresClient) async throws {}

    public func demoEvents(in province: ID<AdministrativeUnit>, author: UUID, at now: Date, _ owner: PostgresClient) async throws -> [DomainEvent] { [] }
}
