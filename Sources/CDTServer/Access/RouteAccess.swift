public import CDTDomain
import CDTPostgres
public import Hummingbird
import Synchronization
import CDTModuleKit

/// What a route needs from its caller. Every route of the API declares one when it is added (see
/// ``AccessCheckpoint``), and one checkpoint enforces it before the handler runs; there is no other way
/// to add an API route, so none is served without a declared rule.
public enum RouteAccess: Hashable, Sendable, CustomStringConvertible {
    /// Public reference data anyone may read: the official administrative units and their lineage.
    case publicReferenceData
    /// Signing in: open to anyone, throttled.
    case signIn
    /// Any signed-in caller, even one whose session may only turn on two-factor sign-in (sign out, who am I,
    /// two-factor set-up).
    case signedIn
    /// Reading the work recorded in the hierarchy: teams, members, households, campaigns, trainings, events.
    case viewWork
    /// Recording work: submitting events.
    case recordWork
    /// Creating and managing accounts and their roles.
    case manageAccounts
    /// Reading the audit log.
    case readAudit
    /// Exporting or erasing a person's data on their request (administrators of their area).
    case handlePersonalData
    /// Enabling, disabling and configuring modules per province (administrators; a province's own only
    /// where national administrators allowed it).
    case manageModules
    /// A route of a feature module: any signed-in caller past two-factor set-up; the module's own rule
    /// (``CDTModuleKit/ModuleRouteAccess``) and its enablement are checked when the route is mounted.
    case moduleRoute
    /// A form route of a feature module (``CDTModuleKit/ModuleRoutes/form(_:access:documentation:_:)``): as
    /// ``moduleRoute``, and the session cookie is accepted on the post, the route guard having checked that
    /// it comes from this site and carries the session's form token.
    case moduleForm

    /// The capability a caller needs somewhere for the route, if any.
    public var capability: Capability? {
        switch self {
        case .publicReferenceData, .signIn, .signedIn: nil
        case .viewWork: .view
        case .recordWork: .change
        case .manageAccounts: .manageAccounts
        case .readAudit: .readAudit
        case .handlePersonalData: .manageAccounts
        case .manageModules: .manageAccounts
        case .moduleRoute, .moduleForm: nil
        }
    }

    /// Whether the route needs a signed-in caller.
    public var needsCaller: Bool { self != .publicReferenceData && self != .signIn }

    public var description: String {
        switch self {
        case .publicReferenceData: "public reference data"
        case .signIn: "sign in"
        case .signedIn: "signed in"
        case .viewWork: "view work"
        case .recordWork: "record work"
        case .manageAccounts: "manage accounts"
        case .readAudit: "read the audit log"
        case .handlePersonalData: "handle personal data"
        case .manageModules: "manage modules"
        case .moduleRoute: "module route"
        case .moduleForm: "module form"
        }
    }
}

/// Decides whether a request may reach a route with the given access rule.
public protocol AccessPolicy: Sendable {
    /// Returns the caller (or `nil` on a public route) to let the request through; throws (401 or 403 as
    /// problem details) to stop it. Scope checks on the objects a handler touches happen in the handler,
    /// against the caller's ``CallerAccess``.
    func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws -> Caller?
}

/// Lets everyone read public reference data, and nothing else.
public struct ReferenceDataPolicy: AccessPolicy {
    public init() {}

    public func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws -> Caller? {
        guard access == .publicReferenceData else {
            throw ProblemDetails(status: .unauthorized, detail: "This route needs an account.")
        }
        return nil
    }
}

/// The one place API routes are added: each with its access rule, checked before its handler.
public struct AccessCheckpoint: Sendable {
    public let policy: any AccessPolicy
    /// How many routes were added through this checkpoint, to prove at start-up that no route of the
    /// router was added around it.
    private let added = RouteCount()

    public init(policy: any AccessPolicy) {
        self.policy = policy
    }

    /// The number of routes added through this checkpoint so far.
    public var routeCount: Int { added.value }

    /// Adds `GET path` to `group`, guarded by `access`.
    public func get<Output: ResponseGenerator>(
        _ path: RouterPath, on group: RouterGroup<AppRequestContext>, access: RouteAccess,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        added.increment()
        group.get(path, use: guarded(access, handler))
    }

    /// Adds a route of a module under `group`, guarded by the module rule; see ``ModuleRouteGuard``.
    func mount(_ route: ModuleRoute, on group: RouterGroup<AppRequestContext>, guard moduleGuard: ModuleRouteGuard) {
        added.increment()
        let policy = policy
        group.on(RouterPath(route.path), method: route.method) { request, context in
            try await moduleGuard.respond(route, request: request, context: context, policy: policy)
        }
    }

    /// Adds `POST path` to `group`, guarded by `access`.
    public func post<Output: ResponseGenerator>(
        _ path: RouterPath, on group: RouterGroup<AppRequestContext>, access: RouteAccess,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        added.increment()
        group.post(path, use: guarded(access, handler))
    }

    private func guarded<Output: ResponseGenerator>(
        _ access: RouteAccess, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) -> @Sendable (Request, AppRequestContext) async throws -> Output {
        let policy = policy
        return { request, context in
            var context = context
            let caller = try await policy.authorize(access, request: request, context: context)
            context.caller = caller
            // Row-level security sees the same scope: the provinces the caller may view.
            return try await RowScope.$current.withValue(caller?.rowScope) {
                try await handler(request, context)
            }
        }
    }
}

/// A counter shared by the copies of a checkpoint.
private final class RouteCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
