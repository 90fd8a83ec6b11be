import CDTModuleKit
import Foundation
import Hummingbird

/// Registering partners and giving them their ways in: API keys for their systems (shown once, expiring,
/// revocable) and staff accounts bound to the partner. National administrators register national partners;
/// a province's administrator registers local ones, for their province, and manages those.
enum PartnerAdminRoutes {
    static func add(to routes: inout ModuleRoutes) {
        routes.post("partners", access: .change, documentation: PartnerDocumentation.register) { request, context in
            try await register(request, context)
        }
        routes.get("partners", access: .change, documentation: PartnerDocumentation.partners) { _, context in
            try await list(context)
        }
        routes.post("partners/{id}/keys", access: .change, documentation: PartnerDocumentation.issueKey) { request, context in
            try await issueKey(request, context)
        }
        routes.post("partners/{id}/keys/revocation", access: .change, documentation: PartnerDocumentation.revokeKeys) { _, context in
            try await revokeKeys(context)
        }
        routes.post("partners/{id}/staff", access: .change, documentation: PartnerDocumentation.bindStaff) { request, context in
            try await bindStaff(request, context)
        }
        routes.delete("partners/{id}/staff/{accountId}", access: .change, documentation: PartnerDocumentation.unbindStaff) { _, context in
            try await unbindStaff(context)
        }
    }

    struct Registration: Codable {
        var name: String
        var taxCode: String
        var contact: String
        var provinceId: ID<AdministrativeUnit>
        var reach: String
    }

    static func register(_ request: Request, _ context: ModuleRequestContext) async throws -> EditedResponse<PartnerRecord> {
        let body = try await context.decode(Registration.self, from: request)
        let payload = PartnerRegistered(partnerId: ID(), name: body.name.trimmingCharacters(in: .whitespaces), taxCode: body.taxCode,
                                        contact: body.contact, reach: body.reach)
        var check = Validator()
        payload.validate(into: &check)
        try check.finishOr422()
        guard context.provinces.contains(body.provinceId) else {
            throw ProblemDetails.rule("provinceId", "must be a province where the module is enabled and you administer")
        }
        guard payload.reach == "province" ? Authority.administers(body.provinceId, context) : Authority.isNationalAdministrator(context) else {
            throw ProblemDetails.rule("reach", payload.reach == "national" ? "only a national administrator registers a national partner"
                                                                            : "you may register partners only for the province you administer", status: .forbidden,
                                      "You may not register this partner.")
        }
        let database = context.module.database
        let taken = try await database.query("SELECT count(*) FROM partner_discounts_partners WHERE tax_code = \(payload.taxCode)").decode(Int64.self)[0]
        guard taken == 0 else { throw ProblemDetails.rule("taxCode", "is already registered", status: .conflict) }
        let event = try PartnerDiscountsModule.partnerRegistered.event(in: body.provinceId, by: Authority.author(context), at: context.module.now(), payload)
        try await database.withTransaction { tx in
            try await context.record(event, in: tx)
            try await PartnerProjection.apply(event, province: body.provinceId, tx)
            try await context.audit(action: "partner.registered", unit: body.provinceId, subject: payload.partnerId.description,
                                    details: ["name": payload.name, "reach": payload.reach], in: tx)
        }
        guard let partner = try await PartnerRecord.find(payload.partnerId, database) else { throw ProblemDetails(status: .internalServerError, detail: "The partner was not stored.") }
        return EditedResponse(status: .created, response: partner)
    }

    /// The partners an administrator deals with: every one for a national administrator; for a province's
    /// administrator the national partners and their province's own.
    static func list(_ context: ModuleRequestContext) async throws -> Items<PartnerRecord> {
        let administered = context.provinces.filter { Authority.administers($0, context) }
        guard !administered.isEmpty else { throw ProblemDetails(status: .forbidden, detail: "Only administrators see the partners.") }
        let rows = try await context.module.database.query("""
            SELECT id, province_id, name, tax_code, contact, reach, registered_at FROM partner_discounts_partners
            WHERE reach = 'national' OR province_id = ANY(\(Array(administered))) ORDER BY name, id
            """).decode((ID<Partner>, ID<AdministrativeUnit>, String, String, String, String, Date).self)
        return Items(items: rows.map { PartnerRecord(id: $0.0, provinceId: $0.1, name: $0.2, taxCode: $0.3, contact: $0.4, reach: $0.5, registeredAt: $0.6) }
            .sorted { VietnameseText.areInIncreasingOrder($0.name, $1.name) })
    }

    /// The partner of the path, if the caller manages it: national administrators every partner, a
    /// province's administrator the local partners of their province.
    static func managed(_ context: ModuleRequestContext) async throws -> PartnerRecord {
        guard let partner = try await PartnerRecord.find(try context.id("id"), context.module.database) else {
            throw ProblemDetails(status: .notFound, detail: "No such partner in your provinces.")
        }
        guard Authority.isNationalAdministrator(context) || (partner.reach == "province" && Authority.administers(partner.provinceId, context)) else {
            throw ProblemDetails(status: .forbidden, detail: "Only a national administrator, or the administrator of a local partner's province, manages this partner.")
        }
        return partner
    }

    struct KeyRequest: Codable {
        var label: String
        var validDays: Int
    }

    struct IssuedKey: ResponseEncodable {
        var key: String
        var label: String
        var expiresAt: Date
    }

    static func issueKey(_ request: Request, _ context: ModuleRequestContext) async throws -> EditedResponse<IssuedKey> {
        let body = try await context.decode(KeyRequest.self, from: request)
        var check = Validator()
        check.text(body.label, "label")
        check.require((1...730).contains(body.validDays), "validDays", "must be from 1 to 730 days")
        try check.finishOr422()
        let partner = try await managed(context)
        let expires = context.module.now().addingTimeInterval(Double(body.validDays) * 86_400)
        let key = try await ModuleActorKeys(context.module).issue(to: partner.id.description, label: body.label, expiresAt: expires)
        try await context.audit(action: "partner.key_issued", unit: partner.provinceId, subject: partner.id.description,
                                details: ["label": body.label, "expiresAt": expires.formatted(.iso8601)])
        return EditedResponse(status: .created, response: IssuedKey(key: key, label: body.label, expiresAt: expires))
    }

    struct Revoked: ResponseEncodable {
        var revoked: Int
    }

    static func revokeKeys(_ context: ModuleRequestContext) async throws -> Revoked {
        let partner = try await managed(context)
        let count = try await ModuleActorKeys(context.module).revokeAll(of: partner.id.description)
        try await context.audit(action: "partner.keys_revoked", unit: partner.provinceId, subject: partner.id.description, details: ["revoked": String(count)])
        return Revoked(revoked: count)
    }

    struct StaffRequest: Codable {
        var accountId: ID<Account>
    }

    struct Staff: ResponseEncodable {
        var partnerId: ID<Partner>
        var accounts: [ID<Account>]
    }

    static func bindStaff(_ request: Request, _ context: ModuleRequestContext) async throws -> Staff {
        let body = try await context.decode(StaffRequest.self, from: request)
        let partner = try await managed(context)
        let accounts = ModuleActorAccounts(context.module)
        do {
            try await accounts.bind(body.accountId, to: partner.id.description)
        } catch is PostgresError {
            throw ProblemDetails.rule("accountId", "must name an existing account")
        } catch is ModuleActorAccounts.BoundElsewhere {
            // Said without naming the other partner: whose staff an account is stays theirs to know.
            throw ProblemDetails.rule("accountId", "must not be another partner's staff (its binding there must end first)", status: .conflict,
                                      "That account works for another partner.")
        }
        try await context.audit(action: "partner.staff_bound", unit: partner.provinceId, subject: partner.id.description,
                                details: ["account": body.accountId.description])
        return Staff(partnerId: partner.id, accounts: try await accounts.accounts(of: partner.id.description))
    }

    static func unbindStaff(_ context: ModuleRequestContext) async throws -> Staff {
        let partner = try await managed(context)
        let account: ID<Account> = try context.id("accountId")
        let accounts = ModuleActorAccounts(context.module)
        guard try await accounts.accounts(of: partner.id.description).contains(account) else {
            throw ProblemDetails(status: .notFound, detail: "That account is not bound to this partner.")
        }
        try await accounts.unbind(account)
        try await context.audit(action: "partner.staff_unbound", unit: partner.provinceId, subject: partner.id.description,
                                details: ["account": account.description])
        return Staff(partnerId: partner.id, accounts: try await accounts.accounts(of: partner.id.description))
    }
}
