public import CDTDomain
public import CDTModuleKit
public import CDTPostgres
public import Logging
public import Foundation

/// The modules compiled into this server, each with its context, built once at start-up and shared by
/// the routes, the administration and the dispatcher.
public struct ModuleHost: Sendable {
    public let registry: ModuleRegistry
    public let contexts: [String: ModuleContext]
    public let enablements: ModuleEnablements

    /// `enablementCache` serves the enablements while a ``ModuleEnablementListener`` on it is connected
    /// (`ServerRunner` starts one); without one, every read goes to the database.
    public init(registry: ModuleRegistry, database: PostgresClient, logger: Logger, today: @escaping @Sendable () -> CalendarDate,
                now: @escaping @Sendable () -> Date = { Date() }, enablementCache: ModuleEnablementCache = ModuleEnablementCache()) {
        let enablements = ModuleEnablements(database: database, cache: enablementCache)
        self.registry = registry
        self.contexts = registry.contexts(ModuleEnvironment(
            database: database, logger: logger, today: today, storedSettings: enablements.storedSettings(of:in:), now: now))
        self.enablements = enablements
    }

    /// A host without modules.
    public static func none(database: PostgresClient, logger: Logger = Logger(label: "cdt.modules")) -> ModuleHost {
        // An empty list always validates.
        ModuleHost(registry: try! ModuleRegistry([]), database: database, logger: logger, today: { CalendarDate(Date()) })
    }

    /// The module with `id` and its context.
    public func module(_ id: String) -> (module: any FeatureModule, context: ModuleContext)? {
        guard let module = registry.module(id), let context = contexts[id] else { return nil }
        return (module, context)
    }

}
