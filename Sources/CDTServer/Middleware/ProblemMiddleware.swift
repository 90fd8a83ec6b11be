import CDTModuleKit
import CDTPostgres
import Hummingbird
import Logging

/// Turns every error into a problem+json response. Errors that know their HTTP status keep it; a database
/// out of reach (down, restarting, connection broken: ``PostgresError/isUnavailable``) is a 503 with
/// `Retry-After`; anything else is a 500 whose body says only that something failed (no stack trace, no
/// SQL), while the log line carries the error itself under the request id.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// How long a client is asked to wait before trying again while the database is out of reach.
    static var retryAfterSeconds: Int { 5 }

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
        } catch let error as PostgresError where error.isUnavailable {
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            var response = ProblemDetails(status: .serviceUnavailable, detail: "The database is unavailable; try again shortly.").response()
            response.headers[.retryAfter] = String(Self.retryAfterSeconds)
            return response
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return ProblemDetails(status: .internalServerError, detail: "Something went wrong on the server; the request id identifies it in the logs.").response()
        }
    }
}
