import CDTPostgres
import CDTServer
import CDTTesting
import Logging
import Testing

/// The sessions that serve requests plan no parallel query; the owner's (migrations, the CLI) keep the default.
@Suite struct RequestSessionTests {
    @Test func theApplicationClientsSessionsPlanNoParallelQuery() async throws {
        let database = try await TestPostgres.makeDatabase()
        var configuration = ServerConfiguration(databaseURL: database.conninfo, poolSize: 2)
        configuration.databaseAppURL = database.conninfo
        let target = try await DatabaseTarget.resolve(configuration, logger: Logger(label: "test"))
        let application = target.makeApplicationClient(configuration, logger: Logger(label: "test"))
        let owner = target.makeClient(configuration, logger: Logger(label: "test"))
        let serving = try await application.query("SELECT current_setting('max_parallel_workers_per_gather')").decode(String.self)
        let migrating = try await owner.query("SELECT current_setting('max_parallel_workers_per_gather')").decode(String.self)
        await application.close()
        await owner.close()
        #expect(serving == ["0"])
        #expect(migrating == ["2"])
    }
}
