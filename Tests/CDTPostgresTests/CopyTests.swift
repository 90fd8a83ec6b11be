import CDTPostgres
import Testing

private struct Abort: Error {}

@Suite struct CopyTests {
    @Test func loadsAHundredThousandRows() async throws {
        try await withTestClient { db throws in
            try await db.execute("CREATE TABLE households (id int8, village text, size int4, note text)")
            let stored = try await db.copy(into: "households", columns: ["id", "village", "size", "note"]) { writer in
                for id in 0..<100_000 {
                    let note: String? = id % 10 == 0 ? nil : "tab\there, newline\nhere, back\\slash"
                    try writer.appendRow(id, "Thôn \(id % 75)", Int32(id % 7 + 1), note)
                }
            }
            #expect(stored == 100_000)
            let (count, nulls, size) = try await db.query("SELECT count(*), count(*) FILTER (WHERE note IS NULL), sum(size) FROM households")
                .decode((Int, Int, Int).self)[0]
            #expect(count == 100_000)
            #expect(nulls == 10_000)
            #expect(size == (0..<100_000).reduce(0) { $0 + $1 % 7 + 1 })
            #expect(try await db.query("SELECT note FROM households WHERE id = 1").decode(String.self) == ["tab\there, newline\nhere, back\\slash"])
        }
    }

    @Test func aThrowWhileWritingStoresNothingAndKeepsTheConnectionUsable() async throws {
        try await withTestClient(maximumConnections: 1) { db throws in
            try await db.execute("CREATE TABLE households (id int8)")
            await #expect(throws: Abort.self) {
                try await db.copy(into: "households", columns: ["id"]) { writer in
                    for id in 0..<1000 { try writer.appendRow(id) }
                    throw Abort()
                }
            }
            let badRow = await postgresError {
                try await db.copy(into: "households", columns: ["id"]) { writer in try writer.appendRow("not a number") }
            }
            #expect(badRow?.code == .copyFailed)
            #expect(try await db.query("SELECT count(*) FROM households").decode(Int.self) == [0])
        }
    }
}
