public import Hummingbird

/// What a route needs from its caller. Every route of the API declares one when it is added (see
/// ``AccessCheckpoint``), and one checkpoint enforces it before the handler runs; there is no other way
/// to add an API route, so none is served without a declared rule.
public enum RouteAccess: Hashable, Sendable, CustomStringConvertible {
    /// Public reference data anyone may read: the official administrative units and their lineage.
    case publicReferenceData

    public var description: String {
        switch self {
        case .publicReferenceData: "public reference data"
        }
    }
}

/// Decides whether a request may reach a route with the given access rule.
///
/// Accounts, roles and hierarchy scopes arrive with the security work; until then the only rule is
/// ``RouteAccess/publicReferenceData``, which ``ReferenceDataPolicy`` allows.
public protocol AccessPolicy: Sendable {
    /// Returns normally to let the request through; throws (401, 403 or 404 as problem details) to stop it.
    func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws
}

/// Lets everyone read public reference data.
public struct ReferenceDataPolicy: AccessPolicy {
    public init() {}

    public func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws {
        switch access {
        case .publicReferenceData: return
        }
    }
}

/// The one place API routes are added: each with its access rule, checked before its handler.
public struct AccessCheckpoint: Sendable {
    public let policy: any AccessPolicy

    public init(policy: any AccessPolicy) {
        self.policy = policy
    }

    /// Adds `GET path` to `group`, guarded by `access`.
    public func get<Output: ResponseGenerator>(
        _ path: RouterPath, on group: RouterGroup<AppRequestContext>, access: RouteAccess,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        let policy = policy
        group.get(path) { request, context in
            try await policy.authorize(access, request: request, context: context)
            return try await handler(request, context)
        }
    }
}
