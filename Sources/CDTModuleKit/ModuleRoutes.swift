public import Hummingbird

/// Where a module adds its HTTP routes. Paths are relative to `/api/v1/modules/<id>/`; `{name}` marks a
/// parameter, read with `context.parameters.get("name")`. Each route declares who may call it, and the
/// server checks that (and that the module is enabled for the caller's province) before the handler runs.
///
/// Each route carries its documentation (``RouteDocumentation``), and the schemas it names are
/// registered with ``schema(_:_:)``: the server writes them into `/openapi.json` under the module's path
/// (a route given only a `summary` is documented as answering any JSON).
///
/// ```swift
/// func addRoutes(to routes: inout ModuleRoutes) {
///     routes.schema("Practice", .object(["id": .uuid, "title": .string, "sharedOn": .date]))
///     routes.get("practices", access: .view, documentation: RouteDocumentation(
///         summary: "Practices shared in the caller's area",
///         parameters: [.query("q", .text(maximumLength: 100), "Only practices whose title contains this text.")],
///         answer: .json(.object(["items": .array(of: .reference("Practice"))]), "The practices."),
///         errors: [.badRequest])) { request, context in
///         try await PracticeRoutes.list(request, context)
///     }
///     routes.post("practices/{id}/endorsement", access: .permission("good-practices.endorse"), documentation: RouteDocumentation(
///         summary: "Endorse a practice",
///         parameters: [.path("id", .uuid, "The practice.")],
///         body: .object(["note": .text(maximumLength: 500)], closed: true),
///         answer: .json(.reference("Practice"), "The practice, endorsed."),
///         errors: [.notFound])) { request, context in … }
/// }
/// ```
public struct ModuleRoutes: Sendable {
    public let moduleID: String
    public private(set) var routes: [ModuleRoute] = []
    /// The schemas the routes' documentation names with ``APISchema/reference(_:)``, by name.
    public private(set) var schemas: [String: APISchema] = [:]

    init(moduleID: String) {
        self.moduleID = moduleID
    }

    /// First path segments the server keeps for module administration (`/api/v1/modules/<id>/provinces`…).
    public static let reservedSegments: Set<String> = ["provinces", "status"]

    /// Registers a schema the routes' documentation can name with ``APISchema/reference(_:)``; it
    /// appears in `/openapi.json` as `<module-id>.<name>`. Registering a name again replaces it.
    public mutating func schema(_ name: String, _ schema: APISchema) {
        schemas[name] = schema
    }

    /// Adds `GET path`, documented.
    public mutating func get<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, documentation: RouteDocumentation,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.get, path, access, documentation, handler)
    }

    /// Adds `POST path`, documented.
    public mutating func post<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, documentation: RouteDocumentation,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.post, path, access, documentation, handler)
    }

    /// Adds `DELETE path`, documented.
    public mutating func delete<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, documentation: RouteDocumentation,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.delete, path, access, documentation, handler)
    }

    /// Adds `GET path`, documented by its summary alone (answering any JSON).
    public mutating func get<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String = "",
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.get, path, access, RouteDocumentation(summary: summary), handler)
    }

    /// Adds `POST path`, documented by its summary alone (taking and answering any JSON).
    public mutating func post<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String = "",
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.post, path, access, RouteDocumentation(summary: summary, body: .anything), handler)
    }

    /// Adds `DELETE path`, documented by its summary alone (answering any JSON).
    public mutating func delete<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String = "",
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        add(.delete, path, access, RouteDocumentation(summary: summary), handler)
    }

    /// Adds `POST path` for an HTML form a module page posts (`application/x-www-form-urlencoded`): the
    /// one kind of route that accepts the session cookie a browser sends on a post. The server lets the
    /// post through only when it comes from this site and carries the caller's form token in the hidden
    /// field `csrf` (render it with ``HTML/csrfField(_:)``): another site cannot make a signed-in browser
    /// post it (cross-site request forgery). The handler reads the fields from ``ModuleRequestContext/form``,
    /// and answers a page (the form again with the messages beside its fields, 422) or
    /// ``ModuleResponse/seeOther(_:)`` after success.
    ///
    /// ```swift
    /// routes.form("notes/new", access: .change, summary: "Note a follow-up from the page") { request, context in
    ///     let note = context.form?["note"] ?? ""
    ///     guard !note.isEmpty else { return ModuleResponse.page(NotesPage(error: "Nhập ghi chú · Enter a note", context).html, status: .unprocessableContent) }
    ///     …
    ///     return ModuleResponse.seeOther("/api/v1/modules/field-notes/notes/page")
    /// }
    /// ```
    ///
    /// The caller's rule (`access`) is checked as for any module route, and the form counts as a change:
    /// the conformance suite asks for a sample post (``ModuleSampleRequest/form(_:_:)`` in CDTTesting).
    public mutating func form<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, documentation: RouteDocumentation,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        var documentation = documentation
        documentation.bodyMediaType = RouteDocumentation.formMediaType
        if documentation.body == nil { documentation.body = .object([:], closed: false) }
        add(.post, path, access, documentation, handler, isForm: true)
    }

    /// Adds a form route documented by its summary alone (any fields, answering a page or a redirect).
    public mutating func form<Output: ResponseGenerator>(
        _ path: String, access: ModuleRouteAccess, summary: String,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output
    ) {
        form(path, access: access, documentation: RouteDocumentation(
            summary: summary, answer: APIAnswer(status: .seeOther, mediaType: nil, schema: nil, summary: "Done: the browser goes on to the page that shows it."),
            errors: [.unprocessableContent]), handler)
    }

    private mutating func add<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, _ access: ModuleRouteAccess, _ documentation: RouteDocumentation,
        _ handler: @escaping @Sendable (Request, ModuleRequestContext) async throws -> Output, isForm: Bool = false
    ) {
        let trimmed = path.split(separator: "/").joined(separator: "/")
        routes.append(ModuleRoute(method: method, path: trimmed, access: access, documentation: documentation, isForm: isForm) { request, context, requestContext in
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
    /// What `/openapi.json` says about it.
    public let documentation: RouteDocumentation
    /// Its one-line summary.
    public var summary: String { documentation.summary }
    /// Whether it takes an HTML form posted from a page, with the session cookie and the form token
    /// (``ModuleRoutes/form(_:access:documentation:_:)``).
    public let isForm: Bool
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
