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
}

/// A module whose example data is state it builds from its own events (partner discounts: a partner, an
/// approved offer, a few claims), so that `cdt modules rebuild` replays it like any other. `cdt demo` calls
/// this once, right after enabling the module in a province where nobody had decided about it, and records
/// the events it returns through the platform's log (checked by their kinds' declarations, audited as
/// recorded by `cdt`); the dispatcher then delivers them to the module like events recorded by its routes.
///
/// Read the core (`CoreReads(owner)`) and write the module's own tables that are not projections through
/// `owner`; return no events when the province has the example data already.
public protocol ModuleDemoEvents: FeatureModule {
    /// The events of the module's own kinds that make its example data in `province`, authored by `author`
    /// and occurring at `now` (the clock `cdt` records them by).
    func demoEvents(in province: ID<AdministrativeUnit>, author: UUID, at now: Date, _ owner: PostgresClient) async throws -> [DomainEvent]
}
