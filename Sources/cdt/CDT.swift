import ArgumentParser

/// The `cdt` command line.
@main
struct CDT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdt",
        abstract: "The platform of Vietnam's community digital technology teams (Tổ công nghệ số cộng đồng).",
        discussion: """
            Settings come from flags, then environment variables, then a JSON file (--config or CDT_CONFIG).
            See docs/configuration.md for every key.
            """,
        subcommands: [Serve.self, Migrate.self, Database.self, Import.self, Villages.self, Demo.self, DemoAccounts.self, Users.self, Modules.self, Bench.self]
    )
}
