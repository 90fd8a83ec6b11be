public import CDTDomain
public import CDTPostgres
public import Foundation
public import Hummingbird

/// What a module route's handler knows about the request beyond its `Request`: who calls, where the
/// module is enabled for them, the path parameters, and the module's context.
///
/// Scopes are already narrowed to the provinces where the module is enabled: a handler that filters by
/// ``viewScope`` (or ``scope(for:)``) cannot show a province that did not turn the module on.
public struct ModuleRequestContext: Sendable {
    public let module: ModuleContext
    public let caller: ModuleCaller
    /// The provinces the caller reaches where the module is enabled (never empty: otherwise the route is 404).
    public let provinces: Set<ID<AdministrativeUnit>>
    /// Where the caller may view work, within those provinces.
    public let viewScope: AccessScope
    /// Where the caller may record work, within those provinces: their own area (a commune officer's
    /// commune, a member's village), where ``viewScope`` may reach further (a commune officer views the
    /// whole province).
    public let changeScope: AccessScope
    /// The caller's roles in the hierarchy, each at its unit (empty for an external actor); the module's
    /// own roles show through ``scope(for:)``.
    public let roles: [RoleAssignment]
    /// The route's path parameters.
    public let parameters: Parameters
    /// Each of those provinces' settings.
    public let settingsByProvince: [ID<AdministrativeUnit>: ModuleSettings]
    /// Whether the caller may view every province (a national role): figures for the whole country,
    /// summed over the provinces where the module is enabled, are theirs to see. A province's own
    /// callers are never nationwide, even where the module is enabled in their province only.
    public let viewsNationwide: Bool
    /// The caller's address, for the audit log.
    public let clientAddress: String?
    /// The fields of the HTML form posted to a form route (``ModuleRoutes/form(_:access:documentation:_:)``);
    /// `nil` on every other route.
    public let form: FormFields?
    /// The caller's form token, for the pages a route renders to carry in their forms
    /// (``HTML/csrfField(_:)``); `nil` for a caller without a session (an API key).
    public let csrfToken: String?
    /// Appends the module's events for the caller (see ``record(_:in:)``).
    let recorder: (any ModuleEventRecording)?
    /// Reads the caller's member records (see ``callerMembers()``).
    let callerMembersLoader: (@Sendable () async throws -> [CallerMember])?
    private let permissionScopes: [String: AccessScope]

    public init(
        module: ModuleContext, caller: ModuleCaller, provinces: Set<ID<AdministrativeUnit>>, viewScope: AccessScope, changeScope: AccessScope,
        permissionScopes: [String: AccessScope], parameters: Parameters, settingsByProvince: [ID<AdministrativeUnit>: ModuleSettings],
        viewsNationwide: Bool = false, clientAddress: String? = nil, recorder: (any ModuleEventRecording)? = nil, roles: [RoleAssignment] = [],
        form: FormFields? = nil, csrfToken: String? = nil, callerMembers: (@Sendable () async throws -> [CallerMember])? = nil
    ) {
        self.form = form
        self.csrfToken = csrfToken
        self.callerMembersLoader = callerMembers
        self.roles = roles
        self.recorder = recorder
        self.viewsNationwide = viewsNationwide
        self.clientAddress = clientAddress
        self.module = module
        self.caller = caller
        self.provinces = provinces
        self.viewScope = viewScope
        self.changeScope = changeScope
        self.permissionScopes = permissionScopes
        self.parameters = parameters
        self.settingsByProvince = settingsByProvince
    }

    /// Where the caller holds any of the module's permissions, within the enabled provinces.
    var permissionReach: AccessScope {
        permissionScopes.values.reduce(AccessScope.nowhere) { $0.union($1) }
    }

    /// Who the signed-in caller is on the teams: the member records whose phone number is the account's, each
    /// with a team they belong to today (one entry per current membership), in the provinces where the module
    /// is enabled. Empty for an account without a phone number, one that is no member, and an external actor.
    /// Read when asked (one query), for rules about the caller's own team or self: a reviewer may not judge a
    /// nomination of their own team; an offer is claimed by a member of an active team.
    ///
    /// ```swift
    /// let mine = try await context.callerMembers()
    /// if mine.contains(where: { $0.teamID == nomination.teamID || $0.memberID == nomination.memberID }) {
    ///     throw ProblemDetails(status: .forbidden, detail: "You may not review a nomination of your own team.")
    /// }
    /// ```
    public func callerMembers() async throws -> [CallerMember] {
        try await callerMembersLoader?() ?? []
    }

    /// Where the caller holds one of the module's permissions, within the enabled provinces.
    public func scope(for permission: String) -> AccessScope {
        permissionScopes[permission] ?? .nowhere
    }

    /// The settings of `province`, or the module's defaults when it is not one of ``provinces``.
    public func settings(for province: ID<AdministrativeUnit>) -> ModuleSettings {
        settingsByProvince[province] ?? ModuleSettings(schema: module.settingsSchema, values: [:])
    }

    /// Records a change this request made in the audit log, as `<module id>.<action>`, with the caller's
    /// account (or external actor) and address. Every route that changes something calls it (the
    /// conformance suite checks): pass the transaction of the change, so the entry commits with it, and
    /// the unit it concerns, so the auditors of that unit's province see it.
    ///
    /// ```swift
    /// try await database.withTransaction { tx in
    ///     try await tx.execute("INSERT INTO …")
    ///     try await context.audit(action: "endorsement.set", unit: practice.unitId, subject: practice.id.description, in: tx)
    /// }
    /// ```
    public func audit(
        action: String, unit: ID<AdministrativeUnit>?, subject: String?, details: [String: String] = [:], in transaction: PostgresSession? = nil
    ) async throws {
        var details = details
        if let actor = caller.externalActorID { details["actor"] = actor }
        let entry = AuditEntry(accountID: caller.accountID, clientAddress: clientAddress, action: "\(module.moduleID).\(action)",
                               target: subject, unitID: unit, details: details)
        if let transaction {
            try await PostgresAuditLog.record(entry, in: transaction)
        } else {
            try await PostgresAuditLog(client: module.database).record(entry)
        }
    }

    /// The path parameter `name` as an id; a 404 when it is not one (an id that cannot exist names nothing).
    public func id<Entity>(_ name: String, as type: Entity.Type = Entity.self) throws -> ID<Entity> {
        guard let text = parameters.get(name), let uuid = UUID(uuidString: text) else {
            throw ProblemDetails(status: .notFound, detail: "No such \(name).")
        }
        return ID(rawValue: uuid)
    }

    /// Decodes the JSON body strictly: malformed JSON, wrong types, missing and unknown fields are a 400
    /// naming each field and rule.
    public func decode<Body: Codable>(_ type: Body.Type, from request: Request, limit: Int = 64 * 1024) async throws -> Body {
        let data = try await JSONInput.body(of: request, limit: limit)
        do {
            return try JSONInput.decode(Body.self, fromJSON: data)
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "The request body is malformed.", errors: error.violations.map(ProblemDetails.FieldError.init))
        }
    }
}

/// Who calls a module route.
public enum ModuleCaller: Sendable, Hashable {
    /// A signed-in account of the hierarchy.
    case account(ID<Account>, displayName: String)
    /// An actor outside the hierarchy, by the id the module gave it when it issued the key.
    case externalActor(String)
    /// A signed-in account the module bound to one of its external actors (``ModuleActorAccounts``), on an
    /// ``ModuleRouteAccess/externalActor`` route: it acts as `actor`, and the audit log names the account.
    case actorAccount(ID<Account>, actor: String)

    /// The account's id, for accounts (an actor's bound account too).
    public var accountID: ID<Account>? {
        switch self {
        case .account(let id, _), .actorAccount(let id, _): id
        case .externalActor: nil
        }
    }

    /// The external actor's id, for external actors and the accounts bound to one.
    public var externalActorID: String? {
        switch self {
        case .externalActor(let id), .actorAccount(_, let id): id
        case .account: nil
        }
    }
}

extension ProblemDetails.FieldError {
    /// The field error for a broken rule.
    public init(_ violation: Violation) {
        self.init(field: violation.field, rule: violation.rule)
    }
}

extension ProblemDetails {
    /// A 422 for input that is well formed but breaks the module's rules, naming each field and rule.
    public static func unprocessable(_ failure: ValidationFailure) -> ProblemDetails {
        ProblemDetails(status: .unprocessableContent, detail: "The request breaks a rule.", errors: failure.violations.map(FieldError.init))
    }
}

extension Request {
    /// The query parameter `name` as free text: `+` reads as a space, as in HTML forms, the same as the
    /// core API's `q`.
    public func queryText(_ name: String) -> String? {
        uri.queryParameters.get(name)?.replacingOccurrences(of: "+", with: " ")
    }
}
