import Hummingbird
import Logging

/// Logs each request like Hummingbird's `LogRequestsMiddleware`, but with the path and
/// the names of its query parameters only: their values (a member's name searched for, a cursor) are
/// personal data or tokens and stay out of the logs.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    init(_ level: Logger.Level) {
        self.level = level
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        context.logger.log(level: level, "request", metadata: Self.metadata(of: request))
        return try await next(request, context)
    }

    /// `hb.request.method`, `hb.request.path` (no query) and `hb.request.query` (the parameter names, in order).
    static func metadata(of request: Request) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["hb.request.method": "\(request.method)", "hb.request.path": "\(request.uri.path)"]
        let names = request.uri.queryParameters.map { String($0.key) }
        if !names.isEmpty { metadata["hb.request.query"] = "\(names.joined(separator: ","))" }
        return metadata
    }
}
