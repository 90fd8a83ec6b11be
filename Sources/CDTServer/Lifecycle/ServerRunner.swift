import CDTPostgres
import Crypto
import Foundation
public import Logging
import Hummingbird
import ServiceLifecycle
import UnixSignals
public import CDTModuleKit
import Metrics
import Prometheus

/// Runs the whole server: checks the address it is to listen on is free, resolves the database (starting
/// the embedded cluster if needed), applies migrations, then serves until SIGTERM or SIGINT, when in-flight requests finish, the pool closes and
/// an embedded cluster this run started is stopped.
public enum ServerRunner {
    /// - Parameter modules: the feature modules compiled into this server (see `Sources/cdt/InstalledModules.swift`).
    public static func run(configuration: ServerConfiguration, modules: ModuleRegistry, logger: Logger) async throws {
        // First: a port another server holds stops this one before it starts a cluster or delivers to modules.
        try ListenAddress.requireAvailable(host: configuration.host, port: configuration.port)
        let signIn = try SignInSettings(configuration: configuration)
        let target = try await DatabaseTarget.resolve(configuration, logger: logger)
        logger.info("using \(target.summary)")
        let owner = target.makeClient(configuration, logger: logger)
        do {
            let applied = try await MigrationRunner(client: owner, migrations: modules.schemaMigrations, logger: logger).apply()
            logger.info("schema is current", metadata: ["applied": "\(applied.count)"])
        } catch {
            await owner.close()
            await target.stopIfStarted(logger: logger)
            throw error
        }
        await owner.close()
        let database = target.makeApplicationClient(configuration, logger: logger)
        do {
            try await ServingRole.verify(database, allowed: configuration.allowOwnerRole, logger: logger)
        } catch {
            await database.close()
            await target.stopIfStarted(logger: logger)
            throw error
        }
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        var dependencies = AppDependencies(database: database, modules: modules, metrics: metrics, signIn: signIn)
        dependencies.requestLog = configuration.requestLog
        if let key = configuration.cursorKey { dependencies.cursorKey = Data(SHA256.hash(data: Data(key.utf8))) }
        let dispatcher = ModuleDispatcher(
            host: dependencies.modules, database: database, listenConninfo: target.applicationConninfo ?? target.conninfo,
            metrics: metrics, logger: logger, concurrency: configuration.deliveryConcurrency)
        // Sessions are cached for a few seconds only while this listener hears every revocation.
        let revocations = SessionRevocationListener(
            cache: dependencies.sessionCache, conninfo: target.applicationConninfo ?? target.conninfo, logger: logger)
        // The modules' enablements likewise, while this one hears every change.
        let enablementChanges = ModuleEnablementListener(
            cache: dependencies.modules.enablements.cache, conninfo: target.applicationConninfo ?? target.conninfo, logger: logger)
        // Started in this order and stopped in reverse, after the HTTP server.
        let services: [any Service] = [EmbeddedClusterService(target: target, logger: logger), database, dispatcher, revocations, enablementChanges]
        let app = buildApplication(configuration: configuration, dependencies: dependencies, services: services, logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
