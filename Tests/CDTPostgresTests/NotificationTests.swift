import CDTPostgres
import CDTTesting
import Logging
import Testing

@Suite struct NotificationTests {
    @Test func notificationsArriveWithTheirPayload() async throws {
        let database = try await TestPostgres.makeDatabase()
        let db = database.makeClient()
        let stream = PostgresListener.listen(conninfo: database.conninfo, channels: ["cdt_events"], logger: Logger(label: "test"))
        var iterator = stream.makeAsyncIterator()
        // LISTEN is issued on the listener's own thread; keep notifying until the first one arrives.
        let sender = Task {
            for _ in 0..<100 {
                try await db.notify(channel: "cdt_events", payload: "sự kiện mới")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let first = await iterator.next()
        sender.cancel()
        #expect(first?.channel == "cdt_events")
        #expect(first?.payload == "sự kiện mới")
        #expect(first?.isReconnect == false)
        await db.close()
    }
}
