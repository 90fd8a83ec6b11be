import Hummingbird
import Logging

/// Logs each request once it is answered, like Hummingbird's `LogRequestsMiddleware` but with the path and
/// the names of its query parameters only: their values (a member's name searched for, a cursor) are
/// personal data or tokens and stay out of the logs.
///
/// Which requests get a line at `info` is the ``RequestLogPolicy``'s choice: by default errors (any 4xx or
/// 5xx answer, or a thrown error) and slow requests, so a busy server does not write a line per request;
/// every other request is logged at `debug`. Each line carries the request id (`hb.request.id`, from the
/// request's logger), the status and the time taken.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: RequestLogPolicy

    init(_ policy: RequestLogPolicy) {
        self.policy = policy
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let elapsed = ContinuousClock.now - started
            let status = (error as? any HTTPResponseError)?.status
            context.logger.log(level: .info, "request", metadata: Self.metadata(of: request, status: status, elapsed: elapsed))
            throw error
        }
        let elapsed = ContinuousClock.now - started
        // The metadata is an autoclosure: below the logger's level, nothing of the line is built.
        context.logger.log(level: policy.level(status: response.status, elapsed: elapsed), "request",
                           metadata: Self.metadata(of: request, status: response.status, elapsed: elapsed))
        return response
    }

    /// `hb.request.method`, `hb.request.path` (no query), `hb.request.query` (the parameter names, in
    /// order), `hb.response.status` (absent when an error without a status was thrown) and `elapsed_ms`.
    static func metadata(of request: Request, status: HTTPResponse.Status?, elapsed: Duration) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "hb.request.method": "\(request.method)", "hb.request.path": "\(request.uri.path)",
            "elapsed_ms": "\(RequestLogPolicy.milliseconds(elapsed))",
        ]
        if let status { metadata["hb.response.status"] = "\(status.code)" }
        let names = request.uri.queryParameters.map { String($0.key) }
        if !names.isEmpty { metadata["hb.request.query"] = "\(names.joined(separator: ","))" }
        return metadata
    }
}
