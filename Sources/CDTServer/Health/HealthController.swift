import Hummingbird
import Logging

/// `GET /healthz`: the process is alive. `GET /readyz`: the database answers and migrations are current;
/// 503 otherwise, so a load balancer stops sending traffic until it recovers. The reason (a database
/// error, a pending migration) goes to the log, never to the anonymous caller.
struct HealthController: Sendable {
    let readiness: ReadinessCheck

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("healthz", use: health)
        group.get("readyz", use: ready)
    }

    struct Status: ResponseEncodable {
        var status: String
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Status {
        Status(status: "ok")
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Status> {
        switch await readiness.evaluate() {
        case .ready:
            return EditedResponse(status: .ok, response: Status(status: "ready"))
        case .notReady(let reason):
            context.logger.warning("not ready", metadata: ["reason": "\(reason)"])
            return EditedResponse(status: .serviceUnavailable, response: Status(status: "unavailable"))
        }
    }
}
