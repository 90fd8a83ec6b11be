public import CDTDomain
public import Foundation

/// Accounts, role assignments, sessions and the audit log in PostgreSQL (`sql/core/0004_accounts.sql`).
/// Hashing is the caller's: this store keeps bcrypt password hashes and SHA-256 token hashes as given.
///
/// Every write that can end or narrow a session (revoking, disabling, a password, two-factor or role change)
/// empties this process's session caches once it is done (``SessionChanges/inThisProcess``); the
/// core's triggers tell other processes.
public struct PostgresAccountStore: Sendable {
    public let client: PostgresClient
    /// Where live sessions found by ``session(tokenHash:idleTimeout:)`` are kept for a few seconds, if
    /// anywhere; it serves nothing while its listener is not connected.
    public let sessionCache: SessionCache?

    public init(client: PostgresClient, sessionCache: SessionCache? = nil) {
        self.client = client
        self.sessionCache = sessionCache
    }

    /// What sign-in needs to know about an account.
    public struct Credentials: Sendable {
        public let account: Account
        /// The account's assignments where they sit in the hierarchy (``account``'s assignments, placed).
        public let placedAssignments: [PlacedAssignment]
        public let passwordHash: String
        /// The two-factor secret as stored (sealed by the server; see `TwoFactorSecrets`).
        public let totpSecret: String?
    }

    /// A live session with its account.
    public struct SessionLookup: Sendable {
        public let account: Account
        /// The account's assignments where they sit in the hierarchy (``account``'s assignments, placed).
        public let placedAssignments: [PlacedAssignment]
        /// What the assignments allow where, worked out once per lookup: a cached session serves many
        /// requests, and working it out per request was 2% of the server's CPU for single events.
        public let access: CallerAccess
        public let expiresAt: Date
        public let isEnrollmentOnly: Bool

        public init(account: Account, placedAssignments: [PlacedAssignment], expiresAt: Date, isEnrollmentOnly: Bool) {
            self.account = account
            self.placedAssignments = placedAssignments
            self.access = CallerAccess(assignments: placedAssignments)
            self.expiresAt = expiresAt
            self.isEnrollmentOnly = isEnrollmentOnly
        }
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
        try await changingSessions { try await client.withTransaction { tx in try await Self.assign(assignment, to: account, by: granter, tx) } }
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
        try await changingSessions {
            try await client.execute("""
                DELETE FROM role_assignments WHERE account_id = \(account) AND role = \(assignment.role.rawValue)
                  AND unit_id IS NOT DISTINCT FROM \(assignment.unitID)
                """) > 0
        }
    }

    /// The account signing in as `login` (a username, or a phone number in any common form). A username
    /// wins over a phone number when both match (usernames that look like phone numbers are refused at
    /// creation, but older ones may exist), so the answer never depends on the order of rows. Runs as
    /// sign-in (``RowScope/authenticating``): the hash and the secret come from `cdt_account_credentials`,
    /// the only way the application role reads them.
    public func credentials(login: String) async throws -> Credentials? {
        let name = login.trimmingCharacters(in: .whitespaces).lowercased()
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
        var account = try Self.account(from: row)
        // Every role, those row-level security hides from the caller included (`cdt_account_roles`): whether
        // the caller may manage the account depends on all of them.
        let placed = try await placedAssignments(of: id, from: "cdt_account_roles(\(id))")
        account.assignments = placed.map { RoleAssignment(role: $0.role, unitID: $0.unitID) }
        return (account, placed)
    }

    /// The TOTP secret of an account, set up or not: the signed-in account's own only (`cdt_account_totp_secret`).
    public func totpSecret(of id: ID<Account>) async throws -> String? {
        try await client.query("SELECT cdt_account_totp_secret(\(id))").decode(String?.self).first ?? nil
    }

    /// Accounts with at least one assignment inside `scope` (all accounts when nationwide), in id order,
    /// each with only its assignments inside `scope` (all of them when nationwide).
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
        for row in rows.prefix(page.limit) {
            var account = try await withPlacedAssignments(Self.account(from: row)).0
            if !scope.isNationwide {
                let placed = try await placedAssignments(of: account.id)
                account.assignments = placed.filter { $0.unitPath.map(scope.contains(path:)) ?? false }.map { RoleAssignment(role: $0.role, unitID: $0.unitID) }
            }
            accounts.append(account)
        }
        let next = rows.count > page.limit ? accounts.last.map { PageCursor(parts: [$0.id.description]) } : nil
        return Page(items: accounts, next: next)
    }

    /// The account's assignments with the paths their reaches need.
    public func placedAssignments(of id: ID<Account>) async throws -> [PlacedAssignment] {
        try await placedAssignments(of: id, from: "role_assignments")
    }

    private func placedAssignments(of id: ID<Account>, from source: PostgresQuery) async throws -> [PlacedAssignment] {
        try Self.placedAssignments(try await client.query(Self.placedAssignmentsQuery(of: id, from: source)))
    }

    /// The account's assignments from `source` (a table or function of `role_assignments`' shape), each
    /// with where its unit sits.
    private static func placedAssignmentsQuery(of id: ID<Account>, from source: PostgresQuery) -> PostgresQuery {
        """
            SELECT r.role, r.unit_id, u.path, parent.path,
                   CASE u.level WHEN 'commune' THEN u.path WHEN 'village' THEN parent.path END, province.path, r.province_id
            FROM \(source) r
            LEFT JOIN administrative_units u ON u.id = r.unit_id
            LEFT JOIN administrative_units parent ON parent.id = u.parent_id
            LEFT JOIN administrative_units province ON province.id = r.province_id
            WHERE r.account_id = \(id)
            ORDER BY r.granted_at, r.role
            """
    }

    private static func placedAssignments(_ rows: PostgresRows) throws -> [PlacedAssignment] {
        try rows.compactMap { row in
            let (role, unit, path, parentPath, communePath, provincePath, province) = try row.decode(
                (String, ID<AdministrativeUnit>?, String?, String?, String?, String?, ID<AdministrativeUnit>?).self)
            guard let role = Role(rawValue: role) else { return nil }
            return PlacedAssignment(role: role, unitID: unit, unitPath: path, parentPath: parentPath, communePath: communePath,
                                    provincePath: provincePath, provinceID: province)
        }
    }

    /// Where a unit sits: for checking a grant before it is stored.
    public func placement(of assignment: RoleAssignment) async throws -> PlacedAssignment? {
        guard let unitID = assignment.unitID else {
            return PlacedAssignment(role: assignment.role, unitID: nil, unitPath: nil, parentPath: nil, communePath: nil, provincePath: nil, provinceID: nil)
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
        let communePath = unitLevel == .commune ? path : unitLevel == .village ? parentPath : nil
        return PlacedAssignment(role: assignment.role, unitID: unitID, unitPath: path, parentPath: parentPath, communePath: communePath,
                                provincePath: provincePath, provinceID: province)
    }

    /// Disables an account and revokes its sessions at once.
    public func disable(_ id: ID<Account>) async throws {
        try await changingSessions { try await client.withTransaction { tx in
            try await tx.execute("UPDATE accounts SET disabled_at = coalesce(disabled_at, now()) WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
        } }
    }

    /// Sets a new password hash and revokes every session.
    public func setPassword(_ id: ID<Account>, hash: String) async throws {
        try await changingSessions { try await client.withTransaction { tx in
            try await tx.execute("UPDATE accounts SET password_hash = \(hash) WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
        } }
    }

    /// Stores a TOTP secret (sealed, as `TwoFactorSecrets` makes it) as the account's, not yet enabled.
    public func setTOTPSecret(_ id: ID<Account>, secret: String) async throws {
        try await changingSessions {
            try await client.execute("UPDATE accounts SET totp_secret = \(secret), totp_enabled_at = NULL, totp_last_step = NULL WHERE id = \(id)")
        }
    }

    /// Turns two-factor sign-in on, and ends the account's enrollment-only sessions.
    public func enableTOTP(_ id: ID<Account>) async throws {
        try await changingSessions { try await client.withTransaction { tx in
            // Without a secret the table's check refuses it (the application role cannot read the secret).
            try await tx.execute("UPDATE accounts SET totp_enabled_at = now() WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND enrollment_only AND revoked_at IS NULL")
        } }
    }

    /// Keeps a secret being set up (sealed) beside the one in use, which it does not touch.
    public func setPendingTOTPSecret(_ id: ID<Account>, secret: String) async throws {
        try await client.execute("UPDATE accounts SET totp_pending_secret = \(secret) WHERE id = \(id)")
    }

    /// The secret being set up, if any (sealed).
    public func pendingTOTPSecret(of id: ID<Account>) async throws -> String? {
        try await client.query("SELECT cdt_account_pending_totp_secret(\(id))").decode(String?.self).first ?? nil
    }

    /// Makes the pending secret the account's, with two-factor sign-in on, `step` as the last step used,
    /// and `recoveryCodeHashes` as its only recovery codes; ends its enrollment-only sessions. All or nothing.
    /// - Returns: whether the pending secret was still `pending` (a concurrent set-up loses).
    public func confirmTOTP(_ id: ID<Account>, pending: String, step: Int64, recoveryCodeHashes: [Data]) async throws -> Bool {
        try await changingSessions { try await client.withTransaction { tx in
            let changed = try await tx.query("SELECT cdt_account_confirm_totp(\(id), \(pending), \(step))").decode(Bool.self)[0]
            guard changed else { return false }
            try await tx.execute("DELETE FROM two_factor_recovery_codes WHERE account_id = \(id)")
            for hash in recoveryCodeHashes {
                try await tx.execute("INSERT INTO two_factor_recovery_codes (account_id, code_hash) VALUES (\(id), \(hash))")
            }
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND enrollment_only AND revoked_at IS NULL")
            return true
        } }
    }

    /// Records `step` as the last one whose code was used, unless it is not later than the last one:
    /// returns whether it was (a code is good once).
    public func useTOTPStep(_ id: ID<Account>, step: Int64) async throws -> Bool {
        try await RowScope.$current.withValue(.authenticating) {
            try await client.execute("""
                UPDATE accounts SET totp_last_step = \(step) WHERE id = \(id) AND (totp_last_step IS NULL OR totp_last_step < \(step))
                """) == 1
        }
    }

    /// Marks an unused recovery code as used: returns whether there was one with this hash.
    public func useRecoveryCode(_ id: ID<Account>, hash: Data) async throws -> Bool {
        try await RowScope.$current.withValue(.authenticating) {
            try await client.execute("""
                UPDATE two_factor_recovery_codes SET used_at = now() WHERE account_id = \(id) AND code_hash = \(hash) AND used_at IS NULL
                """) == 1
        }
    }

    /// How many unused recovery codes the account has.
    public func recoveryCodesLeft(_ id: ID<Account>) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM two_factor_recovery_codes WHERE account_id = \(id) AND used_at IS NULL").decode(Int.self)[0]
    }

    /// Replaces a secret still stored in clear with its sealed form (only if it is still `old`).
    public func resealTOTPSecret(_ id: ID<Account>, old: String, new: String) async throws {
        _ = try await RowScope.$current.withValue(.authenticating) {
            try await client.query("SELECT cdt_account_reseal_totp_secret(\(id), \(old), \(new))")
        }
    }

    /// Turns two-factor sign-in off (an administrator's reset): forgets the secrets and recovery codes and
    /// ends every session, so the next sign-in sets it up again. All or nothing.
    public func resetTwoFactor(_ id: ID<Account>) async throws {
        try await changingSessions { try await client.withTransaction { tx in
            try await tx.execute("""
                UPDATE accounts SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = \(id)
                """)
            try await tx.execute("DELETE FROM two_factor_recovery_codes WHERE account_id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
        } }
    }

    /// Sets a new password hash and ends every session but `keeping` (the one changing it).
    public func changePassword(_ id: ID<Account>, hash: String, keeping tokenHash: Data) async throws {
        try await changingSessions { try await client.withTransaction { tx in
            try await tx.execute("UPDATE accounts SET password_hash = \(hash) WHERE id = \(id)")
            try await tx.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL AND token_hash <> \(tokenHash)")
        } }
    }

    /// The account's password hash, for checking the current password before a change.
    public func passwordHash(of id: ID<Account>) async throws -> String? {
        try await client.query("SELECT cdt_account_password_hash(\(id))").decode(String?.self).first ?? nil
    }

    // MARK: Sessions

    /// Opens a session, as sign-in (``RowScope/authenticating``). A `fieldDay` session is not ended by the
    /// idle timeout, only by its expiry or revocation (the field app's, for work where the signal drops).
    public func createSession(tokenHash: Data, account: ID<Account>, expiresAt: Date, enrollmentOnly: Bool, clientAddress: String?,
                              fieldDay: Bool = false) async throws {
        _ = try await RowScope.$current.withValue(.authenticating) {
            try await client.execute("""
                INSERT INTO sessions (token_hash, account_id, expires_at, enrollment_only, client_address, field_day)
                VALUES (\(tokenHash), \(account), \(expiresAt), \(enrollmentOnly), \(clientAddress), \(fieldDay))
                """)
        }
    }

    /// The live session with this token hash (not expired, not revoked, used within `idleTimeout` unless it
    /// is a field-day session, of an
    /// enabled account) and its account, in one statement, then the account's assignments. Its last use
    /// is moved to now (at most once a minute, to spare writes). Runs as sign-in (``RowScope/authenticating``).
    ///
    /// With a ``sessionCache`` whose listener is connected, a session found live is kept for a few seconds
    /// and served from memory, its expiry and idle timeout checked again on every use; its last use is then
    /// moved on only when it is read again from the database (so up to the cache's time to live later).
    public func session(tokenHash: Data, idleTimeout: TimeInterval = 3600) async throws -> SessionLookup? {
        if let cached = sessionCache?.lookup(tokenHash, idleTimeout: idleTimeout) { return cached }
        let ticket = sessionCache?.ticket()
        let started = ContinuousClock.now
        let found = try await RowScope.$current.withValue(.authenticating) { try await liveSession(tokenHash: tokenHash, idleTimeout: idleTimeout) }
        if let sessionCache {
            if let found, let ticket {
                sessionCache.store(found.entry(lookupStarted: started), for: tokenHash, ticket: ticket)
            } else if found == nil {
                sessionCache.forget(tokenHash)
            }
        }
        return found?.lookup
    }

    /// A live session as read, with what a cache needs to check it again later.
    private struct LiveSession {
        let lookup: SessionLookup
        /// Seconds since its last use (0 when this lookup moved it), as the database counts at the lookup.
        let secondsSinceSeen: Double
        /// Seconds until it expires, as the database counts at the lookup.
        let secondsLeft: Double
        let isFieldDay: Bool
        let requiresTwoFactor: Bool

        /// The cache's entry, its times moved onto this process's clock from `lookupStarted` (which is no
        /// later than the database's `now()`, so the entry ends no later than the session does).
        func entry(lookupStarted: ContinuousClock.Instant) -> SessionCache.Entry {
            SessionCache.Entry(lookup: lookup, storedAt: lookupStarted, expiresBy: lookupStarted + .seconds(secondsLeft),
                               lastSeen: lookupStarted - .seconds(secondsSinceSeen), isFieldDay: isFieldDay, requiresTwoFactor: requiresTwoFactor)
        }
    }

    /// One lease for the session, its account's assignments and the touch: a lease costs a row-scope
    /// statement and two hand-offs to the blocking pool, and every signed-in request looks its session up.
    private func liveSession(tokenHash: Data, idleTimeout: TimeInterval) async throws -> LiveSession? {
        let idle = Int(idleTimeout)
        return try await client.withConnection { db -> LiveSession? in
            let rows = try await db.query("""
                SELECT \(unsafeSQL: Self.accountColumns), s.expires_at, s.enrollment_only, s.last_seen_at < now() - interval '60 seconds' AS stale,
                       s.last_seen_at > now() - make_interval(secs => \(idle)) AS recent, s.field_day,
                       extract(epoch FROM now() - s.last_seen_at)::float8 AS seconds_since_seen,
                       extract(epoch FROM s.expires_at - now())::float8 AS seconds_left
                FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE s.token_hash = \(tokenHash) AND s.revoked_at IS NULL AND s.expires_at > now() AND a.disabled_at IS NULL
                  AND (s.field_day OR s.last_seen_at > now() - make_interval(secs => \(idle)))
                """)
            guard let row = rows.first else { return nil }
            var account = try Self.account(from: row)
            let placed = try Self.placedAssignments(try await db.query(Self.placedAssignmentsQuery(of: account.id, from: "role_assignments")))
            account.assignments = placed.map { RoleAssignment(role: $0.role, unitID: $0.unitID) }
            // A field-day session outlives the idle timeout only while the account need not use two-factor
            // sign-in: a role that requires it, granted since, puts the session under the idle timeout again.
            let requiresTwoFactor = CallerAccess(assignments: placed).requiresTwoFactor
            if try !row.decode(Bool.self, column: "recent"), requiresTwoFactor { return nil }
            var secondsSinceSeen = try row.decode(Double.self, column: "seconds_since_seen")
            if try row.decode(Bool.self, column: "stale") {
                try await db.execute("UPDATE sessions SET last_seen_at = now() WHERE token_hash = \(tokenHash)")
                secondsSinceSeen = 0
            }
            let lookup = SessionLookup(account: account, placedAssignments: placed, expiresAt: try row.decode(Date.self, column: "expires_at"),
                                       isEnrollmentOnly: try row.decode(Bool.self, column: "enrollment_only"))
            return LiveSession(lookup: lookup, secondsSinceSeen: secondsSinceSeen, secondsLeft: try row.decode(Double.self, column: "seconds_left"),
                               isFieldDay: try row.decode(Bool.self, column: "field_day"), requiresTwoFactor: requiresTwoFactor)
        }
    }

    /// Ends one session (a logout).
    public func revoke(tokenHash: Data) async throws {
        try await changingSessions {
            try await client.execute("UPDATE sessions SET revoked_at = now() WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
        }
    }

    /// Ends every session of the account ("log out everywhere").
    public func revokeAll(of account: ID<Account>) async throws {
        try await changingSessions {
            try await client.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(account) AND revoked_at IS NULL")
        }
    }

    /// Runs a write that can end or narrow sessions, then (committed or not) empties this process's
    /// session caches, so the next lookup here reads the database.
    @discardableResult
    private func changingSessions<Result>(_ write: () async throws -> Result) async throws -> Result {
        defer { SessionChanges.inThisProcess.note() }
        return try await write()
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
