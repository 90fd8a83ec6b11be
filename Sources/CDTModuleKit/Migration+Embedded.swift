public import CDTPostgres

extension Migration {
    /// A module's migrations from what the build plugin embedded (`EmbeddedMigrations` in the module's
    /// target, from `sql/<module-id>/`):
    ///
    /// ```swift
    /// var migrations: [Migration] { Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files) }
    /// ```
    public static func embedded(owner: String, files: [(name: String, sql: String)]) -> [Migration] {
        files.map { Migration(owner: owner, name: $0.name, sql: $0.sql) }
    }
}
