import ArgumentParser
import CDTServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server.",
        discussion: """
            With no database configured, creates (first run) and starts a private PostgreSQL cluster in the \
            data folder, migrates it and serves; SIGTERM or Ctrl-C stops the server and that cluster cleanly.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The address to listen on (or HTTP_HOST). Default 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on (or HTTP_PORT). Default 8080.")
    var port: Int?

    @Option(help: "The most database connections at once (or DATABASE_POOL_SIZE). Default 8.")
    var poolSize: Int?

    @Flag(help: "Serve even as a role row-level security does not hold (a superuser, BYPASSRLS, or the tables' owner; or CDT_ALLOW_OWNER_ROLE=true).")
    var allowOwnerRole = false

    func run() async throws {
        MallocTuning.apply()
        let trimming = MallocTuning.startTrimming()
        defer { trimming?.cancel() }
        var flags: [String: String] = [:]
        flags["http.host"] = host
        flags["http.port"] = port.map(String.init)
        flags["database.pool.size"] = poolSize.map(String.init)
        if allowOwnerRole { flags["database.allow-owner-role"] = "true" }
        let configuration = try database.resolve(extraFlags: flags)
        try await ServerRunner.run(configuration: configuration, modules: try InstalledModules.registry(), logger: makeLogger(configuration))
    }
}
