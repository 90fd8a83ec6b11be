import CDTModuleKit
import Foundation
import Hummingbird

/// Who may do what, decided from the caller's core roles and the partner the caller acts for.
enum Authority {
    static func isNationalAdministrator(_ context: ModuleRequestContext) -> Bool {
        context.roles.contains { $0.role == .nationalAdministrator }
    }

    /// A national administrator, or the administrator of `province`.
    static func administers(_ province: ID<AdministrativeUnit>, _ context: ModuleRequestContext) -> Bool {
        isNationalAdministrator(context) || context.roles.contains { $0.role == .provinceAdministrator && $0.unitID == province }
    }

    /// The partner an external actor (a key or a bound staff account) acts for.
    static func partner(_ context: ModuleRequestContext) throws -> ID<Partner> {
        guard let actor = context.caller.externalActorID, let uuid = UUID(uuidString: actor) else {
            throw ProblemDetails(status: .forbidden, detail: "Only a partner's key or staff account may do this.")
        }
        return ID(rawValue: uuid)
    }

    /// Who recorded an event: the account, or for a partner's key the partner's id.
    static func author(_ context: ModuleRequestContext) throws -> UUID {
        if let account = context.caller.accountID { return account.rawValue }
        return try partner(context).rawValue
    }
}

/// A partner as the module stores it.
struct PartnerRecord: Codable, Sendable, ResponseEncodable {
    var id: ID<Partner>
    var provinceId: ID<AdministrativeUnit>
    var name: String
    var taxCode: String
    var contact: String
    var reach: String
    var registeredAt: Date

    static func find(_ id: ID<Partner>, _ database: PostgresClient) async throws -> PartnerRecord? {
        try await database.query("""
            SELECT id, province_id, name, tax_code, contact, reach, registered_at FROM partner_discounts_partners WHERE id = \(id)
            """).decode((ID<Partner>, ID<AdministrativeUnit>, String, String, String, String, Date).self).first.map {
                PartnerRecord(id: $0.0, provinceId: $0.1, name: $0.2, taxCode: $0.3, contact: $0.4, reach: $0.5, registeredAt: $0.6)
            }
    }
}

/// A list answer, `{"items": [...]}`.
struct Items<Item: Codable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
}

extension Validator {
    func finishOr422() throws {
        do { try finish() } catch { throw ProblemDetails.unprocessable(error) }
    }
}

extension ProblemDetails {
    /// A 422 naming one field and its rule.
    static func rule(_ field: String, _ rule: String, status: HTTPResponse.Status = .unprocessableContent, _ detail: String = "The request breaks a rule.") -> ProblemDetails {
        ProblemDetails(status: status, detail: detail, errors: [.init(field: field, rule: rule)])
    }
}
