import ArgumentParser
import CDTPostgres
import CDTServer

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the schema migrations built into this binary.",
        discussion: "Each migration runs in its own transaction; a re-run applies nothing. The SQL is embedded, so no source tree is needed.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Only report what is applied and what is pending.")
    var status = false

    func run() async throws {
        try await withDatabase(database, migrate: false) { client, logger in
            let runner = MigrationRunner(client: client, migrations: try InstalledModules.migrations, logger: logger)
            if status {
                switch try await runner.status() {
                case .current: print("schema is current (\(runner.migrations.count) migrations applied)")
                case .pending(let paths): print("pending:\n" + paths.map { "  \($0)" }.joined(separator: "\n"))
                case .conflict(let message): throw MigrationError(message: message)
                }
            } else {
                let applied = try await runner.apply()
                print(applied.isEmpty ? "schema is current; nothing to apply" : applied.map { "applied \($0)" }.joined(separator: "\n"))
            }
        }
    }
}
