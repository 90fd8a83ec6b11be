import CDTDomain
import CDTPostgres
public import Foundation
import Hummingbird

/// `GET /api/v1/audit?limit=&cursor=`: the audit log inside the caller's audit scope, newest first
/// (national entries, such as failed sign-ins of unknown logins, only for nationwide scopes).
struct AuditController: Sendable {
    let audit: PostgresAuditLog

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("", on: group, access: .readAudit, use: list)
    }

    struct EntryResponse: Encodable, Sendable {
        var id: Int64?
        var at: Date?
        var accountId: String?
        var clientAddress: String?
        var action: String
        var target: String?
        var details: [String: String]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<EntryResponse> {
        let caller = try context.requireCaller()
        var parameters = QueryParameters(request)
        let page = parameters.page(cursor: [.integer])
        try parameters.validate()
        let result = try await audit.entries(within: caller.access.scope(for: .readAudit), page: page)
        return PageResponse(items: result.items.map {
            EntryResponse(id: $0.id, at: $0.at, accountId: $0.accountID?.description, clientAddress: $0.clientAddress,
                          action: $0.action, target: $0.target, details: $0.details)
        }, nextCursor: result.next?.token)
    }
}

/// TOTP codes (RFC 6238: 6 digits, 30-second steps, HMAC-SHA1) as authenticator apps show them.
public enum TwoFactorCodes {
    /// The code for the base32 `secret` (as set-up shows it and an authenticator takes it) at `date`.
    public static func code(secret: String, at date: Date = Date()) -> String {
        TOTPCodes.code(key: Base32.decode(secret) ?? [], step: TOTPCodes.step(at: date))
    }
}
