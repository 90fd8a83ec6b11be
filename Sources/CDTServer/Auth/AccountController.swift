import CDTModuleKit
import CDTDomain
import CDTPostgres
import Foundation
import Hummingbird

/// Accounts, for administrators, under `/api/v1/accounts`. An administrator sees and manages accounts
/// only inside the subtrees where they manage accounts, and cannot grant a role that allows more than
/// they are allowed themselves (403); an account with no role in their scope is 404, one with a role
/// outside it (or a national role, for a caller who is not nationwide) is 403 to every change.
/// - `GET /api/v1/accounts`: accounts with a role inside the caller's scope, showing only those roles.
/// - `POST /api/v1/accounts` `{"username"?, "phone"?, "displayName", "password", "roles": [{"role", "unitId"?}]}`
/// - `POST /api/v1/accounts/{id}/disable`: disables it and ends its sessions at once (never one's own: 409).
/// - `POST /api/v1/accounts/{id}/roles` `{"role", "unitId"?}`: grants a role.
/// - `POST /api/v1/accounts/{id}/roles/remove` `{"role", "unitId"?}`: removes a role, by the same rules
///   as granting it (never one's own: 409).
/// - `POST /api/v1/accounts/{id}/two-factor/reset`: turns its two-factor sign-in off and ends its
///   sessions, so that it sets it up again at the next sign-in (for a lost authenticator).
/// - `POST /api/v1/accounts/{id}/module-roles` `{"role", "unitId"}`: grants a role an installed module adds
///   (`good-practices.curator`), at a unit of a level the role allows, inside where the caller manages accounts.
struct AccountController: Sendable {
    let accounts: PostgresAccountStore
    let audit: PostgresAuditLog
    /// The roles the installed modules add, by name.
    var moduleRoles: [String: ModuleRole] = [:]

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("", on: group, access: .manageAccounts, use: list)
        checkpoint.post("", on: group, access: .manageAccounts, use: create)
        checkpoint.post("{id}/disable", on: group, access: .manageAccounts, use: disable)
        checkpoint.post("{id}/roles", on: group, access: .manageAccounts, use: grant)
        checkpoint.post("{id}/roles/remove", on: group, access: .manageAccounts, use: removeRole)
        checkpoint.post("{id}/two-factor/reset", on: group, access: .manageAccounts, use: resetTwoFactor)
        checkpoint.post("{id}/module-roles", on: group, access: .manageAccounts, use: grantModuleRole)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<AccountResponse> {
        let caller = try context.requireCaller()
        var parameters = QueryParameters(request)
        let page = parameters.page(cursor: [.uuid])
        try parameters.validate()
        let result = try await accounts.accounts(within: caller.access.scope(for: .manageAccounts), page: page)
        let phones = caller.access.scope(for: .seePhoneNumbers)
        return PageResponse(items: result.items.map { AccountResponse($0, showPhone: phones.isNationwide) }, nextCursor: result.next?.token)
    }

    struct NewAccount: Codable {
        var username: String?
        var phone: String?
        var displayName: String
        var password: String
        var roles: [RoleAssignment]
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AccountResponse> {
        let caller = try context.requireCaller()
        let input = try await JSONBody.decode(NewAccount.self, from: request, limit: 16 * 1024)
        var check = Validator()
        Account.validate(username: input.username, phone: input.phone, displayName: input.displayName, password: input.password, into: &check)
        check.require(!input.roles.isEmpty, "roles", "must hold at least one role")
        try Self.unprocessable(check)
        for (index, role) in input.roles.enumerated() { try await requireGrantable(role, by: caller, field: "roles[\(index)]") }
        let account = Account(
            id: ID(), username: input.username?.lowercased(), phone: input.phone.flatMap(Member.normalizedPhone),
            displayName: input.displayName.trimmingCharacters(in: .whitespacesAndNewlines), assignments: input.roles)
        do {
            try await accounts.create(account, passwordHash: try await Passwords.hash(input.password), createdBy: caller.account.id)
        } catch let failure as ValidationFailure {
            throw ProblemDetails(status: .conflict, detail: "The account cannot be created.", errors: failure.violations.map(ProblemDetails.FieldError.init))
        }
        try await audit.record(AuditEntry(
            accountID: caller.account.id, clientAddress: caller.clientAddress, action: "account.created", target: account.id.description,
            unitID: input.roles.first?.unitID, details: ["roles": input.roles.map { "\($0.role.rawValue)@\($0.unitID?.description ?? "nation")" }.joined(separator: ",")]))
        return EditedResponse(status: .created, response: AccountResponse(account, showPhone: true))
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let account = try await managedAccount(context, caller)
        guard account.id != caller.account.id else {
            throw ProblemDetails(status: .conflict, detail: "You cannot disable your own account; another administrator can.")
        }
        try await accounts.disable(account.id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "account.disabled",
                                          target: account.id.description, unitID: account.assignments.first?.unitID))
        return Response(status: .noContent)
    }

    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let account = try await managedAccount(context, caller)
        let role = try await JSONBody.decode(RoleAssignment.self, from: request, limit: 1024)
        try await requireGrantable(role, by: caller, field: "")
        try await accounts.assign(role, to: account.id, by: caller.account.id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "role.granted",
                                          target: account.id.description, unitID: role.unitID,
                                          details: ["role": role.role.rawValue, "unit": role.unitID?.description ?? "nation"]))
        return Response(status: .noContent)
    }

    @Sendable func removeRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (account, placed) = try await managedPlacedAccount(context, caller)
        let role = try await JSONBody.decode(RoleAssignment.self, from: request, limit: 1024)
        guard account.id != caller.account.id else {
            throw ProblemDetails(status: .conflict, detail: "You cannot remove your own roles; another administrator can.")
        }
        guard let held = placed.first(where: { $0.role == role.role && $0.unitID == role.unitID }) else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The account does not hold this role.",
                                 errors: [.init(field: "role", rule: "must be a role the account holds, at the unit it holds it (unitId)")])
        }
        guard caller.access.mayGrant(role.role, at: held) else {
            throw ProblemDetails(status: .forbidden, detail: "You cannot remove \(role.role.rawValue) there: it lies outside where you manage accounts, or allows more than you hold.")
        }
        try await accounts.unassign(role, from: account.id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "role.removed",
                                          target: account.id.description, unitID: role.unitID,
                                          details: ["role": role.role.rawValue, "unit": role.unitID?.description ?? "nation"]))
        return Response(status: .noContent)
    }

    @Sendable func resetTwoFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let account = try await managedAccount(context, caller)
        try await accounts.resetTwoFactor(account.id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "two-factor.reset",
                                          target: account.id.description, unitID: account.assignments.first?.unitID))
        return Response(status: .noContent)
    }

    struct ModuleRoleGrant: Codable {
        var role: String
        var unitId: ID<AdministrativeUnit>
    }

    @Sendable func grantModuleRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let account = try await managedAccount(context, caller)
        let grant = try await JSONBody.decode(ModuleRoleGrant.self, from: request, limit: 1024)
        guard let role = moduleRoles[grant.role] else {
            let known = moduleRoles.keys.sorted()
            throw ProblemDetails(status: .unprocessableContent, detail: "No installed module adds this role.",
                                 errors: [.init(field: "role", rule: known.isEmpty ? "no installed module adds roles" : "must be one of: \(known.joined(separator: ", "))")])
        }
        let roles = PostgresModuleRoles(client: accounts.client)
        guard let (level, path) = try await roles.placement(of: grant.unitId), role.levels.contains(level) else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The role cannot be given there.",
                                 errors: [.init(field: "unitId", rule: "must name a unit in force at one of the levels: \(role.levels.map(\.rawValue).sorted().joined(separator: ", "))")])
        }
        guard caller.access.scope(for: .manageAccounts).contains(path: path) else {
            throw ProblemDetails(status: .forbidden, detail: "You cannot give \(grant.role) there: it lies outside where you manage accounts.")
        }
        try await roles.assign(grant.role, to: account.id, at: grant.unitId)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "module_role.granted",
                                          target: account.id.description, unitID: grant.unitId, details: ["role": grant.role]))
        return Response(status: .noContent)
    }

    /// The account in the path, which must have a role where the caller manages accounts (else 404) and
    /// every role there (else 403): see ``CallerAccess/mayManage(_:)``.
    private func managedAccount(_ context: AppRequestContext, _ caller: Caller) async throws -> Account {
        try await managedPlacedAccount(context, caller).account
    }

    private func managedPlacedAccount(_ context: AppRequestContext, _ caller: Caller) async throws -> (account: Account, placed: [PlacedAssignment]) {
        let id = try PathID.parse(context, as: Account.self, name: "account")
        let scope = caller.access.scope(for: .manageAccounts)
        guard let (account, placed) = try await accounts.placedAccount(id) else { throw ProblemDetails(status: .notFound, detail: "No account has id \(id).") }
        guard scope.isNationwide || placed.contains(where: { $0.unitPath.map(scope.contains(path:)) ?? false }) else {
            throw ProblemDetails(status: .notFound, detail: "No account has id \(id).")
        }
        guard caller.access.mayManage(placed) else {
            throw ProblemDetails(status: .forbidden, detail: "This account holds roles outside where you manage accounts; an administrator who manages all of them can change it.")
        }
        return (account, placed)
    }

    private func requireGrantable(_ role: RoleAssignment, by caller: Caller, field: String) async throws {
        let prefix = field.isEmpty ? "" : field + "."
        guard let placed = try await accounts.placement(of: role) else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The role cannot be given there.",
                                 errors: [.init(field: prefix + "unitId", rule: role.role.isNational
                                    ? "must be left out for a national role"
                                    : "must name a unit in force at one of the levels: \(role.role.assignableLevels.map(\.rawValue).sorted().joined(separator: ", "))")])
        }
        guard caller.access.mayGrant(role.role, at: placed) else {
            throw ProblemDetails(status: .forbidden, detail: "You cannot give \(role.role.rawValue) there: it lies outside where you manage accounts, or allows more than you hold.")
        }
    }

    private static func unprocessable(_ check: Validator) throws {
        guard check.violations.isEmpty else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The account breaks a rule.", errors: check.violations.map(ProblemDetails.FieldError.init))
        }
    }
}

/// An account as the API shows it; the phone only to those allowed to see it.
struct AccountResponse: ResponseEncodable {
    var id: String
    var username: String?
    var phone: String?
    var displayName: String
    var roles: [RoleAssignment]
    var disabled: Bool
    var twoFactor: Bool

    init(_ account: Account, showPhone: Bool) {
        id = account.id.description
        username = account.username
        phone = showPhone ? account.phone : account.phone.map(PhoneMask.mask)
        displayName = account.displayName
        roles = account.assignments
        disabled = account.isDisabled
        twoFactor = account.hasTwoFactor
    }
}

/// `0912345678` shown as `091*****78` to those who may not see it in full.
enum PhoneMask {
    static func mask(_ phone: String) -> String {
        guard phone.count > 5 else { return String(repeating: "*", count: phone.count) }
        return String(phone.prefix(3)) + String(repeating: "*", count: phone.count - 5) + String(phone.suffix(2))
    }
}
