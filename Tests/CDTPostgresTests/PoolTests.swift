import CDTPostgres
import CDTTesting
import Testing

@Suite struct PoolTests {
    @Test func twoHundredConcurrentTasksShareEightConnections() async throws {
        try await withTestClient(maximumConnections: 8) { db throws in
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<200 {
                    group.addTask { try await db.query("SELECT \(task)::int8 + 0 * pg_backend_pid()").decode(Int.self)[0] }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            #expect(results == Set(0..<200))
            // Client backends only: an autovacuum worker on the test's database shows there too.
            let backends = try await db.query("""
                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
                """).decode(Int.self)[0]
            #expect(backends <= 8)
            #expect(db.poolStatistics.inUse == 0)
        }
    }

    @Test func aWaitPastTheTimeoutFailsCleanly() async throws {
        try await withTestClient(maximumConnections: 1, leaseTimeout: .milliseconds(200)) { db throws in
            let holder = Task { try await db.query("SELECT pg_sleep(2)") }
            try await Task.sleep(for: .milliseconds(300))
            let error = await postgresError { try await db.query("SELECT 1") }
            #expect(error?.code == .poolTimeout)
            #expect(db.poolStatistics.waiting == 0)
            _ = try await holder.value
            #expect(try await db.query("SELECT 1").count == 1)
        }
    }

    @Test func cancellingAWaitingTaskLeaksNoConnection() async throws {
        try await withTestClient(maximumConnections: 1, leaseTimeout: .seconds(30)) { db throws in
            let holder = Task { try await db.query("SELECT pg_sleep(0.5)") }
            try await Task.sleep(for: .milliseconds(100))
            let waiter = Task { try await db.query("SELECT 1") }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            _ = try await holder.value
            #expect(db.poolStatistics.waiting == 0)
            // The single connection came back: this would time out (30 s) if the cancelled waiter held it.
            #expect(try await db.query("SELECT 2").decode(Int.self) == [2])
        }
    }

    @Test func cancellingARunningQueryCancelsItOnTheServer() async throws {
        try await withTestClient(maximumConnections: 2) { db throws in
            let clock = ContinuousClock()
            let start = clock.now
            let sleeper = Task { try await db.query("SELECT pg_sleep(30)") }
            // Wait until the server is running it, so the cancellation hits a running statement.
            while try await db.query("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'")
                .decode(Int.self) != [1] {
                try await Task.sleep(for: .milliseconds(20))
            }
            sleeper.cancel()
            let outcome = await sleeper.result
            guard case .failure(let failure) = outcome, let error = failure as? PostgresError else {
                Issue.record("expected a PostgresError, got \(outcome)")
                return
            }
            #expect(error.sqlState == SQLState.queryCanceled)
            #expect(clock.now - start < .seconds(10))
            #expect(try await db.query("SELECT 3").decode(Int.self) == [3])
        }
    }

    @Test func thePoolRecoversAfterTheServerRestarts() async throws {
        let cluster = try await TestPostgres.makePrivateCluster()
        defer { TestPostgres.destroy(cluster) }
        let db = PostgresClient(configuration: .init(conninfo: cluster.conninfo(), maximumConnections: 4))
        // Fill the pool with idle connections that the restart will break.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await db.query("SELECT pg_sleep(0.1)") } }
            try await group.waitForAll()
        }
        #expect(db.poolStatistics.idle == 4)
        try await cluster.restart()
        for attempt in 0..<10 {
            #expect(try await db.query("SELECT \(attempt)::int8").decode(Int.self) == [attempt])
        }
        await db.close()
    }
}
