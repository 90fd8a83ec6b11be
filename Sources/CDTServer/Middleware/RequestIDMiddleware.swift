import HTTPTypes
import Hummingbird

/// Echoes the request id (already in every log line of the request as `hb.request.id`) in the
/// `X-Request-ID` response header, so a user's report can be matched to the logs. It sits outside
/// ``ProblemMiddleware``, which turns every error into a response, so error responses carry it too.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        return response
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
}
