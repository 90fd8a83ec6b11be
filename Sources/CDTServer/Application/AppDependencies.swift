public import CDTPostgres

/// What the routes need from the outside, passed in explicitly so tests build the same router.
public struct AppDependencies: Sendable {
    /// The database.
    public var database: PostgresClient
    /// Every migration this build knows, for the readiness check.
    public var migrations: [Migration]

    public init(database: PostgresClient, migrations: [Migration] = CoreMigrations.all) {
        self.database = database
        self.migrations = migrations
    }
}
