import ArgumentParser
import CDTPostgres
import CDTServer
import Foundation
import Logging

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A JSON configuration file (or CDT_CONFIG).")
    var configFile: String?

    @Option(help: "The PostgreSQL URL or conninfo to use (or DATABASE_URL). Without it, the embedded cluster is used.")
    var databaseURL: String?

    @Option(help: "The embedded cluster's data folder (or CDT_DATA_DIR).")
    var dataDir: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (or LOG_LEVEL).")
    var logLevel: String?

    /// The flags given, by configuration key.
    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["database.url"] = databaseURL
        flags["data.dir"] = dataDir
        flags["log.level"] = logLevel
        return flags
    }

    func resolve(extraFlags: [String: String] = [:]) throws -> ServerConfiguration {
        let sources = try ConfigurationSources.load(
            flags: flags.merging(extraFlags) { _, extra in extra },
            configFile: configFile,
            environment: ProcessInfo.processInfo.environment)
        return try ServerConfiguration(from: sources)
    }
}

/// Sets up logging once per process, at the configured level.
func makeLogger(_ configuration: ServerConfiguration, label: String = "cdt") -> Logger {
    LoggingBootstrap.once()
    var logger = Logger(label: label)
    logger.logLevel = configuration.logLevel
    return logger
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once() {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
    }
}

/// A database ``withOpenedDatabase(_:extraFlags:migrate:_:)`` opened, with what it was opened from.
struct OpenedDatabase {
    let configuration: ServerConfiguration
    let target: DatabaseTarget
    let client: PostgresClient
    let logger: Logger
}

/// Opens the configured database (starting the embedded cluster if needed), optionally brings its
/// schema up to date, runs `body`, and then closes the client and stops a cluster it started, whether
/// `body` succeeded or not.
func withDatabase(
    _ options: DatabaseOptions,
    migrate: Bool = true,
    _ body: (PostgresClient, Logger) async throws -> Void
) async throws {
    try await withOpenedDatabase(options, migrate: migrate) { try await body($0.client, $0.logger) }
}

/// ``withDatabase(_:migrate:_:)`` for commands that need more than the client: the configuration (with
/// `extraFlags` over the options' own) and the target (the embedded cluster, the conninfo).
func withOpenedDatabase(
    _ options: DatabaseOptions,
    extraFlags: [String: String] = [:],
    migrate: Bool = true,
    _ body: (OpenedDatabase) async throws -> Void
) async throws {
    let configuration = try options.resolve(extraFlags: extraFlags)
    let logger = makeLogger(configuration)
    let target = try await DatabaseTarget.resolve(configuration, logger: logger)
    let client = target.makeClient(configuration, logger: logger)
    do {
        if migrate { try await MigrationRunner(client: client, migrations: try InstalledModules.migrations, logger: logger).apply() }
        try await body(OpenedDatabase(configuration: configuration, target: target, client: client, logger: logger))
    } catch {
        await client.close()
        await target.stopIfStarted(logger: logger)
        throw error
    }
    await client.close()
    await target.stopIfStarted(logger: logger)
}
