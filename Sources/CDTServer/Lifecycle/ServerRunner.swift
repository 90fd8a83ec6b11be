import CDTPostgres
public import Logging
import Hummingbird
import ServiceLifecycle
import UnixSignals

/// Runs the whole server: resolves the database (starting the embedded cluster if needed), applies
/// migrations, then serves until SIGTERM or SIGINT, when in-flight requests finish, the pool closes and
/// an embedded cluster this run started is stopped.
public enum ServerRunner {
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        let target = try await DatabaseTarget.resolve(configuration, logger: logger)
        logger.info("using \(target.summary)")
        let owner = target.makeClient(configuration, logger: logger)
        do {
            let applied = try await MigrationRunner(client: owner, migrations: CoreMigrations.all, logger: logger).apply()
            logger.info("schema is current", metadata: ["applied": "\(applied.count)"])
        } catch {
            await owner.close()
            await target.stopIfStarted(logger: logger)
            throw error
        }
        await owner.close()
        if target.applicationConninfo == nil {
            logger.warning("no database.app.url (DATABASE_APP_URL) configured: serving as the owner of the tables, so row-level security does not apply")
        }
        let database = target.makeApplicationClient(configuration, logger: logger)
        // Started in this order and stopped in reverse, after the HTTP server.
        let services: [any Service] = [EmbeddedClusterService(target: target, logger: logger), database]
        let app = buildApplication(
            configuration: configuration, dependencies: AppDependencies(database: database), services: services, logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
