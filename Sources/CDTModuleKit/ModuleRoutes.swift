public import Hummingbird

/// Where a module adds its HTTP routes. Paths are relative to `/api/v1/modules/<id>/`; `{name}` marks a
/// parameter, read with `context.parameters.get("name")`. Each route declares who may call it, and the
/// server checks that (and that the module is enabled for the caller's province) before the handler runs.
///
/// ```swift
/// func addRoutes(to routes: inout ModuleRoutes) {
///     routes.get("practices", access: .view) { request, context in
///         try await context.json(PracticeStore(context).list(within: context.viewScope))
///     }
///     routes.post("practices/{id}/endorse", access: .permission("good-practices.endorse")) { request, context in … }
/// }
/// ```
public struct ModuleRoutes: Sendable {
    public let moduleID: String
    public private(set) var routes: [ModuleRoute] = []

    init(moduleID: String) {
        self.moduleID = moduleID
    }

    /// First path segments the server keeps for module administration (`/api/v1/modules/<id>/provinces`…).
    public static let reservedSegments: Set<String> = ["provinces", "status"]

    /// Adds `GET path`.
    public mutating func get<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String = "",
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.get, path, access, summary, handler)
    }

    /// Adds `POST path`.
    public mutating func post<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String = "",
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.post, path, access, summary, handler)
    }

    /// Adds `DELETE path`.
    public mutating func delete<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String = "",
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.delete, path, access, summary, handler)
    }

    private mutating func add<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, _ access: ModuleRouteAccess, _ summary: String,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        let trimmed = path.split(separator: "/").joined(separator: "/")
        routes.append(ModuleRoute(method: method, path: trimmed, access: access, summary: summary) { request, context, requestContext in
            try await handler(request, context).response(from: request, context: requestContext)
        })
    }
}

/// One route of a module, as the server mounts it.
public struct ModuleRoute: Sendable {
    public let method: HTTPRequest.Method
    /// Relative to `/api/v1/modules/<id>/`, without leading or trailing slashes.
    public let path: String
    public let access: ModuleRouteAccess
    public let summary: String
    /// Runs the handler; the server passes its own request context for encoding the answer.
    public let respond: @Sendable (Request, ModuleRequestContext, any RequestContext) async throws -> Response
}

/// Who may call a module route. Every rule needs the module to be enabled for a province the caller reaches.
public enum ModuleRouteAccess: Sendable, Hashable, CustomStringConvertible {
    /// A signed-in caller who may view work somewhere the module is enabled.
    case view
    /// A signed-in caller who may record work somewhere the module is enabled.
    case change
    /// A signed-in caller holding a role that grants this permission of the module (national
    /// administrators hold every module permission).
    case permission(String)
    /// An actor outside the hierarchy (an enterprise partner) with an API key the module issued
    /// (``ModuleActorKeys``), sent as `Authorization: Bearer cdtk_…`.
    case externalActor

    public var description: String {
        switch self {
        case .view: "view work"
        case .change: "record work"
        case .permission(let name): "permission \(name)"
        case .externalActor: "external actor with an API key"
        }
    }
}
