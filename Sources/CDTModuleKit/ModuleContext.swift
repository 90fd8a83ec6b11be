public import CDTDomain
public import CDTPostgres
public import Logging

/// What a module is given to work with, wherever it runs: delivering events, answering requests, in its
/// hooks and readiness check.
///
/// - `database` is the server's client, connected as the application role: row-level security lets a
///   request's statements see only the provinces of its caller where the module is enabled, and an event
///   delivery's only the event's province.
/// - `hierarchy` and `work` are the domain's query ports: read the core's units, teams, members,
///   households and events through them (pass the caller's scope as `within:`), never its tables.
/// - `services` reaches the services of the modules this one depends on.
public struct ModuleContext: Sendable {
    /// The module's id.
    public let moduleID: String
    public let database: PostgresClient
    public let hierarchy: any HierarchyStore
    public let work: any WorkStore
    public let services: ModuleServices
    public let logger: Logger
    /// Today's date in Vietnam.
    public let today: @Sendable () -> CalendarDate

    public init(
        moduleID: String, database: PostgresClient, hierarchy: any HierarchyStore, work: any WorkStore, services: ModuleServices,
        logger: Logger, today: @escaping @Sendable () -> CalendarDate
    ) {
        self.moduleID = moduleID
        self.database = database
        self.hierarchy = hierarchy
        self.work = work
        self.services = services
        self.logger = logger
        self.today = today
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
    public let hierarchy: any HierarchyStore
    public let work: any WorkStore
    public let logger: Logger
    public let today: @Sendable () -> CalendarDate

    public init(database: PostgresClient, hierarchy: any HierarchyStore, work: any WorkStore, logger: Logger, today: @escaping @Sendable () -> CalendarDate) {
        self.database = database
        self.hierarchy = hierarchy
        self.work = work
        self.logger = logger
        self.today = today
    }
}
