import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Testing

/// What the server lets slip besides answers (issue 18, low findings): request logs, error logs, and
/// list cursors.
@Suite struct InformationLeakTests {
    static let national = [RoleAssignment(role: .nationalAdministrator, unitID: nil)]

    /// Two teams with a member each in province A (one team to a village).
    private func seeded() async throws -> WorkFixture {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let make = EventFactory()
        var events: [DomainEvent] = []
        for (index, (name, village)) in [("Nguyễn Thị Lan", fixture.villageA1), ("Trần Văn Hoà", fixture.villageA2)].enumerated() {
            let team = ID<Team>()
            events += [make.establish(team, in: village, issuer: fixture.communeA, name: "Tổ số \(index + 1)"),
                       make.join(ID(), team, in: village, as: .head, name: name)]
        }
        try await PostgresEventBulkLoader(client: owner).load(events)
        await owner.close()
        return fixture
    }

    @Test func aMemberNameSearchedForNeverReachesTheRequestLog() async throws {
        let fixture = try await seeded()
        let log = CapturedLog()
        try await fixture.withApp(as: Self.national, logger: log.logger()) { client in
            let answer = try await client.get("/api/v1/members?q=Nguy%E1%BB%85n%20Th%E1%BB%8B%20Lan&limit=5")
            #expect(answer.status == .ok && answer.items.count == 1)
        }
        #expect(log.text.contains("hb.request.path=/api/v1/members"), "\(log.text)")
        #expect(log.text.contains("hb.request.query=q,limit") || log.text.contains("hb.request.query=limit,q"), "\(log.text)")
        for secret in ["Nguy", "Lan", "Th%E1"] {
            #expect(!log.text.contains(secret), "\(secret) in \(log.text)")
        }
    }

    @Test func aDuplicateKeysRowValuesStayOutOfTheErrorsLogLine() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let phone = "0912345678"
        let insert: PostgresQuery = "INSERT INTO accounts (id, phone, display_name, password_hash) VALUES (gen_random_uuid(), \(phone), 'x', 'x')"
        try await owner.execute(insert)
        do {
            try await owner.execute(insert)
            Issue.record("a duplicate phone number was stored")
        } catch let error as PostgresError {
            #expect(error.detail?.contains("0912345678") == true)
            #expect(error.sqlState == SQLState.uniqueViolation)
            #expect(!"\(error)".contains("0912345678"), "\(error)")
            #expect("\(error)".contains("accounts_phone_key"))
        }
        await owner.close()
    }

    @Test func aMembersCursorIsRefusedByTeamsAndAnAlteredOrReFilteredCursorByAnyList() async throws {
        let fixture = try await seeded()
        try await fixture.withApp(as: Self.national) { client in
            let members = try await client.get("/api/v1/members?limit=1")
            let cursor = try #require(members.json["nextCursor"] as? String)
            // Its own list takes it, with another limit too.
            let next = try await client.get("/api/v1/members?limit=5&cursor=\(cursor)")
            #expect(next.status == .ok && next.items.count == 1, "\(next.text)")
            // Another list does not, though its cursors have the same shape.
            let teams = try await client.get("/api/v1/teams?cursor=\(cursor)")
            #expect(teams.status == .badRequest && teams.fields == ["cursor"], "\(teams.text)")
            // Nor does the same list under another filter.
            #expect(try await client.get("/api/v1/members?q=lan&cursor=\(cursor)").fields == ["cursor"])
            // A cursor altered by one character, or made without the server's key, is refused.
            let (token, tag) = (String(cursor[..<cursor.lastIndex(of: ".")!]), cursor[cursor.index(after: cursor.lastIndex(of: ".")!)...])
            let altered = token + "." + (tag.first == "A" ? "B" : "A") + tag.dropFirst()
            #expect(try await client.get("/api/v1/members?cursor=\(altered)").fields == ["cursor"])
            #expect(try await client.get("/api/v1/members?cursor=\(token)").fields == ["cursor"])
            let forged = PageCursor(parts: ["00", UUID().uuidString]).token
            #expect(try await client.get("/api/v1/members?cursor=\(forged)").fields == ["cursor"])
        }
    }
}
