public import CDTDomain
public import Foundation

/// Accounts, role assignments, sessions and the audit log in PostgreSQL (`sql/core/0004_accounts.sql`).
/// Hashing is the caller's: this store keeps bcrypt password hashes and SHA-256 token hashes as given.
public struct PostgresAccountStore: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// What sign-in needs to know about an account.
    public struct Credentials: Sendable {
        public let account: Account
        /// The account's assignments where they sit in the hierarchy (``account``'s assignments, placed).
        public let placedAssignments: [PlacedAssignment]
        public let passwordHash: String
        public let totpSecret: String?
    }

    /// A live session with its account.
    public struct SessionLookup: Sendable {
        public let account: Account
        /// The account's assignments where they sit in the hierarchy (``account``'s assignments, placed).
        public let placedAssignments: [PlacedAssignment]
        public let expiresAt: Date
        public let isEnrollmentOnly: Bool
    }

    // MARK: Accounts

    /// Creates an account with its assignments, in one transaction.
    /// - Throws: ``ValidationFailure`` when the username or phone is taken, or a unit does not exist.
    public func create(_ account: Account, passwordHash: String, createdBy: ID<Account>?) async throws {
        try await client.withTransaction { tx in
            do {
                try await tx.execute("""
                    INSERT INTO accounts (id, username, phone, display_name, password_hash, created_by)
                    VALUES (\(account.id), \(account.username), \(account.phone), \(account.displayName), \(passwordHash), \(createdBy))
                    """)
            } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
                let field = error.constraint == "accounts_phone_key" ? "phone" : "username"
                throw ValidationFailure(field: field, rule: "is already used by another account")
            }
            for assignment in account.assignments {
                try await Self.assign(assignment, to: account.id, by: createdBy, tx)
            }
        }
    }

    /// Adds a role assignment.
    public func assign(_ assignment: RoleAssignment, to account: ID<Account>, by granter: ID<Account>?) async throws {
        try await client.withTransaction { tx in try await Self.assign(assignment, to: account, by: granter, tx) }
    }

    static func assign(_ assignment: RoleAssignment, to account: ID<Account>, by granter: ID<Account>?, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            INSERT INTO role_assignments (account_id, role, unit_id, province_id, granted_by)
            SELECT \(account), \(assignment.role.rawValue), \(assignment.unitID),
                   (SELECT coalesce(province_id, id) FROM administrative_units WHERE id = \(assignment.unitID)), \(granter)
            ON CONFLICT DO NOTHING
            """)
    }

    /// Removes a role assignment; returns whether there was one.
    @discardableResult
    public func unassign(_ assignment: RoleAssignment, from account: ID<Account>) async throws -> Bool {
        try await client.execute("""
            DELETE FROM role_assignments WHERE account_id = \(account) AND role = \(assignment.role.rawValue)
              AND unit_id IS NOT DISTINCT FROM \(assignment.unitID)
            """) > 0
    }

    /// The account signing in as `login` (a username, or a phone number in any common form). Runs as
    /// sign-in (``RowScope/authenticating``): the hash and the secret come from `cdt_account_credentials`,
    /// the only way the application role reads them.
    public func credentials(login: String) async throws -> Credentials? {
        let name = login.lowercased()
        let phone = Member.normalizedPhone(login)
        return try await RowScope.$current.withValue(.authenticating) {
            let rows = try await client.query("""
                SELECT \(unsafeSQL: Self.accountColumns), c.password_hash, c.totp_secret
                FROM cdt_account_credentials(\(name), \(phone)) c JOIN accounts a ON a.id = c.account_id
                """)
            guard let row = rows.first else { return nil }
            let (account, placed) = try await withPlacedAssignments(Self.account(from: row))
            return Credentials(account: account, placedAssignments: placed, passwordHash: try row.decode(String.self, column: "password_hash"),
                               totpSecret: try row.decode(String?.self, column: "totp_secret"))
        }
    }

    public func account(_ id: ID<Account>) async throws -> Account? {
        try await placedAccount(id)?.account
    }

    /// The account with its assignments placed in the hierarchy, for scope checks on it.
    public func placedAccount(_ id: ID<Account>) async throws -> (account: Account, placedAssignments: [PlacedAssignment])? {
        let rows = try await client.query("SELECT \(unsafeSQL: Self.accountColumns) FROM accounts a WHERE a.id = \(id)")
        guard let row = rows.first else { return nil }
        return try await withPlacedAssignments(Self.account(from: row))
    }

    /// The TOTP secret of an account, set up or not: the signed-in account's own only (`cdt_account_totp_secret`).
    public func totpSecret(of id: ID<Account>) async throws -> String? {
        try await client.query("SELECT cdt_account_totp_secret(\(id))").decode(String?.self).first ?? nil
    }

    /// Accounts with at least one assignment inside `scope` (all accounts when nationwide), in id order.
    public func accounts(within scope: AccessScope, page: PageRequest) async throws -> Page<Account> {
        let paths = scope.isNationwide ? nil : Array(scope.paths)
        let after = page.after.flatMap { UUID(uuidString: $0.parts[0]) }
        let rows = try await client.query("""
            SELECT \(unsafeSQL: Self.accountColumns) FROM accounts a
            WHERE (\(paths)::text[] IS NULL OR EXISTS (
                    SELECT 1 FROM role_assignments r JOIN administrative_units u ON u.id = r.unit_id
                    WHERE r.account_id = a.id AND u.path LIKE ANY (SELECT p || '%' FROM unnest(\(paths)::text[]) AS p)))
              AND (\(after)::uuid IS NULL OR a.id > \(after))
            ORDER BY a.id
            LIMIT \(page.limit + 1)
            """)
        var accounts: [Account] = []
        for row in rows.prefix(page.limit) { accounts.append(try await withPlacedAssignments(Self.account(from: row)).0) }
        let next = rows.count > page.limit ? accounts.last.map { PageCursor(parts: [$0.id.description]) } : nil
        return Page(items: accounts, next: next)
    }

    /// The account's assignments with the paths their reaches need.
    public func placedAssignments(of id: ID<Account>) async throws -> [PlacedAssignment] {
        try await client.query("""
            SELECT r.role, r.unit_id, u.path, parent.path, province.path, r.province_id
            FROM role_assignments r
            LEFT JOIN administrative_units u ON u.id = r.unit_id
            LEFT JOIN administrative_units parent ON parent.id = u.parent_id
            LEFT JOIN administrative_units province ON province.id = r.province_id
            WHERE r.account_id = \(id)
            ORDER BY r.granted_at, r.role
            """).compactMap { row in
            let (role, unit, path, parentPath, provincePath, province) = try row.decode(
                (String, ID<AdministrativeUnit>?, String?, String?, String?, ID<AdministrativeUnit>?).self)
            guard let role = Role(rawValue: role) else { return nil }
            return PlacedAssignment(role: role, unitID: unit, unitPath: path, parentPath: parentPath, provincePath: provincePath, provinceID: province)
        }
    }

    /// Where a unit sits: for checking a grant before it is stored.
    public func placement(of assignment: RoleAssignment) async throws -> PlacedAssignment? {
        guard let unitID = assignment.unitID else {
            return PlacedAssignment(role: assignment.role, unitID: nil, unitPath: nil, parentPath: nil, provincePath: nil, provinceID: nil)
        }
        let rows = try await client.query("""
            SELECT u.level, u.path, parent.path, province.path, coalesce(u.province_id, u.id)
            FROM administrative_units u
            LEFT JOIN administrative_units parent ON parent.id = u.parent_id
            LEFT JOIN administrative_units province ON province.id = coalesce(u.province_id, u.id)
            WHERE u.id = \(unitID) AND u.valid_until IS NULL
            """)
        guard let row = rows.first else { return nil }
        let (level, path, parentPath, provincePath, province) = try row.decode((String, String, String?, String?, ID<AdministrativeUnit>).self)
        guard let unitLevel = UnitLevel(rawValue: level), assignment.role.assignableLevels.contains(unitLevel) else { return nil }
        return PlacedAssignment(role: assignment.role, unitID: unitID, unitPath: path, parentPath: parentPath, provincePath: provincePath, provinceID: province)
    }

    /// Disables an account and revokes its sessions at once.
    public func disable(_ id: ID<Account>) async throws {
        try await client.withTransaction { tx in
            try await tx.execute("UPDATE accounts SET disabled_at = coalesce(disabled_at, now()) WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
        }
    }

    /// Sets a new password hash and revokes every session.
    public func setPassword(_ id: ID<Account>, hash: String) async throws {
        try await client.withTransaction { tx in
            try await tx.execute("UPDATE accounts SET password_hash = \(hash) WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
        }
    }

    /// Stores a TOTP secret (not yet enabled).
    public func setTOTPSecret(_ id: ID<Account>, secret: String) async throws {
        try await client.execute("UPDATE accounts SET totp_secret = \(secret), totp_enabled_at = NULL WHERE id = \(id)")
    }

    /// Turns two-factor sign-in on, and ends the account's enrollment-only sessions.
    public func enableTOTP(_ id: ID<Account>) async throws {
        try await client.withTransaction { tx in
            // Without a secret the table's check refuses it (the application role cannot read the secret).
            try await tx.execute("UPDATE accounts SET totp_enabled_at = now() WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND enrollment_only AND revoked_at IS NULL")
        }
    }

    // MARK: Sessions

    /// Opens a session, as sign-in (``RowScope/authenticating``).
    public func createSession(tokenHash: Data, account: ID<Account>, expiresAt: Date, enrollmentOnly: Bool, clientAddress: String?) async throws {
        _ = try await RowScope.$current.withValue(.authenticating) {
            try await client.execute("""
                INSERT INTO sessions (token_hash, account_id, expires_at, enrollment_only, client_address)
                VALUES (\(tokenHash), \(account), \(expiresAt), \(enrollmentOnly), \(clientAddress))
                """)
        }
    }

    /// The live session with this token hash (not expired, not revoked, of an enabled account) and its
    /// account, in one statement, then the account's assignments. Runs as sign-in (``RowScope/authenticating``).
    public func session(tokenHash: Data) async throws -> SessionLookup? {
        try await RowScope.$current.withValue(.authenticating) { try await liveSession(tokenHash: tokenHash) }
    }

    private func liveSession(tokenHash: Data) async throws -> SessionLookup? {
        let rows = try await client.query("""
            SELECT \(unsafeSQL: Self.accountColumns), s.expires_at, s.enrollment_only FROM sessions s JOIN accounts a ON a.id = s.account_id
            WHERE s.token_hash = \(tokenHash) AND s.revoked_at IS NULL AND s.expires_at > now() AND a.disabled_at IS NULL
            """)
        guard let row = rows.first else { return nil }
        let (account, placed) = try await withPlacedAssignments(Self.account(from: row))
        return SessionLookup(account: account, placedAssignments: placed, expiresAt: try row.decode(Date.self, column: "expires_at"),
                             isEnrollmentOnly: try row.decode(Bool.self, column: "enrollment_only"))
    }

    public func revoke(tokenHash: Data) async throws {
        try await client.execute("UPDATE sessions SET revoked_at = now() WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
    }

    /// Ends every session of the account ("log out everywhere").
    public func revokeAll(of account: ID<Account>) async throws {
        try await client.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(account) AND revoked_at IS NULL")
    }

    // MARK: Reading rows

    static let accountColumns = "a.id, a.username, a.phone, a.display_name, a.disabled_at IS NOT NULL AS disabled, a.totp_enabled_at IS NOT NULL AS two_factor"

    static func account(from row: PostgresRow) throws -> Account {
        let (id, username, phone, name, disabled, twoFactor) = try row.decode((ID<Account>, String?, String?, String, Bool, Bool).self)
        return Account(id: id, username: username, phone: phone, displayName: name, assignments: [], isDisabled: disabled, hasTwoFactor: twoFactor)
    }

    /// The account with its assignments, and the same assignments placed in the hierarchy, from one query.
    private func withPlacedAssignments(_ account: Account) async throws -> (Account, [PlacedAssignment]) {
        let placed = try await placedAssignments(of: account.id)
        var account = account
        account.assignments = placed.map { RoleAssignment(role: $0.role, unitID: $0.unitID) }
        return (account, placed)
    }
}
