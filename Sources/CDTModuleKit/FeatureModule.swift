public import CDTPostgresClient

/// An optional feature of the platform (rewards nomination, partner discounts, coverage analytics, or a
/// module of your own), compiled into the server and enabled province by province.
///
/// Implementation requirements:
/// - `manifest` is the only requirement without a default: the module's identity and what it needs.
///   Everything else has a default that does nothing, so a module implements only what it uses.
/// - A module is a value: it keeps no mutable state of its own; what it stores, it stores in its tables
///   (created by its ``migrations``), always with a `province_id` column on rows of a province.
/// - It receives builders (``ModuleRoutes``, ``ModuleServiceRegistrations``) and contexts
///   (``ModuleContext``, ``ModuleRequestContext``), never the application.
/// - It reaches other modules only through ``ModuleServices``, and only those in its manifest's dependencies.
///
/// ```swift
/// struct GoodPracticesModule: FeatureModule {
///     static let practiceShared = ModuleEventKind<PracticeShared>("good-practices.practice_shared", submittedByClients: true)
///
///     var manifest: ModuleManifest {
///         ModuleManifest(id: "good-practices",
///                        name: LocalizedName(vietnamese: "Mô hình hay", english: "Good practices"),
///                        version: ModuleVersion(1, 0, 0),
///                        consumes: [Self.practiceShared.type], events: [Self.practiceShared.declaration])
///     }
///     var migrations: [Migration] { Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files) }
///     var projectionTables: [String] { ["good_practices_practices"] }
///
///     func addRoutes(to routes: inout ModuleRoutes) {
///         routes.get("practices", access: .view) { request, context in try await PracticeRoutes.list(request, context) }
///     }
///
///     func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
///         guard let practice = try Self.practiceShared.payload(of: event.event) else { return }
///         try await transaction.execute("INSERT INTO good_practices_practices … VALUES (\(event.provinceID), \(practice.title), …)")
///     }
/// }
/// ```
public protocol FeatureModule: Sendable {
    /// Who the module is and what it needs.
    var manifest: ModuleManifest { get }

    /// Its schema migrations, `sql/<module-id>/NNNN_name.sql`, applied after the core's (and after those
    /// of the modules it depends on) when the server starts. The default is none.
    var migrations: [Migration] { get }

    /// Its settings, set per province by national administrators (or by the province's own, when allowed).
    /// The default has no settings.
    var settings: SettingsSchema { get }

    /// The tables the module builds from the event log alone. `cdt modules rebuild <id>` empties them and
    /// replays the log from the start; tables holding what users entered through the module's routes are
    /// not listed and are kept. The default is none.
    var projectionTables: [String] { get }

    /// Services the module offers other modules (which must list it as a dependency), registered by
    /// the protocol they are looked up by. The default offers none.
    func provideServices(to services: inout ModuleServiceRegistrations, context: ModuleContext)

    /// Its HTTP routes, mounted under `/api/v1/modules/<id>/`, each with an access rule. A province for
    /// which the module is disabled gets 404 from all of them. The default adds none.
    func addRoutes(to routes: inout ModuleRoutes)

    /// Applies one event of a type in ``ModuleManifest/consumes``, inside the transaction that also moves
    /// the module's checkpoint: write through `transaction`, and the write and the checkpoint commit
    /// together. Throwing rolls both back; the event is retried and, after repeated failures, parked.
    /// Events arrive in order within a province, only for provinces where the module is enabled.
    /// The default ignores every event.
    func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws

    /// Applies a batch of events of a province, in order, inside one transaction with the checkpoint.
    /// The default calls ``apply(_:in:context:)`` for each; a module that can write many events' effects
    /// in fewer statements implements this instead (the dispatcher always calls this one, with a single
    /// event when it retries events one at a time).
    func applyBatch(_ events: [FeedEvent], in transaction: PostgresSession, context: ModuleContext) async throws

    /// Called in the transaction that enables the module for a province (the first time or again).
    /// Throwing refuses the change. The default does nothing.
    func enabled(for change: ProvinceChange, in transaction: PostgresSession, context: ModuleContext) async throws

    /// Called in the transaction that disables the module for a province; its data stays. The default
    /// does nothing.
    func disabled(for change: ProvinceChange, in transaction: PostgresSession, context: ModuleContext) async throws

    /// What the module adds to `/readyz`: ``ModuleReadiness/ready`` unless something it needs is missing.
    func readiness(context: ModuleContext) async -> ModuleReadiness
}

extension FeatureModule {
    public var migrations: [Migration] { [] }
    public var settings: SettingsSchema { SettingsSchema() }
    public var projectionTables: [String] { [] }
    public func provideServices(to services: inout ModuleServiceRegistrations, context: ModuleContext) {}
    public func addRoutes(to routes: inout ModuleRoutes) {}
    public func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {}
    public func applyBatch(_ events: [FeedEvent], in transaction: PostgresSession, context: ModuleContext) async throws {
        for event in events { try await apply(event, in: transaction, context: context) }
    }
    public func enabled(for change: ProvinceChange, in transaction: PostgresSession, context: ModuleContext) async throws {}
    public func disabled(for change: ProvinceChange, in transaction: PostgresSession, context: ModuleContext) async throws {}
    public func readiness(context: ModuleContext) async -> ModuleReadiness { .ready }
}
