import CDTModuleKit
import CDTDomain
import CDTPostgres
import Foundation
import Hummingbird

/// Data-subject requests about a member (Law 91/2025/QH15), for administrators of the member's area:
/// - `GET /api/v1/members/{id}/export`: everything stored about them, as JSON.
/// - `POST /api/v1/members/{id}/erase`: their details become placeholders everywhere; the work they did
///   still counts. Both are audited; a member outside the administrator's area is 404.
struct PersonalDataController: Sendable {
    let store: PostgresWorkStore
    let audit: PostgresAuditLog

    func addRoutes(to members: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("{id}/export", on: members, access: .handlePersonalData, use: export)
        checkpoint.post("{id}/erase", on: members, access: .handlePersonalData, use: erase)
    }

    struct Export: ResponseEncodable {
        var member: MemberResponse
        var memberships: [MembershipResponse]
        var events: [EventResponse]
        var exportedAt: Date
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Export {
        let (caller, id) = try await administeredMember(context)
        guard let data = try await store.personalData(of: id) else { throw ProblemDetails(status: .notFound, detail: "No member has id \(id).") }
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "personal-data.exported",
                                          target: id.description, unitID: try await store.auditUnit(ofMember: id),
                                          details: ["events": String(data.events.count)]))
        return Export(member: MemberResponse(data.member, showPhone: true), memberships: data.memberships.map(MembershipResponse.init),
                      events: data.events.map { EventResponse(event: $0) }, exportedAt: Date())
    }

    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (caller, id) = try await administeredMember(context)
        let unit = try await store.auditUnit(ofMember: id)
        try await store.erase(id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "personal-data.erased",
                                          target: id.description, unitID: unit))
        return Response(status: .noContent)
    }

    /// The member in the path, who must belong to a team where the caller manages accounts (else 404).
    private func administeredMember(_ context: AppRequestContext) async throws -> (Caller, ID<Member>) {
        let caller = try context.requireCaller()
        let id = try PathID.parse(context, as: Member.self, name: "member")
        let scope = caller.access.scope(for: .manageAccounts)
        let inScope = scope.isNationwide ? try await store.member(id) != nil : !(try await store.members([id], within: scope)).isEmpty
        guard inScope else { throw ProblemDetails(status: .notFound, detail: "No member has id \(id).") }
        return (caller, id)
    }
}
