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

    /// Issues a new key for `actorID` and returns it; it cannot be read back later.
    public func issue(to actorID: String, label: String) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        let key = Self.prefix + String((0..<40).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        _ = try await RowScope.$current.withValue(.everyProvince) {
            try await database.execute("""
                INSERT INTO module_api_keys (id, module_id, actor_id, label, key_hash)
                VALUES (\(UUID()), \(moduleID), \(actorID), \(label), sha256(convert_to(\(key), 'UTF8')))
                """)
        }
        return key
    }

    /// Revokes every key of `actorID`; returns how many were live.
    @discardableResult
    public func revokeAll(of actorID: String) async throws -> Int {
        try await RowScope.$current.withValue(.everyProvince) {
            try await database.execute("""
                UPDATE module_api_keys SET revoked_at = now() WHERE module_id = \(moduleID) AND actor_id = \(actorID) AND revoked_at IS NULL
                """)
        }
    }
}
