import CDTPostgres
import CDTTesting

/// Runs `body` with a client on a fresh database of the shared test cluster, and closes it afterwards.
func withTestClient<Result>(
    maximumConnections: Int = 4,
    leaseTimeout: Duration = .seconds(10),
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    let database = try await TestPostgres.makeDatabase()
    let client = database.makeClient(maximumConnections: maximumConnections, leaseTimeout: leaseTimeout)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// Asserts that `body` throws a ``PostgresError`` and returns it.
func postgresError(_ body: () async throws -> Void) async -> PostgresError? {
    do {
        try await body()
        return nil
    } catch let error as PostgresError {
        return error
    } catch {
        return nil
    }
}
