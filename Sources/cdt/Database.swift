import ArgumentParser
import CDTPostgres
import CDTServer

struct Database: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster (used when no DATABASE_URL is set).",
        subcommands: [Start.self, Stop.self, Status.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the cluster if needed and start it.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let cluster = try await EmbeddedCluster(folder: database.resolve().dataDirectory)
            let started = try await cluster.prepare()
            print(started ? "started PostgreSQL in \(cluster.clusterDirectory)" : "PostgreSQL was already running in \(cluster.clusterDirectory)")
            print("connect with: psql '\(cluster.conninfo())'")
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (open connections are closed).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let cluster = try await EmbeddedCluster(folder: database.resolve().dataDirectory)
            guard case .running = try await cluster.status() else {
                print("PostgreSQL is not running in \(cluster.clusterDirectory)")
                return
            }
            try await cluster.stop()
            print("stopped PostgreSQL in \(cluster.clusterDirectory)")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the cluster exists and runs; exit 3 when it does not run.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let cluster = try await EmbeddedCluster(folder: database.resolve().dataDirectory)
            let status = try await cluster.status()
            print("PostgreSQL in \(cluster.clusterDirectory): \(status)")
            guard case .running = status else { throw ExitCode(3) }
            print("connect with: psql '\(cluster.conninfo())'")
        }
    }
}
