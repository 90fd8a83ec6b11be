import CDTModuleKit
import CDTPostgres
import Hummingbird
import Logging

/// Turns every error into a problem+json response. Errors that know their HTTP status keep it; anything
/// else is a 500 whose body says only that something failed (no stack trace, no SQL), while the log line
/// carries the error itself under the request id.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let redirect as SignInRedirect {
            return redirect.response
        } catch let throttled as SignInThrottled {
            return throttled.response
        } catch let problem as ProblemDetails {
            return problem.response()
        } catch let error as HTTPError {
            return ProblemDetails(status: error.status, detail: error.body).response()
        } catch let error as any HTTPResponseError {
            return ProblemDetails(status: error.status).response()
        } catch let error as PostgresError where error.code == .poolTimeout || error.code == .serverUnreachable || error.code == .connectionClosed {
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            return ProblemDetails(status: .serviceUnavailable, detail: "The database is unavailable; try again shortly.").response()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return ProblemDetails(status: .internalServerError, detail: "Something went wrong on the server; the request id identifies it in the logs.").response()
        }
    }
}
