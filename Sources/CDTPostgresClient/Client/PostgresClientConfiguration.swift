/// How a ``PostgresClient`` connects and how large its pool is.
public struct PostgresClientConfiguration: Sendable {
    /// A URL (`postgresql://user:password@host:5432/db?sslmode=prefer`) or key/value conninfo
    /// (`host=/var/run/postgresql dbname=cdt`), as libpq reads them.
    public var conninfo: String
    /// The most connections open at once.
    public var maximumConnections: Int
    /// How long a caller waits for a free connection before failing with ``PostgresError/Code/poolTimeout``.
    public var leaseTimeout: Duration
    /// How long opening one connection may take, in whole seconds.
    public var connectTimeoutSeconds: Int
    /// Settings each connection starts its session with (`SET name TO 'value'`), before its first statement:
    /// `["max_parallel_workers_per_gather": "0"]`, say. A name is a PostgreSQL setting's name (letters, digits,
    /// `_` and `.`); a name or value PostgreSQL refuses fails the connection, with its message.
    public var sessionSettings: [String: String]

    public init(conninfo: String, maximumConnections: Int = 8, leaseTimeout: Duration = .seconds(10), connectTimeoutSeconds: Int = 10,
                sessionSettings: [String: String] = [:]) {
        self.conninfo = conninfo
        self.maximumConnections = maximumConnections
        self.leaseTimeout = leaseTimeout
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.sessionSettings = sessionSettings
    }
}
