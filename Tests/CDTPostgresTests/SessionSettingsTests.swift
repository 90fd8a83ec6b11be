import CDTPostgres
import CDTTesting
import Testing

@Suite struct SessionSettingsTests {
    @Test func everyConnectionOfThePoolStartsWithTheSettings() async throws {
        let database = try await TestPostgres.makeDatabase()
        let client = PostgresClient(configuration: .init(
            conninfo: database.conninfo, maximumConnections: 3,
            sessionSettings: ["max_parallel_workers_per_gather": "0", "cdt.pool_note": "tổ công nghệ số's pool"]))
        // Three statements held open at once, so three connections answer.
        let answers = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await client.query("""
                        SELECT current_setting('max_parallel_workers_per_gather'), current_setting('cdt.pool_note'),
                               pg_backend_pid()::text, pg_sleep(0.5)::text
                        """).decode((String, String, String, String).self).map { "\($0.0)|\($0.1)|\($0.2)" }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        await client.close()
        #expect(Set(answers.map { $0.split(separator: "|")[2] }).count == 3)
        #expect(answers.allSatisfy { $0.hasPrefix("0|tổ công nghệ số's pool|") })
    }

    @Test func aClientWithoutSettingsKeepsTheServersDefaults() async throws {
        try await withTestClient { db throws in
            #expect(try await db.query("SELECT current_setting('max_parallel_workers_per_gather')").decode(String.self) == ["2"])
        }
    }

    @Test func aNameThatIsNotASettingsNameFailsTheConnectionAndRunsNothing() async throws {
        let database = try await TestPostgres.makeDatabase()
        let owner = database.makeClient(maximumConnections: 1)
        try await owner.execute("CREATE TABLE x (id int)")
        let errors = try await twoTries(on: database, settings: ["work_mem TO '1MB'; DROP TABLE x; SET a": "b"])
        #expect(errors.map(\.?.code) == [.connectionFailed, .connectionFailed])
        #expect(errors[0]?.message.contains("is not a setting's name") == true)
        #expect(try await owner.query("SELECT count(*) FROM x").decode(Int.self) == [0])
        await owner.close()
    }

    @Test func aSettingPostgreSQLRefusesFailsTheConnectionWithItsMessage() async throws {
        let errors = try await twoTries(on: try await TestPostgres.makeDatabase(), settings: ["max_parallel_workers_per_gather": "many"])
        #expect(errors.allSatisfy { $0?.message.contains("max_parallel_workers_per_gather") == true })
    }

    /// The errors of two statements through a one-connection client with `settings`: the second shows the
    /// slot came back (it fails the same way, not with a pool timeout).
    private func twoTries(on database: TestDatabase, settings: [String: String]) async throws -> [PostgresError?] {
        let client = PostgresClient(configuration: .init(conninfo: database.conninfo, maximumConnections: 1, leaseTimeout: .seconds(2),
                                                         sessionSettings: settings))
        var errors: [PostgresError?] = []
        for _ in 0..<2 { errors.append(await postgresError { _ = try await client.query("SELECT 1") }) }
        await client.close()
        return errors
    }
}
