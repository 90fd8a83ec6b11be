public import CDTPostgres
public import Logging

/// The role the server serves requests as must be held by row-level security: not a superuser, without
/// BYPASSRLS, owning no table under a policy. The server refuses to start as one that is not, unless
/// `database.allow-owner-role` (`--allow-owner-role`, `CDT_ALLOW_OWNER_ROLE`) says so.
public enum ServingRole {
    /// Why the client's role escapes row-level security, or `nil` when it does not.
    public static func bypass(of database: PostgresClient) async throws -> String? {
        let rows = try await database.query("""
            SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relrowsecurity)
            FROM pg_roles r WHERE r.rolname = current_user
            """).decode((String, Bool, Bool, Int64).self)
        guard let (name, superuser, bypassRLS, owned) = rows.first else { return nil }
        if superuser { return "role \(name) is a superuser" }
        if bypassRLS { return "role \(name) has BYPASSRLS" }
        if owned > 0 { return "role \(name) owns \(owned) tables under row-level security" }
        return nil
    }

    /// Throws when the client's role escapes row-level security and `allowed` is false; warns when it is true.
    public static func verify(_ database: PostgresClient, allowed: Bool, logger: Logger) async throws {
        guard let reason = try await bypass(of: database) else { return }
        guard allowed else {
            throw ConfigurationError("""
                refusing to serve as a role row-level security does not hold (\(reason)): set database.app.url \
                (DATABASE_APP_URL) to connect as cdt_app, or pass --allow-owner-role (CDT_ALLOW_OWNER_ROLE=true) to serve so anyway
                """)
        }
        logger.warning("serving as a role row-level security does not hold, as database.allow-owner-role allows", metadata: ["reason": "\(reason)"])
    }
}
