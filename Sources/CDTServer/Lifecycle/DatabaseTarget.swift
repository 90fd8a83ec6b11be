public import CDTPostgres
public import Logging

/// The database the server uses: the one `database.url` names, or the embedded cluster.
public struct DatabaseTarget: Sendable {
    /// Where to connect as the owner of the tables, for migrations (may hold a password: never log it;
    /// log ``summary``).
    public var conninfo: String
    /// Where to connect as the application role, which row-level security applies to; `nil` when none is
    /// configured (the server then serves as the owner).
    public var applicationConninfo: String?
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
            return DatabaseTarget(conninfo: url, applicationConninfo: configuration.databaseAppURL, cluster: nil, startedCluster: false)
        }
        let cluster = try await EmbeddedCluster(folder: configuration.dataDirectory)
        if !cluster.isInitialized {
            logger.notice("no database configured: creating an embedded PostgreSQL cluster", metadata: ["folder": "\(cluster.clusterDirectory)"])
        }
        let started = try await cluster.prepare()
        return DatabaseTarget(conninfo: cluster.conninfo(), applicationConninfo: cluster.conninfo(user: EmbeddedCluster.applicationRole),
                              cluster: cluster, startedCluster: started)
    }

    /// A client for this database as the owner, sized by the configuration.
    public func makeClient(_ configuration: ServerConfiguration, logger: Logger) -> PostgresClient {
        PostgresClient(
            configuration: .init(conninfo: conninfo, maximumConnections: configuration.poolSize, leaseTimeout: .seconds(configuration.poolTimeoutSeconds)),
            logger: logger)
    }

    /// A client as the application role (the owner when none is configured), for serving requests.
    ///
    /// Its sessions plan no parallel query (``requestSessionSettings``).
    public func makeApplicationClient(_ configuration: ServerConfiguration, logger: Logger) -> PostgresClient {
        PostgresClient(
            configuration: .init(conninfo: applicationConninfo ?? conninfo, maximumConnections: configuration.poolSize,
                                 leaseTimeout: .seconds(configuration.poolTimeoutSeconds), sessionSettings: Self.requestSessionSettings),
            logger: logger)
    }

    /// The settings of the sessions that serve requests: no parallel query. The server's statements are short
    /// index reads and writes run side by side by the pool; a parallel plan's workers start in milliseconds and
    /// take cores from the other requests. Measured (docs/benchmarks.md, "Fourth round"): a province's drill-down
    /// read was planned with two workers, 12-16 ms, against 1-3 ms without.
    public static let requestSessionSettings = ["max_parallel_workers_per_gather": "0"]

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
