import CDTDomain
import CDTModuleKit
import CDTPostgres
import Foundation
import Hummingbird

/// Checks a module route's rule before its handler runs, and hands the handler a context narrowed to
/// the provinces where the module is enabled:
/// - a caller who reaches no province where the module is enabled gets 404, as if it were not installed;
/// - a caller who reaches one but lacks the route's rule there gets 403;
/// - external actors (``ModuleRouteAccess/externalActor``) are named by an API key the module issued.
struct ModuleRouteGuard: Sendable {
    let module: any FeatureModule
    let context: ModuleContext
    let host: ModuleHost
    let roles: PostgresModuleRoles
    /// The installed modules' kinds of event, for the events a route records.
    let catalog: ModuleEventCatalog
    let now: @Sendable () -> Date

    func respond(_ route: ModuleRoute, request: Request, context appContext: AppRequestContext, policy: any AccessPolicy) async throws -> Response {
        let enabled = try await host.enablements.enabledProvinces(of: module.manifest.id, schema: module.settings)
        let sessions = policy as? SessionPolicy
        let admitted: Admitted
        var sessionToken: String?
        var form: FormFields?
        // An external actor's route takes the module's key (`cdtk_…`); without one, a signed-in account the
        // module bound to one of its actors (a partner's staff) acts as that actor.
        // A browser without a session asking for a page goes to the sign-in form, as on any module page.
        let asksForPage = request.method == .get && (request.headers[.accept]?.contains("text/html") ?? false)
        let presentsKey = SessionPolicy.bearerToken(request).map { $0.hasPrefix(ModuleActorKeys.prefix) }
            ?? (!route.isForm && !asksForPage && Self.withoutSession(request))
        if route.access == .externalActor, presentsKey {
            admitted = try await admitExternalActor(request, enabled: Set(enabled.keys))
        } else {
            let access: RouteAccess = route.isForm ? .moduleForm : .moduleRoute
            guard let caller = try await policy.authorize(access, request: request, context: appContext) else { throw SessionPolicy.unauthorized }
            admitted = route.access == .externalActor
                ? try await admitBoundAccount(caller, enabled: Set(enabled.keys)) : try await admit(caller, to: route, enabled: Set(enabled.keys))
            sessionToken = sessions?.presentedToken(request, context: appContext, access: access)
            if route.isForm {
                let fields = try await Self.formFields(of: request, https: sessions?.settings.trustedProxies.isHTTPS(request, peer: SessionPolicy.peer(appContext)) ?? false)
                guard let sessionToken, FormTokens.matches(fields[FormFields.tokenField], sessionToken: sessionToken) else {
                    throw ProblemDetails(status: .forbidden, detail: "The form is out of date or was not sent from this site's page: open the page again and send it again.",
                                         errors: [.init(field: FormFields.tokenField, rule: "must be the form token of the page this server rendered for your session")])
                }
                form = fields
            }
        }
        let address = SessionPolicy.clientAddress(request, appContext, sessions?.settings.trustedProxies ?? .none)
        var entry = AuditEntry(accountID: admitted.caller.accountID, clientAddress: address, action: "event.recorded")
        if let actor = admitted.caller.externalActorID { entry.details["actor"] = actor }
        let recorder = RouteEventRecorder(catalog: catalog, recorder: entry, authority: admitted.authority, now: now)
        let requestContext = ModuleRequestContext(
            module: context, caller: admitted.caller, provinces: admitted.provinces, viewScope: admitted.view, changeScope: admitted.change,
            permissionScopes: admitted.permissions, parameters: appContext.parameters, settingsByProvince: enabled.filter { admitted.provinces.contains($0.key) },
            viewsNationwide: admitted.viewsNationwide, clientAddress: address, recorder: recorder, roles: admitted.roles,
            form: form, csrfToken: sessionToken.map(FormTokens.token(forSession:)), callerMembers: callerMembers(admitted.phone))
        return try await RowScope.$current.withValue(.provinces(admitted.provinces.map(\.rawValue))) {
            try await route.respond(request, requestContext, appContext)
        }
    }

    struct Admitted {
        var caller: ModuleCaller
        var provinces: Set<ID<AdministrativeUnit>>
        var view: AccessScope
        var change: AccessScope
        var permissions: [String: AccessScope]
        var viewsNationwide = false
        /// What an account may name in the events the route records (`nil` for an external actor).
        var authority: EventAuthority? = nil
        /// The caller's roles in the hierarchy.
        var roles: [RoleAssignment] = []
        /// The account's phone number, which finds it on the teams.
        var phone: String? = nil
    }

    /// The caller's member records, read when the handler asks (under the request's row scope).
    private func callerMembers(_ phone: String?) -> (@Sendable () async throws -> [CallerMember])? {
        guard let phone else { return nil }
        let lookup = CallerMemberLookup(client: context.database), today = context.today
        return { try await lookup.members(withPhone: phone, on: today()) }
    }

    /// The fields of a module form's post, after checking it is one and comes from this site: 415 for another
    /// body, 403 from another site (`Sec-Fetch-Site`, or `Origin`), 400 for a malformed body.
    static func formFields(of request: Request, https: Bool) async throws -> FormFields {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix(RouteDocumentation.formMediaType) else {
            throw ProblemDetails(status: .unsupportedMediaType, detail: "Send the form as \(RouteDocumentation.formMediaType).")
        }
        guard SignInPage.isFromThisSite(request, https: https) else {
            throw ProblemDetails(status: .forbidden, detail: "The form was sent from another site.")
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let fields = FormFields(urlEncoded: String(buffer: body)) else {
            throw ProblemDetails(status: .badRequest, detail: "The form is malformed.", errors: [.init(field: "body", rule: "must be valid percent-encoding")])
        }
        return fields
    }

    /// Whether a request carries neither a bearer token nor a session cookie: on an external actor's route,
    /// it is asked for the module's API key.
    static func withoutSession(_ request: Request) -> Bool {
        SignInPage.cookieToken(request) == nil && SignInPage.cookieToken(request, https: true) == nil
    }

    /// The same answer the router gives for a path it does not know.
    static let notInstalled = HTTPError(.notFound)

    private func admit(_ caller: Caller, to route: ModuleRoute, enabled: Set<ID<AdministrativeUnit>>) async throws -> Admitted {
        let view = caller.access.scope(for: .view), change = caller.access.scope(for: .change)
        // The caller's own module roles, read under the caller's scope (row-level security shows them).
        let permissions = try await RowScope.$current.withValue(caller.rowScope) { try await permissionScopes(of: caller) }
        let reach = permissions.values.reduce(view.union(change)) { $0.union($1) }
        let provinces = reach.isNationwide ? enabled : reach.provinceIDs.intersection(enabled)
        guard !provinces.isEmpty else { throw Self.notInstalled }
        let admitted = Admitted(
            caller: .account(caller.account.id, displayName: caller.account.displayName), provinces: provinces,
            view: view.narrowed(toProvinces: provinces), change: change.narrowed(toProvinces: provinces),
            permissions: permissions.mapValues { $0.narrowed(toProvinces: provinces) }, viewsNationwide: view.isNationwide,
            authority: EventAuthority(accountID: caller.account.id.rawValue, access: caller.access), roles: caller.account.assignments,
            phone: caller.account.phone)
        let required: AccessScope = switch route.access {
        case .view: admitted.view
        case .change: admitted.change
        case .permission(let name): admitted.permissions[name] ?? .nowhere
        case .externalActor: .nowhere
        }
        guard !required.isEmpty else {
            throw ProblemDetails(status: .forbidden, detail: "Your roles do not allow this (\(route.access)) where the module is enabled.")
        }
        return admitted
    }

    /// Where the caller holds each of this module's permissions: national administrators everywhere,
    /// others through the module roles assigned to them.
    private func permissionScopes(of caller: Caller) async throws -> [String: AccessScope] {
        let names = module.manifest.permissions.map(\.name)
        if caller.account.assignments.contains(where: { $0.role == .nationalAdministrator }) {
            return Dictionary(uniqueKeysWithValues: names.map { ($0, AccessScope.nationwide) })
        }
        let roles = Dictionary(uniqueKeysWithValues: module.manifest.roles.map { ($0.name, $0) })
        var scopes: [String: AccessScope] = [:]
        for assignment in try await self.roles.assignments(of: caller.account.id) {
            guard let role = roles[assignment.role] else { continue }
            let scope = AccessScope(paths: [assignment.unitPath], provinceIDs: [assignment.provinceID])
            for permission in role.permissions { scopes[permission] = (scopes[permission] ?? .nowhere).union(scope) }
        }
        return scopes
    }

    private func admitBoundAccount(_ caller: Caller, enabled: Set<ID<AdministrativeUnit>>) async throws -> Admitted {
        // An account the module bound to none of its actors is refused as one that reaches no enabled province.
        guard !enabled.isEmpty, let actor = try await roles.actor(boundTo: caller.account.id, module: module.manifest.id) else { throw Self.notInstalled }
        let everywhere = AccessScope.nationwide.narrowed(toProvinces: enabled)
        return Admitted(caller: .actorAccount(caller.account.id, actor: actor), provinces: enabled, view: everywhere, change: .nowhere, permissions: [:])
    }

    private func admitExternalActor(_ request: Request, enabled: Set<ID<AdministrativeUnit>>) async throws -> Admitted {
        guard let key = SessionPolicy.bearerToken(request), key.hasPrefix(ModuleActorKeys.prefix),
              let actor = try await roles.actor(holding: key, module: module.manifest.id) else {
            throw ProblemDetails(status: .unauthorized, detail: "Send the API key this module issued you: Authorization: Bearer cdtk_…")
        }
        guard !enabled.isEmpty else { throw Self.notInstalled }
        let everywhere = AccessScope.nationwide.narrowed(toProvinces: enabled)
        return Admitted(caller: .externalActor(actor), provinces: enabled, view: everywhere, change: .nowhere, permissions: [:])
    }
}
