public import CDTDomain
public import Foundation

/// One line of the audit log.
public struct AuditEntry: Sendable, Codable, Hashable {
    public var id: Int64?
    public var at: Date?
    /// Who; `nil` for a failed sign-in of an unknown login.
    public var accountID: ID<Account>?
    public var clientAddress: String?
    /// `event.recorded`, `login.succeeded`, `login.failed`, `account.created`, `role.granted`, …
    public var action: String
    /// What it concerned: an event id, an account id. For sign-ins (`login.*`, `logout*`) the log keeps the
    /// account the login resolved to, or a keyed hash of an unknown login (`login-hmac:…`), never the text
    /// typed (see ``PostgresAuditLog``).
    public var target: String?
    /// Where in the hierarchy; `nil` for national actions. A sign-in without one is placed at the
    /// account's first unit.
    public var unitID: ID<AdministrativeUnit>?
    /// The event, or the before and after of a change.
    public var details: [String: String]

    public init(accountID: ID<Account>?, clientAddress: String?, action: String, target: String? = nil,
                unitID: ID<AdministrativeUnit>? = nil, details: [String: String] = [:]) {
        self.accountID = accountID
        self.clientAddress = clientAddress
        self.action = action
        self.target = target
        self.unitID = unitID
        self.details = details
    }
}

/// The append-only audit log (`audit_log`; UPDATE, DELETE and TRUNCATE raise).
public struct PostgresAuditLog: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    public func record(_ entry: AuditEntry) async throws {
        try await client.execute(Self.insert(entry))
    }

    /// Records inside a transaction of the caller's, so the entry commits with the change it describes.
    public static func record(_ entry: AuditEntry, in session: PostgresSession) async throws {
        try await session.execute(insert(entry))
    }

    /// Sign-ins are stored so that the log never holds what was typed as the login (a password typed
    /// there by mistake would otherwise stay in it): the target is the account the login resolved to, or,
    /// for a login that names no account, `login-hmac:` and an HMAC-SHA256 of the normalised login under a
    /// key only the database owner reads (`cdt_login_digest`). A sign-in with no unit is placed at the
    /// account's first unit (`cdt_account_home_unit`), so its province's auditors see it.
    static func insert(_ entry: AuditEntry) -> PostgresQuery {
        let isSignIn = entry.action.hasPrefix("login.") || entry.action.hasPrefix("logout")
        let target = isSignIn ? entry.accountID?.description : entry.target
        let unknownLogin = isSignIn && entry.accountID == nil ? entry.target.map(normalizedLogin) : nil
        let homeOf = isSignIn && entry.unitID == nil ? entry.accountID : nil
        return """
        WITH placed AS (SELECT coalesce(\(entry.unitID)::uuid, cdt_account_home_unit(\(homeOf)::uuid)) AS unit_id)
        INSERT INTO audit_log (account_id, client_address, action, target, province_id, unit_path, details)
        SELECT \(entry.accountID), \(entry.clientAddress), \(entry.action),
               coalesce(\(target)::text, 'login-hmac:' || cdt_login_digest(\(unknownLogin)::text)),
               (SELECT coalesce(u.province_id, u.id) FROM administrative_units u WHERE u.id = placed.unit_id),
               (SELECT u.path FROM administrative_units u WHERE u.id = placed.unit_id),
               \(PostgresJSON(entry.details))
        FROM placed
        """
    }

    /// A login as sign-in reads it: a phone number in its one stored form, anything else in lower case.
    static func normalizedLogin(_ login: String) -> String {
        let trimmed = login.trimmingCharacters(in: .whitespacesAndNewlines)
        return Member.normalizedPhone(trimmed) ?? trimmed.lowercased()
    }

    /// Entries inside `scope` (national entries only when nationwide), newest first.
    public func entries(within scope: AccessScope, page: PageRequest) async throws -> Page<AuditEntry> {
        let paths = scope.isNationwide ? nil : Array(scope.paths)
        let before = page.after.flatMap { Int64($0.parts[0]) }
        let rows = try await client.query("""
            SELECT id, at, account_id, client_address, action, target, details::text FROM audit_log
            WHERE (\(scope.isNationwide) OR unit_path LIKE ANY (SELECT p || '%' FROM unnest(\(paths)::text[]) AS p))
              AND (\(before)::bigint IS NULL OR id < \(before))
            ORDER BY id DESC
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: { row in
            let (id, at, account, address, action, target, details) = try row.decode((Int64, Date, ID<Account>?, String?, String, String?, String).self)
            var entry = AuditEntry(accountID: account, clientAddress: address, action: action, target: target,
                                   details: (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:])
            entry.id = id
            entry.at = at
            return entry
        }, cursor: { entry, _ in [String(entry.id ?? 0)] })
    }
}
