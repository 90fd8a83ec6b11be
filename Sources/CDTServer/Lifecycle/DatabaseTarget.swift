public import CDTPostgres
public import Logging

/// The database the server uses: the one `database.url` names, or the embedded cluster.
public struct DatabaseTarget: Sendable {
    /// Where to connect (may hold a password: never log it; log ``summary``).
    public var conninfo: String
    /// The embedded cluster, when no database was configured.
    public var cluster: EmbeddedCluster?
    /// Whether resolving started the embedded cluster, so whoever resolved it should stop it.
    public var startedCluster: Bool

    /// Where the database is, without credentials.
    public var summary: String {
        if let cluster { return "embedded PostgreSQL in \(cluster.clusterDirectory)" }
        return "the database at DATABASE_URL"
    }

    /// Uses `database.url` when set; otherwise creates (first run) and starts the embedded cluster.
    public static func resolve(_ configuration: ServerConfiguration, logger: Logger) async throws -> DatabaseTarget {
        if let url = configuration.databaseURL {
            return DatabaseTarget(conninfo: url, cluster: nil, startedCluster: false)
        }
        let cluster = try await EmbeddedCluster(folder: configuration.dataDirectory)
        if !cluster.isInitialized {
            logger.notice("no database configured: creating an embedded PostgreSQL cluster", metadata: ["folder": "\(cluster.clusterDirectory)"])
        }
        let started = try await cluster.prepare()
        return DatabaseTarget(conninfo: cluster.conninfo(), cluster: cluster, startedCluster: started)
    }

    /// A client for this database sized by the configuration.
    public func makeClient(_ configuration: ServerConfiguration, logger: Logger) -> PostgresClient {
        PostgresClient(
            configuration: .init(conninfo: conninfo, maximumConnections: configuration.poolSize, leaseTimeout: .seconds(configuration.poolTimeoutSeconds)),
            logger: logger)
    }

    /// Stops the embedded cluster if resolving started it.
    public func stopIfStarted(logger: Logger) async {
        guard startedCluster, let cluster else { return }
        do {
            try await cluster.stop()
            logger.info("embedded PostgreSQL stopped")
        } catch {
            logger.error("could not stop embedded PostgreSQL", metadata: ["error": "\(error)"])
        }
    }
}
