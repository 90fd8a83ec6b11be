import CDTModuleKit
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct HealthTests {
    let logger = Logger(label: "test")

    private func makeApplication(_ database: PostgresClient, port: Int = 0, logger: Logger? = nil) -> some ApplicationProtocol {
        buildApplication(
            configuration: ServerConfiguration(port: port),
            dependencies: AppDependencies(database: database),
            logger: logger ?? self.logger)
    }

    @Test func healthzAnswersThroughTheRouter() async throws {
        let database = try await TestPostgres.makeDatabase()
        let client = database.makeClient()
        try await makeApplication(client).test(.router) { http in
            try await http.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                #expect(response.headers[HTTPField.Name("X-Request-ID")!] != nil)
            }
        }
        await client.close()
    }

    @Test func readyzIs503UntilMigrationsAreAppliedAndTellsOnlyTheLogWhy() async throws {
        let database = try await TestPostgres.makeDatabase()
        let client = database.makeClient()
        let log = CapturedLog()
        try await makeApplication(client, logger: log.logger()).test(.router) { http in
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"status":"unavailable"}"#)
            }
            #expect(log.text.contains("migrations not applied: sql/core/0001_extensions.sql"))
            try await MigrationRunner(client: client, migrations: CoreMigrations.all).apply()
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ready"}"#)
            }
        }
        await client.close()
    }

    @Test func anUnknownPathIsAProblemJSON404() async throws {
        let database = try await TestPostgres.makeDatabase()
        let client = database.makeClient()
        try await makeApplication(client).test(.router) { http in
            try await http.execute(uri: "/no/such/thing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(String(buffer: response.body).utf8))
                #expect(problem.status == 404)
            }
        }
        await client.close()
    }

    @Test func overARealSocketReadyzFollowsTheDatabaseDownAndBackUp() async throws {
        let cluster = try await TestPostgres.makePrivateCluster()
        defer { TestPostgres.destroy(cluster) }
        let client = PostgresClient(configuration: .init(conninfo: cluster.conninfo(), maximumConnections: 2, leaseTimeout: .seconds(2)))
        try await MigrationRunner(client: client, migrations: CoreMigrations.all).apply()
        try await makeApplication(client).test(.live) { http in
            try await http.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await http.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }

            try await cluster.stop()
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"status":"unavailable"}"#)
            }
            // Alive is not ready: the process still answers.
            try await http.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }

            try await cluster.start()
            try await http.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        }
        await client.close()
    }
}
