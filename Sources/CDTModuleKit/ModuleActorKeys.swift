public import CDTPostgres
public import Foundation

/// API keys for actors outside the hierarchy (an enterprise partner organisation), issued by a module
/// for its own ``ModuleRouteAccess/externalActor`` routes. The key is shown once, when issued; only its
/// SHA-256 hash is stored. A route called with the key sees ``ModuleCaller/externalActor(_:)`` with the
/// actor's id, and the module decides what that actor may see (its own offers, say).
///
/// Keys belong to no province: issuing and revoking them are national acts, which this type does in a
/// national row scope whatever the request's (row-level security lets no other scope write the keys).
/// Decide in the module who may ask for them.
///
/// ```swift
/// let key = try await ModuleActorKeys(context.module).issue(to: partner.id, label: "Viettel Post, shop system")
/// ```
public struct ModuleActorKeys: Sendable {
    public let moduleID: String
    let database: PostgresClient

    public init(_ context: ModuleContext) {
        self.moduleID = context.moduleID
        self.database = context.database
    }

    /// The prefix of every key, so one pasted in the wrong place is recognised.
    public static let prefix = "cdtk_"

    /// Issues a new key for `actorID` and returns it; it cannot be read back later. A key with `expiresAt`
    /// opens nothing from that instant on, as a revoked one.
    public func issue(to actorID: String, label: String, expiresAt: Date? = nil) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        let key = Self.prefix + String((0..<40).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        _ = try await RowScope.$current.withValue(.everyProvince) {
            try await database.execute("""
                INSERT INTO module_api_keys (id, module_id, actor_id, label, key_hash, expires_at)
                VALUES (\(UUID()), \(moduleID), \(actorID), \(label), sha256(convert_to(\(key), 'UTF8')), \(expiresAt))
                """)
        }
        return key
    }

    /// Revokes every key of `actorID`; returns how many it revoked (expired ones not yet revoked included).
    @discardableResult
    public func revokeAll(of actorID: String) async throws -> Int {
        try await RowScope.$current.withValue(.everyProvince) {
            try await database.execute("""
                UPDATE module_api_keys SET revoked_at = now() WHERE module_id = \(moduleID) AND actor_id = \(actorID) AND revoked_at IS NULL
                """)
        }
    }
}

/// Signed-in accounts a module binds to one of its external actors: an enterprise partner's staff, who
/// sign in with their own account (core role `enterprisePartner`, which gives nothing in the core) rather
/// than a key. On the module's ``ModuleRouteAccess/externalActor`` routes such an account is admitted as
/// the actor (``ModuleCaller/actorAccount(_:actor:)``): it sees what the actor sees, and the audit log
/// names the account beside the actor. An account is bound to at most one actor of a module, and binding
/// never moves it: an account another actor holds must be unbound there first (so one partner's
/// administrator cannot take another partner's staff). Like keys, bindings belong to no province: this type
/// writes them in a national scope, and the module decides who may ask.
///
/// ```swift
/// try await ModuleActorAccounts(context.module).bind(staffAccount, to: partner.id.description)
/// ```
public struct ModuleActorAccounts: Sendable {
    public let moduleID: String
    let database: PostgresClient

    public init(_ context: ModuleContext) {
        self.moduleID = context.moduleID
        self.database = context.database
    }

    /// An account is bound to another actor of the module already: unbind it there first.
    public struct BoundElsewhere: Error, Sendable, Hashable {
        /// The actor that holds the account.
        public let actorID: String
    }

    /// Binds `account` to `actorID`; returns whether it was new (`false`: bound to that actor already).
    /// Throws ``BoundElsewhere`` when another actor of this module holds the account.
    @discardableResult
    public func bind(_ account: ID<Account>, to actorID: String) async throws -> Bool {
        try await RowScope.$current.withValue(.everyProvince) {
            let inserted = try await database.execute("""
                INSERT INTO module_actor_accounts (module_id, account_id, actor_id) VALUES (\(moduleID), \(account), \(actorID))
                ON CONFLICT (module_id, account_id) DO NOTHING
                """) == 1
            if inserted { return true }
            let holder = try await database.query("""
                SELECT actor_id FROM module_actor_accounts WHERE module_id = \(moduleID) AND account_id = \(account)
                """).decode(String.self).first
            if let holder, holder != actorID { throw BoundElsewhere(actorID: holder) }
            return false
        }
    }

    /// Unbinds `account`; returns whether it was bound.
    @discardableResult
    public func unbind(_ account: ID<Account>) async throws -> Bool {
        try await RowScope.$current.withValue(.everyProvince) {
            try await database.execute("DELETE FROM module_actor_accounts WHERE module_id = \(moduleID) AND account_id = \(account)") == 1
        }
    }

    /// The accounts bound to `actorID`.
    public func accounts(of actorID: String) async throws -> [ID<Account>] {
        try await RowScope.$current.withValue(.everyProvince) {
            try await database.query("""
                SELECT account_id FROM module_actor_accounts WHERE module_id = \(moduleID) AND actor_id = \(actorID) ORDER BY bound_at, account_id
                """).decode(ID<Account>.self)
        }
    }
}
