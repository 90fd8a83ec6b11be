public import CDTDomain
public import CDTModuleKit
import CDTPostgres
public import Foundation

/// A module's state in one province.
public struct ProvinceModuleState: Sendable, Hashable {
    public let moduleID: String
    public let provinceID: ID<AdministrativeUnit>
    public let enabled: Bool
    public let settings: ModuleSettings
    /// Whether the province's own administrators may change it.
    public let provinceMayManage: Bool
    public let changedAt: Date?
    public let changedBy: ID<Account>?

    /// A province where the module was never enabled.
    static func never(_ moduleID: String, _ province: ID<AdministrativeUnit>, _ schema: SettingsSchema) -> ProvinceModuleState {
        ProvinceModuleState(moduleID: moduleID, provinceID: province, enabled: false, settings: schema.defaults, provinceMayManage: false, changedAt: nil, changedBy: nil)
    }
}

/// Which modules each province turned on, with their settings (`module_enablements`). Reads and writes
/// run under the task's row scope, so a province's administrator reaches only their province's rows.
public struct ModuleEnablements: Sendable {
    let database: PostgresClient
    /// Where ``enabledProvinces(of:schema:)`` keeps what it read, while a ``ModuleEnablementListener`` hears
    /// every change.
    public let cache: ModuleEnablementCache

    public init(database: PostgresClient, cache: ModuleEnablementCache = ModuleEnablementCache()) {
        self.database = database
        self.cache = cache
    }

    /// The settings `province` stored for `moduleID` where it is enabled, as JSON text, whatever the task's
    /// row scope: what an event handler of the province reads (``ModuleContext/settings(for:)``).
    @Sendable public func storedSettings(of moduleID: String, in province: ID<AdministrativeUnit>) async throws -> String? {
        try await RowScope.$current.withValue(.everyProvince) {
            try await database.query(
                "SELECT settings::text FROM module_enablements WHERE module_id = \(moduleID) AND province_id = \(province) AND enabled"
            ).decode(String.self).first
        }
    }

    /// The units among `units` whose province has `moduleID` enabled, whatever the task's row scope: a
    /// module's event is accepted only where its module is on.
    public func unitsWhereEnabled(_ moduleID: String, among units: [ID<AdministrativeUnit>]) async throws -> Set<ID<AdministrativeUnit>> {
        guard !units.isEmpty else { return [] }
        let rows = try await RowScope.$current.withValue(.everyProvince) {
            try await database.query("""
                SELECT u.id FROM administrative_units u JOIN module_enablements e ON e.province_id = u.province_id
                WHERE u.id = ANY(\(units)) AND e.module_id = \(moduleID) AND e.enabled
                """).decode(ID<AdministrativeUnit>.self)
        }
        return Set(rows)
    }

    /// The states recorded for `moduleID` (every module when `nil`), within the task's row scope.
    public func states(of moduleID: String?, schemas: (String) -> SettingsSchema) async throws -> [ProvinceModuleState] {
        try await database.query("""
            SELECT \(unsafeSQL: Self.columns) FROM module_enablements WHERE (\(moduleID)::text IS NULL OR module_id = \(moduleID))
            ORDER BY module_id, province_id
            """).map { try Self.state(from: $0, schemas: schemas) }
    }

    /// The provinces where `moduleID` is enabled, with their settings, whatever the task's row scope:
    /// what decides whether a module route answers. Served from ``cache`` while it is good.
    public func enabledProvinces(of moduleID: String, schema: SettingsSchema) async throws -> [ID<AdministrativeUnit>: ModuleSettings] {
        if let held = cache.provinces(of: moduleID) { return held }
        let ticket = cache.ticket()
        let rows = try await RowScope.$current.withValue(.everyProvince) {
            try await database.query("SELECT province_id, settings::text FROM module_enablements WHERE module_id = \(moduleID) AND enabled")
        }
        var result: [ID<AdministrativeUnit>: ModuleSettings] = [:]
        for row in rows {
            let (province, settings) = try row.decode((ID<AdministrativeUnit>, String).self)
            result[province] = schema.settings(fromStored: settings)
        }
        cache.keep(result, of: moduleID, ticket: ticket)
        return result
    }

    /// Locks and returns the state of `moduleID` in `province` inside `tx`.
    static func lock(_ moduleID: String, _ province: ID<AdministrativeUnit>, schema: SettingsSchema, _ tx: PostgresSession) async throws -> ProvinceModuleState {
        let rows = try await tx.query("""
            SELECT \(unsafeSQL: columns) FROM module_enablements WHERE module_id = \(moduleID) AND province_id = \(province) FOR UPDATE
            """)
        return try rows.first.map { try state(from: $0) { _ in schema } } ?? .never(moduleID, province, schema)
    }

    static let columns = "module_id, province_id, enabled, settings::text, province_may_manage, changed_at, changed_by"

    /// A row of ``columns`` as a state, its settings read with the module's schema.
    static func state(from row: PostgresRow, schemas: (String) -> SettingsSchema) throws -> ProvinceModuleState {
        let (module, province, enabled, settings, mayManage, changedAt, changedBy) = try row.decode(
            (String, ID<AdministrativeUnit>, Bool, String, Bool, Date, ID<Account>?).self)
        return ProvinceModuleState(
            moduleID: module, provinceID: province, enabled: enabled, settings: schemas(module).settings(fromStored: settings),
            provinceMayManage: mayManage, changedAt: changedAt, changedBy: changedBy)
    }

    /// Writes the state inside `tx`.
    static func store(_ state: ProvinceModuleState, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            INSERT INTO module_enablements (module_id, province_id, enabled, settings, province_may_manage, changed_at, changed_by)
            VALUES (\(state.moduleID), \(state.provinceID), \(state.enabled), \(state.settings.storedJSON)::jsonb, \(state.provinceMayManage), now(), \(state.changedBy))
            ON CONFLICT (module_id, province_id) DO UPDATE
            SET enabled = EXCLUDED.enabled, settings = EXCLUDED.settings, province_may_manage = EXCLUDED.province_may_manage,
                changed_at = EXCLUDED.changed_at, changed_by = EXCLUDED.changed_by
            """)
    }

    /// Whether `moduleID` is enabled in `province`, read inside `tx`.
    static func isEnabled(_ moduleID: String, in province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws -> Bool {
        try await tx.query("""
            SELECT coalesce((SELECT enabled FROM module_enablements WHERE module_id = \(moduleID) AND province_id = \(province)), false)
            """).decode(Bool.self)[0]
    }
}
