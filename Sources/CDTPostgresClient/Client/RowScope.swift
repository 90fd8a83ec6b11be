public import Foundation
import CDTDomain

/// Which provinces' rows the current task may read and change, as row-level security sees them
/// (`sql/core/0005_row_level_security.sql`, `sql/core/0010_scoped_identity_and_change_scope.sql`).
///
/// Set it around the work of one request; every connection the task leases is told before its first
/// statement (`cdt.provinces`, `cdt.all_provinces` for reading; `cdt.change_provinces`,
/// `cdt.all_change_provinces` for inserting, updating and deleting; `cdt.account_id`,
/// `cdt.authenticating` for the identity tables), all of them at every lease, so nothing an earlier lease
/// of the connection set carries over. A task that sets none leases connections that see no tenant row and
/// write none, so a query that forgets its scope returns nothing rather than everything.
///
/// ```swift
/// try await RowScope.$current.withValue(.provinces([provinceA])) {
///     try await db.query("SELECT count(*) FROM teams")   // province A's teams only
/// }
/// ```
public struct RowScope: Hashable, Sendable {
    /// Reads every province (national roles).
    public let allProvinces: Bool
    /// The provinces read, when not ``allProvinces``.
    public let provinceIDs: [UUID]
    /// Changes every province.
    public let changesAllProvinces: Bool
    /// The provinces changed, when not ``changesAllProvinces``.
    public let changeProvinceIDs: [UUID]
    /// The signed-in account: it reads and changes its own account, sessions and roles.
    public let accountID: UUID?
    /// The request is being signed in: a login, a session token or an API key is looked up, before
    /// any account is known. Reads the identity tables, nothing else.
    public let isAuthenticating: Bool

    public init(allProvinces: Bool, provinceIDs: [UUID], changesAllProvinces: Bool? = nil, changeProvinceIDs: [UUID]? = nil,
                accountID: UUID? = nil, isAuthenticating: Bool = false) {
        self.allProvinces = allProvinces
        self.provinceIDs = Self.sorted(provinceIDs)
        self.changesAllProvinces = changesAllProvinces ?? allProvinces
        self.changeProvinceIDs = Self.sorted(changeProvinceIDs ?? provinceIDs)
        self.accountID = accountID
        self.isAuthenticating = isAuthenticating
    }

    /// Reads and changes every province (the command line, the dispatcher's national work).
    public static let everyProvince = RowScope(allProvinces: true, provinceIDs: [])
    public static let noProvince = RowScope(allProvinces: false, provinceIDs: [])
    /// Signing a request in: the identity tables only.
    public static let authenticating = RowScope(allProvinces: false, provinceIDs: [], isAuthenticating: true)

    /// Reads and changes `ids`.
    public static func provinces(_ ids: some Sequence<UUID>) -> RowScope {
        RowScope(allProvinces: false, provinceIDs: Array(ids))
    }

    /// The same provinces, without the signed-in account.
    public var withoutAccount: RowScope {
        RowScope(allProvinces: allProvinces, provinceIDs: provinceIDs, changesAllProvinces: changesAllProvinces,
                 changeProvinceIDs: changeProvinceIDs, isAuthenticating: isAuthenticating)
    }

    /// The scope of the current task; `nil` behaves as ``noProvince``.
    @TaskLocal public static var current: RowScope?

    private static func sorted(_ ids: [UUID]) -> [UUID] {
        Array(Set(ids)).sorted { $0.precedesInTextOrder($1) }
    }

    /// The statement telling a connection this scope: every setting row-level security reads, so nothing
    /// a previous lease of the connection set survives it (`cdt.erasing` too, which only
    /// `cdt_erase_member` turns on, transaction-locally).
    var statement: PostgresQuery {
        let view = provinceIDs.map { $0.lowercasedText }.joined(separator: ",")
        let change = changeProvinceIDs.map { $0.lowercasedText }.joined(separator: ",")
        let account = accountID?.lowercasedText ?? ""
        return """
            SELECT set_config('cdt.all_provinces', \(allProvinces ? "on" : "off"), false), set_config('cdt.provinces', \(view), false),
                   set_config('cdt.all_change_provinces', \(changesAllProvinces ? "on" : "off"), false),
                   set_config('cdt.change_provinces', \(change), false),
                   set_config('cdt.account_id', \(account), false), set_config('cdt.authenticating', \(isAuthenticating ? "on" : "off"), false),
                   set_config('cdt.erasing', 'off', false)
            """
    }
}

extension PostgresSession {
    /// Runs `body` inside the current transaction with row-level security widened to every province, for
    /// reading and changing, then narrows it back. For work that must cross provinces by nature (a figure
    /// of a province merged into another by a reorganization rolls up into that one); keep `body` to the
    /// statements that need it. The widening is transaction-local: a failure that rolls the transaction
    /// back undoes it too, and it never outlives the lease (see ``RowScope``).
    public func acrossEveryProvince(_ body: () async throws -> Void) async throws {
        let (view, change) = try await query("""
            SELECT coalesce(current_setting('cdt.all_provinces', true), 'off'), coalesce(current_setting('cdt.all_change_provinces', true), 'off')
            """).decode((String, String).self)[0]
        try await query("SELECT set_config('cdt.all_provinces', 'on', true), set_config('cdt.all_change_provinces', 'on', true)")
        try await body()
        try await query("SELECT set_config('cdt.all_provinces', \(view), true), set_config('cdt.all_change_provinces', \(change), true)")
    }
}
