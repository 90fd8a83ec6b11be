public import CDTDomain
public import CDTPostgresClient
public import Logging
public import Foundation

/// What a module is given to work with, wherever it runs: delivering events, answering requests, in its
/// hooks and readiness check.
///
/// - `database` is the server's client, connected as the application role: row-level security lets a
///   request's statements see only the provinces of its caller where the module is enabled, and an event
///   delivery's only the event's province. The module writes its own tables with it (in a handler, through
///   the delivery's transaction instead).
/// - Read the core's data through ``CoreReads`` (`CoreReads(context.database)`, or `CoreReads(transaction)`
///   in a handler) or, in SQL joined with the module's tables, the `core_v1` views (docs/core-views.md):
///   units with path, province, ancestors, subtree and lineage, teams, members without personal data,
///   households, events. Never the core's tables: `ModuleBoundaryTests` fails on SQL that names one.
/// - `services` reaches the services of the modules this one depends on.
/// - ``settings(for:)`` reads a province's settings of the module, wherever it runs (an event handler
///   included); ``today`` and ``now`` are the server's calendar and clock.
public struct ModuleContext: Sendable {
    /// The module's id.
    public let moduleID: String
    /// The server's client, as the application role, under the task's ``RowScope``.
    public let database: PostgresClient
    /// The services of the modules this one depends on.
    public let services: ModuleServices
    public let logger: Logger
    /// Today's date in Vietnam.
    public let today: @Sendable () -> CalendarDate
    /// The server's clock: when a route records an event, it happened now.
    public let now: @Sendable () -> Date
    /// The module's settings schema: what a province may set, and the defaults.
    public let settingsSchema: SettingsSchema
    private let storedSettings: StoredSettings

    public init(
        moduleID: String, database: PostgresClient, services: ModuleServices,
        logger: Logger, today: @escaping @Sendable () -> CalendarDate, settingsSchema: SettingsSchema = SettingsSchema(),
        storedSettings: @escaping StoredSettings = { _, _ in nil }, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.settingsSchema = settingsSchema
        self.storedSettings = storedSettings
        self.moduleID = moduleID
        self.database = database
        self.services = services
        self.logger = logger
        self.today = today
    }
}

extension ModuleContext {
    /// Reads the settings a province stored for a module, as JSON text (`nil`: none stored).
    public typealias StoredSettings = @Sendable (_ moduleID: String, _ province: ID<AdministrativeUnit>) async throws -> String?

    /// The settings of the module in `province`: what the province set over the schema's defaults (the
    /// defaults alone where it set nothing or the module is not enabled there). Event handlers read them for
    /// the event's province:
    ///
    /// ```swift
    /// func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
    ///     let settings = try await context.settings(for: event.provinceID)
    ///     guard settings.bool("countVisits") else { return }
    ///     …
    /// }
    /// ```
    public func settings(for province: ID<AdministrativeUnit>) async throws -> ModuleSettings {
        settingsSchema.settings(fromStored: try await storedSettings(moduleID, province) ?? "{}")
    }

    /// Whether module `id` (this one, or an optional dependency) is enabled in `province`: ask before
    /// using an optional dependency's service for that province.
    public func isEnabled(_ id: String, in province: ID<AdministrativeUnit>) async throws -> Bool {
        try await storedSettings(id, province) != nil
    }
}

/// A module being enabled or disabled for one province, as its hooks see it.
public struct ProvinceChange: Sendable, Hashable {
    public let provinceID: ID<AdministrativeUnit>
    /// The settings in force after the change.
    public let settings: ModuleSettings
    /// The account making the change (`nil` from the command line).
    public let accountID: ID<Account>?

    public init(provinceID: ID<AdministrativeUnit>, settings: ModuleSettings, accountID: ID<Account>?) {
        self.provinceID = provinceID
        self.settings = settings
        self.accountID = accountID
    }
}

/// What a module reports to `/readyz`.
public enum ModuleReadiness: Sendable, Hashable {
    case ready
    /// The server should not receive traffic; the reason is shown to operators.
    case notReady(String)
}

/// What the server gives every module, from which each module's ``ModuleContext`` is made.
public struct ModuleEnvironment: Sendable {
    public let database: PostgresClient
    public let logger: Logger
    public let today: @Sendable () -> CalendarDate
    /// Where modules' province settings are read from.
    public let storedSettings: ModuleContext.StoredSettings
    /// The server's clock.
    public let now: @Sendable () -> Date

    public init(database: PostgresClient, logger: Logger, today: @escaping @Sendable () -> CalendarDate,
                storedSettings: @escaping ModuleContext.StoredSettings = { _, _ in nil }, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        self.storedSettings = storedSettings
        self.database = database
        self.logger = logger
        self.today = today
    }
}
