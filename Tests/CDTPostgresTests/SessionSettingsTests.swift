import CDTPostgres
import CDTTesting
import Testing

@Suite struct SessionSettingsTests {
    @Test func everyConnectionOfThePoolStartsWithTheSettings() async throws {
        let database = try await TestPostgres.makeDatabase()
        let client = PostgresClient(configuration: .init(
            conninfo: database.conninfo, maximumConnections: 3,
            sessionSettings: ["max_parallel_workers_per_gather": "0", "cdt.pool_note": "tổ công nghệ số's pool"]))
        defer { Task { await client.close() } }
        // Three statements held open at once, so three connections answer.
        let answers = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await client.query("""
                        SELECT current_setting('max_parallel_workers_per_gather'), current_setting('cdt.pool_note'),
                               pg_backend_pid()::text, pg_sleep(0.2)::text
                        """).decode((String, String, String, String).self).map { "\($0.0)|\($0.1)|\($0.2)" }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
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
        let client = PostgresClient(configuration: .init(conninfo: database.conninfo, maximumConnections: 1,
                                                         sessionSettings: ["work_mem TO '1MB'; DROP TABLE x; SET a": "b"]))
        defer { Task { await client.close() } }
        let error = await postgresError { _ = try await client.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("is not a setting's name") == true)
        // The slot came back: a second try fails the same way, not with a pool timeout.
        #expect(await postgresError { _ = try await client.query("SELECT 1") }?.code == .connectionFailed)
    }

    @Test func aSettingPostgreSQLRefusesFailsTheConnectionWithItsMessage() async throws {
        let database = try await TestPostgres.makeDatabase()
        let client = PostgresClient(configuration: .init(conninfo: database.conninfo, maximumConnections: 1,
                                                         sessionSettings: ["max_parallel_workers_per_gather": "many"]))
        defer { Task { await client.close() } }
        let error = await postgresError { _ = try await client.query("SELECT 1") }
        #expect(error?.message.contains("max_parallel_workers_per_gather") == true)
    }
}
