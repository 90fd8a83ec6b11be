import ArgumentParser
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
