import CDTPostgres
import Foundation
import CDTTesting
import Testing

@Suite struct ErrorTests {
    @Test func uniqueViolationCarriesSQLStateConstraintAndQueryWithoutValues() async throws {
        try await withTestClient { db throws in
            try await db.execute("CREATE TABLE units (code text PRIMARY KEY)")
            try await db.execute("INSERT INTO units VALUES (\("00004"))")
            let error = await postgresError { try await db.execute("INSERT INTO units VALUES (\("00004"))") }
            #expect(error?.code == .server)
            #expect(error?.sqlState == SQLState.uniqueViolation)
            #expect(error?.constraint == "units_pkey")
            #expect(error?.detail?.contains("00004") == true)
            #expect(error?.query == "INSERT INTO units VALUES ($1)")
        }
    }

    @Test func syntaxErrorGives42601() async throws {
        try await withTestClient { db throws in
            let error = await postgresError { try await db.query("SELEC 1") }
            #expect(error?.sqlState == SQLState.syntaxError)
            #expect(error?.message.contains("syntax error") == true)
        }
    }

    @Test func wrongTypeDecodeNamesTheColumn() async throws {
        try await withTestClient { db throws in
            let rows = try await db.query("SELECT 'Xã' AS commune_name, 42 AS household_count")
            let asInt = await postgresError { _ = try rows[0].decode(Int.self, column: "commune_name") }
            #expect(asInt?.code == .decoding)
            #expect(asInt?.column == "commune_name")
            let asUUID = await postgresError { _ = try rows[0].decode(UUID.self, column: "household_count") }
            #expect(asUUID?.column == "household_count")
            #expect(asUUID?.message.contains("int4") == true)
        }
    }

    @Test func nullIntoANonOptionalNamesTheColumn() async throws {
        try await withTestClient { db throws in
            let rows = try await db.query("SELECT NULL::text AS chat_group_link")
            let error = await postgresError { _ = try rows[0].decode(String.self, column: "chat_group_link") }
            #expect(error?.code == .decoding)
            #expect(error?.column == "chat_group_link")
            #expect(error?.message.contains("NULL") == true)
        }
    }

    @Test func wrongPasswordIsReportedAsAuthenticationFailure() async throws {
        try await withTestClient { db throws in
            try await db.execute(unsafeSQL: "CREATE ROLE officer LOGIN PASSWORD 'right-password'")
            let cluster = try await TestPostgres.shared()
            let client = PostgresClient(configuration: .init(
                conninfo: "host=\(cluster.clusterDirectory) port=5432 dbname=postgres user=officer password=wrong-password"))
            let error = await postgresError { try await client.query("SELECT 1") }
            await client.close()
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains("officer") == true)
            #expect(error?.description.contains("wrong-password") == false)
            try await db.execute(unsafeSQL: "DROP ROLE officer")
        }
    }

    @Test func unknownDatabaseIsReportedAsSuch() async throws {
        let cluster = try await TestPostgres.shared()
        let client = PostgresClient(configuration: .init(conninfo: cluster.conninfo(database: "no_such_database")))
        let error = await postgresError { try await client.query("SELECT 1") }
        await client.close()
        #expect(error?.code == .databaseNotFound)
        #expect(error?.message.contains("no_such_database") == true)
    }

    @Test func unreachableHostIsReportedAsSuch() async throws {
        let client = PostgresClient(configuration: .init(conninfo: "postgresql://cdt@127.0.0.1:1/cdt?connect_timeout=2"))
        let error = await postgresError { try await client.query("SELECT 1") }
        await client.close()
        #expect(error?.code == .serverUnreachable)
        #expect(error?.message.contains("127.0.0.1") == true)
    }
}
