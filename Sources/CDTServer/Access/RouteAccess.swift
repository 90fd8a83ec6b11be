public import Hummingbird

/// What a route needs from its caller. Every route of the API declares one when it is added (see
/// ``AccessCheckpoint``), and one checkpoint enforces it before the handler runs; there is no other way
/// to add an API route, so none is served without a declared rule.
public enum RouteAccess: Hashable, Sendable, CustomStringConvertible {
    /// Public reference data anyone may read: the official administrative units and their lineage.
    case publicReferenceData
    /// Reading the work recorded in the hierarchy: teams, members, households, campaigns, trainings, events.
    case viewWork
    /// Recording work: submitting events.
    case recordWork

    public var description: String {
        switch self {
        case .publicReferenceData: "public reference data"
        case .viewWork: "view work"
        case .recordWork: "record work"
        }
    }
}

/// Decides whether a request may reach a route with the given access rule.
public protocol AccessPolicy: Sendable {
    /// Returns normally to let the request through; throws (401, 403 or 404 as problem details) to stop it.
    func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws
}

/// Lets everyone read public reference data, and nothing else.
public struct ReferenceDataPolicy: AccessPolicy {
    public init() {}

    public func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws {
        guard access == .publicReferenceData else {
            throw ProblemDetails(status: .unauthorized, detail: "This route needs an account.")
        }
    }
}

/// Lets every caller view and record work, without accounts.
///
/// This is the policy until accounts, roles and hierarchy scopes exist (the security work replaces it
/// with one that authenticates the caller and checks their scope). It is safe only for a server bound
/// to the loopback interface, which is the default; `ServerRunner` warns when it is bound elsewhere.
public struct UnauthenticatedPolicy: AccessPolicy {
    public init() {}

    public func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws {}
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
        group.get(path, use: guarded(access, handler))
    }

    /// Adds `POST path` to `group`, guarded by `access`.
    public func post<Output: ResponseGenerator>(
        _ path: RouterPath, on group: RouterGroup<AppRequestContext>, access: RouteAccess,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        group.post(path, use: guarded(access, handler))
    }

    private func guarded<Output: ResponseGenerator>(
        _ access: RouteAccess, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) -> @Sendable (Request, AppRequestContext) async throws -> Output {
        let policy = policy
        return { request, context in
            try await policy.authorize(access, request: request, context: context)
            return try await handler(request, context)
        }
    }
}
