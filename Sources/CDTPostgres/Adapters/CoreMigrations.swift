public import CDTPostgresClient

/// The core schema's migrations, embedded into the binary at build time from `sql/core/`.
public enum CoreMigrations {
    public static var all: [Migration] {
        EmbeddedMigrations.files.map { Migration(owner: EmbeddedMigrations.owner, name: $0.name, sql: $0.sql) }
    }
}
