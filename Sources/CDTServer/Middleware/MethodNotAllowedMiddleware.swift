import CDTModuleKit
import Hummingbird

/// Answers a request the router found no route for: **405** with an `Allow` header when the path is one
/// the API serves with other methods, the router's 404 otherwise. Added last, so it wraps only the
/// router's not-found answer and never a route. A feature module's own routes (`/api/v1/modules/<id>/…`)
/// keep the 404, so a province that did not turn a module on still cannot tell it is installed.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Every route's path, with its methods.
    let routes: [(path: RouterPath, methods: Set<HTTPRequest.Method>)]

    init(routes: [Router<Context>.RouteDescription]) {
        var methods: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes where !Self.isModuleRoute(route.path) {
            methods[route.path.description, default: (route.path, [])].methods.insert(route.method)
            // The router answers HEAD on every GET route (``RouterOptions/autoGenerateHeadEndpoints``).
            if route.method == .get { methods[route.path.description]!.methods.insert(.head) }
        }
        self.routes = Array(methods.values)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = Self.methods(for: request.uri.path, in: routes)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            var response = ProblemDetails(status: .methodNotAllowed, detail: "\(request.method) is not served at this path.").response()
            response.headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            return response
        }
    }

    /// Whether `path` is a route a feature module mounted (a literal module id after `modules`).
    static func isModuleRoute(_ path: RouterPath) -> Bool {
        let parts = path.components.map(\.description)
        return parts.count > 3 && parts[0] == "api" && parts[2] == "modules" && !parts[3].contains("{")
    }

    /// The methods the routes matching `path` answer.
    static func methods(for path: String, in routes: [(path: RouterPath, methods: Set<HTTPRequest.Method>)]) -> Set<HTTPRequest.Method> {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: Set<HTTPRequest.Method> = []
        for route in routes where matches(route.path, parts) { allowed.formUnion(route.methods) }
        return allowed
    }

    private static func matches(_ pattern: RouterPath, _ parts: [Substring]) -> Bool {
        let elements = pattern.components
        if elements.last.map({ "\($0)" == "**" }) == true {
            return parts.count >= elements.count - 1 && zip(elements.dropLast(), parts).allSatisfy { $0 ~= $1 }
        }
        return elements.count == parts.count && zip(elements, parts).allSatisfy { $0 ~= $1 }
    }
}
