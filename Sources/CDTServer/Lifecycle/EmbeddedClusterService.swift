import Logging
import ServiceLifecycle

/// Keeps the embedded cluster for the life of the service group and stops it cleanly at shutdown,
/// after the HTTP server and the connection pool (services stop in reverse order of start).
struct EmbeddedClusterService: Service {
    let target: DatabaseTarget
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await target.stopIfStarted(logger: logger)
    }
}
