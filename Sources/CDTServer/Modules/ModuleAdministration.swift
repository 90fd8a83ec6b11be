public import CDTDomain
public import CDTModuleKit
public import CDTPostgres
import Foundation

/// What to change about a module in one province; `nil` leaves a part as it is.
public struct ModuleChange: Sendable, Codable, Hashable {
    public var enabled: Bool?
    /// Settings to set (`null` restores a default); others keep their value.
    public var settings: [String: JSONValue]?
    /// Whether the province's administrators may manage the module themselves (national administrators only).
    public var provinceMayManage: Bool?

    public init(enabled: Bool? = nil, settings: [String: JSONValue]? = nil, provinceMayManage: Bool? = nil) {
        self.enabled = enabled
        self.settings = settings
        self.provinceMayManage = provinceMayManage
    }
}

/// Why a module change cannot be made, apart from invalid input (a ``ValidationFailure``).
public enum ModuleAdministrationError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownModule(String)

    public var description: String {
        switch self {
        case .unknownModule(let id): "no module '\(id)' is installed in this server"
        }
    }
}

/// Enabling, disabling and configuring modules per province, and rebuilding a module from the log: the
/// one implementation behind `/api/v1/modules` and `cdt modules`. Each change is one transaction that
/// checks dependencies, runs the module's hook, writes the state and its audit entry, and wakes the
/// dispatcher; whoever calls it has already checked that the caller may change that province.
public struct ModuleAdministration: Sendable {
    public let host: ModuleHost
    let database: PostgresClient

    public init(host: ModuleHost, database: PostgresClient) {
        self.host = host
        self.database = database
    }

    /// Who makes a change, for the audit log.
    public struct Actor: Sendable {
        public let accountID: ID<Account>?
        public let clientAddress: String?

        public init(accountID: ID<Account>?, clientAddress: String?) {
            self.accountID = accountID
            self.clientAddress = clientAddress
        }

        public static let commandLine = Actor(accountID: nil, clientAddress: "cdt modules")
    }

    /// Applies `change` to `moduleID` in `province` and returns the state after it.
    /// - Throws: ``ModuleAdministrationError`` for an unknown module; ``ValidationFailure`` naming the field
    ///   (`provinceId`, `enabled`, `settings.<key>`) and the rule for a change that breaks one.
    public func change(_ moduleID: String, in province: ID<AdministrativeUnit>, _ change: ModuleChange, by actor: Actor) async throws -> ProvinceModuleState {
        guard let (module, context) = host.module(moduleID) else { throw ModuleAdministrationError.unknownModule(moduleID) }
        try await requireProvince(province)
        // Once committed (or failed: no harm), this server's next read sees it without waiting for the notice.
        defer { host.enablements.cache.flush() }
        return try await database.withTransaction { tx in
            let current = try await ModuleEnablements.lock(moduleID, province, schema: module.settings, tx)
            let settings = try module.settings.apply(change.settings ?? [:], to: current.settings)
            let enabled = change.enabled ?? current.enabled
            var check = Validator()
            if enabled && !current.enabled {
                for dependency in module.manifest.dependencies where try await !ModuleEnablements.isEnabled(dependency, in: province, tx) {
                    check.record("enabled", "needs module '\(dependency)' enabled for this province first")
                }
            }
            if !enabled && current.enabled {
                for dependent in host.registry.dependents(of: moduleID) where try await ModuleEnablements.isEnabled(dependent, in: province, tx) {
                    check.record("enabled", "module '\(dependent)' depends on it in this province: disable that first")
                }
            }
            try check.finish()
            let next = ProvinceModuleState(
                moduleID: moduleID, provinceID: province, enabled: enabled, settings: settings,
                provinceMayManage: change.provinceMayManage ?? current.provinceMayManage, changedAt: nil, changedBy: actor.accountID)
            try await ModuleEnablements.store(next, tx)
            let hookChange = ProvinceChange(provinceID: province, settings: settings, accountID: actor.accountID)
            if enabled && !current.enabled { try await module.enabled(for: hookChange, in: tx, context: context) }
            if !enabled && current.enabled { try await module.disabled(for: hookChange, in: tx, context: context) }
            for action in Self.actions(from: current, to: next) {
                try await PostgresAuditLog.record(AuditEntry(
                    accountID: actor.accountID, clientAddress: actor.clientAddress, action: action, target: moduleID, unitID: province,
                    details: ["settings": settings.storedJSON, "provinceMayManage": String(next.provinceMayManage)]), in: tx)
            }
            try await tx.query("SELECT pg_notify('cdt_events', '')")
            return try await ModuleEnablements.lock(moduleID, province, schema: module.settings, tx)
        }
    }

    /// The audit actions a change amounts to.
    static func actions(from old: ProvinceModuleState, to new: ProvinceModuleState) -> [String] {
        var actions: [String] = []
        if new.enabled != old.enabled { actions.append(new.enabled ? "module.enabled" : "module.disabled") }
        if new.settings != old.settings { actions.append("module.settings_changed") }
        if new.provinceMayManage != old.provinceMayManage { actions.append("module.delegation_changed") }
        return actions
    }

    private func requireProvince(_ province: ID<AdministrativeUnit>) async throws {
        let rows = try await database.query("""
            SELECT level = 'province' AND (valid_until IS NULL OR valid_until > CURRENT_DATE) FROM administrative_units WHERE id = \(province)
            """).decode(Bool.self)
        guard rows.first == true else { throw ValidationFailure(field: "provinceId", rule: "must be a province in force") }
    }

    /// Empties the module's projection tables, its checkpoints and parked events, so the dispatcher
    /// replays the log to it from the start. Needs the tables' owner (`TRUNCATE`), so the command line
    /// runs it, not the API. Returns the tables emptied.
    public static func rebuild(_ module: any FeatureModule, owner: PostgresClient) async throws -> [String] {
        let id = module.manifest.id
        try await RowScope.$current.withValue(.everyProvince) {
            try await owner.withTransaction { tx in
                try await tx.execute("DELETE FROM module_checkpoints WHERE module_id = \(id)")
                try await tx.execute("DELETE FROM module_parked_events WHERE module_id = \(id)")
                for table in module.projectionTables {
                    try await tx.execute(unsafeSQL: "TRUNCATE \(PostgresQuery.quoteIdentifier(table))")
                }
                try await PostgresAuditLog.record(AuditEntry(
                    accountID: nil, clientAddress: "cdt modules", action: "module.rebuilt", target: id,
                    details: ["tables": module.projectionTables.joined(separator: ",")]), in: tx)
                try await tx.query("SELECT pg_notify('cdt_events', '')")
            }
        }
        return module.projectionTables
    }
}
