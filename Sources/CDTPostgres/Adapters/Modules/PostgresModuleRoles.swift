public import CDTDomain

/// A module role held by an account at a unit (`module_role_assignments`).
public struct ModuleRoleAssignment: Sendable, Hashable {
    public let role: String
    public let unitID: ID<AdministrativeUnit>
    /// The unit's path, for scope checks.
    public let unitPath: String
    public let provinceID: ID<AdministrativeUnit>
}

/// The roles modules add, as assigned to accounts, and the API keys of actors outside the hierarchy.
/// Row-level security shows an account's module roles to the account itself and where their unit's
/// province is read; a key's actor is read while signing in (``RowScope/authenticating``), before any
/// province is known (`sql/core/0010_scoped_identity_and_change_scope.sql`).
public struct PostgresModuleRoles: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// The module roles `account` holds.
    public func assignments(of account: ID<Account>) async throws -> [ModuleRoleAssignment] {
        try await client.query("""
            SELECT r.role, r.unit_id, u.path, coalesce(u.province_id, u.id)
            FROM module_role_assignments r JOIN administrative_units u ON u.id = r.unit_id
            WHERE r.account_id = \(account) ORDER BY r.role, u.path
            """).decode((String, ID<AdministrativeUnit>, String, ID<AdministrativeUnit>).self).map {
                ModuleRoleAssignment(role: $0.0, unitID: $0.1, unitPath: $0.2, provinceID: $0.3)
            }
    }

    /// Assigns `role` at `unit`; assigning it again changes nothing. Returns whether it was new.
    @discardableResult
    public func assign(_ role: String, to account: ID<Account>, at unit: ID<AdministrativeUnit>) async throws -> Bool {
        try await client.execute("""
            INSERT INTO module_role_assignments (account_id, role, unit_id) VALUES (\(account), \(role), \(unit))
            ON CONFLICT DO NOTHING
            """) == 1
    }

    /// A unit's level and path if it is in force today, for placing a module role.
    public func placement(of unit: ID<AdministrativeUnit>) async throws -> (level: UnitLevel, path: String)? {
        let rows = try await client.query("""
            SELECT level, path FROM administrative_units
            WHERE id = \(unit) AND (valid_until IS NULL OR valid_until > CURRENT_DATE)
            """).decode((String, String).self)
        guard let (level, path) = rows.first, let unitLevel = UnitLevel(rawValue: level) else { return nil }
        return (unitLevel, path)
    }

    /// The actor a module issued `key` to, if the key is live. Runs as sign-in (``RowScope/authenticating``).
    public func actor(holding key: String, module: String) async throws -> String? {
        try await RowScope.$current.withValue(.authenticating) {
            try await client.query("""
                SELECT actor_id FROM module_api_keys
                WHERE module_id = \(module) AND key_hash = sha256(convert_to(\(key), 'UTF8')) AND revoked_at IS NULL
                  AND (expires_at IS NULL OR expires_at > now())
                """).decode(String.self).first
        }
    }

    /// The actor of `module` that `account` is bound to (`module_actor_accounts`), if any. Runs as sign-in.
    public func actor(boundTo account: ID<Account>, module: String) async throws -> String? {
        try await RowScope.$current.withValue(.authenticating) {
            try await client.query("""
                SELECT actor_id FROM module_actor_accounts WHERE module_id = \(module) AND account_id = \(account)
                """).decode(String.self).first
        }
    }
}
