import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Requests sent to hurt the server or the people who share it, through the real router against a real
/// PostgreSQL: each is answered with a 4xx naming the field (or, in a batch, rejects its own event alone),
/// never a crash of the process, a 500, or a batch lost to one bad event.
@Suite struct HostileRequestTests {
    @Test func aNegativeOrOverflowingResidentCountIsRefusedAndTheServerLivesOn() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            // In a unit that does not even exist: validation runs first, so this is where the trap was.
            let negative = make.event(ID(), .householdRegistered(HouseholdDetails(
                householdId: ID(), size: 4, residents: [ResidentCount(ageBand: .working, count: -1)])))
            let answer = try await client.submit(negative)
            #expect(answer.status == .unprocessableContent, "\(answer.text)")
            #expect(answer.fields.contains("payload.residents[0].count"))
            let overflowing = make.event(fixture.villageA1, .householdUpdated(HouseholdDetails(
                householdId: ID(), size: 4, residents: [ResidentCount(ageBand: .working, count: Int.max), ResidentCount(ageBand: .elderly, count: Int.max)])))
            let overflow = try await client.submit(overflowing)
            #expect(overflow.status == .unprocessableContent, "\(overflow.text)")
            #expect(overflow.fields.contains("payload.residents"))
            let batch = try await client.post("/api/v1/events/batch", EventJSON.batch([negative, overflowing]))
            #expect(batch.status == .ok)
            #expect(batch.json["rejected"] as? Int == 2)
            // Numbers no integer holds are a 400, never a trap in the parser.
            let text = EventJSON.text(make.register(ID(), in: fixture.villageA1, size: 4))
            for huge in ["1e400", "-1e400", "99999999999999999999999", "4.5"] {
                let answer = try await client.post("/api/v1/events", text.replacingOccurrences(of: #""size":4"#, with: #""size":\#(huge)"#))
                #expect(answer.status == .badRequest, "\(huge): \(answer.text)")
            }
            // Still serving.
            #expect(try await client.get("/api/v1/units?level=province").status == .ok)
        }
    }

    @Test func aNULCharacterInOneEventRejectsThatEventAloneAndTheRestOfTheBatchIsStored() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let withNUL = EventJSON.text(make.register(ID(), in: fixture.villageA1)).replacingOccurrences(of: "Số 12 ngõ 3", with: #"Số 12\u0000"#)
            let single = try await client.post("/api/v1/events", withNUL)
            #expect(single.status == .badRequest, "\(single.text)")
            #expect(single.fields == ["payload.label"])
            #expect(single.rules == [Validator.nulRule])

            let practice = make.event(fixture.villageA1, .householdRegistered(HouseholdDetails(householdId: ID(), label: "Mô hình", size: 3)))
            let practiceWithNUL = EventJSON.text(make.event(fixture.villageA1, .householdRegistered(HouseholdDetails(householdId: ID(), label: "Mô hình NUL", size: 3))))
                .replacingOccurrences(of: "Mô hình NUL", with: #"Mô hình\u0000"#)
            let first = make.register(ID(), in: fixture.villageA1), last = make.register(ID(), in: fixture.villageA2)
            let body = #"{"events": ["# + [EventJSON.text(first), withNUL, EventJSON.text(practice), practiceWithNUL, EventJSON.text(last)].joined(separator: ",") + "]}"
            let answer = try await client.post("/api/v1/events/batch", body)
            #expect(answer.status == .ok, "\(answer.text)")
            let results = answer.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["outcome"] as? String ?? "" } == ["accepted", "rejected", "accepted", "rejected", "accepted"])
            let fields = results.map { (($0["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } }
            #expect(fields[1] == ["events[1].payload.label"])
            #expect(fields[3] == ["events[3].payload.label"])
            #expect(try await client.get("/api/v1/households?under=\(fixture.communeA)").items.count == 3)
        }
    }

    /// Whatever the database refuses in one event's data (here a trigger standing for any such refusal)
    /// rejects that event alone, in a run of visits and practices as well as on its own.
    @Test func aDatabaseErrorInOneEventRejectsThatEventAloneAndTheBatchIsStored() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        try await owner.execute(unsafeSQL: """
            CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.payload::text LIKE '%boom%' THEN RAISE EXCEPTION 'boom' USING ERRCODE = '22023'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_boom BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_boom();
            """)
        await owner.close()
        let make = EventFactory()
        try await fixture.withApp { client in
            let shared = { (title: String) in make.event(fixture.villageA1, .householdRegistered(HouseholdDetails(householdId: ID(), label: title, size: 3))) }
            let boomHousehold = make.event(fixture.villageA1, .householdRegistered(HouseholdDetails(householdId: ID(), label: "boom", size: 2)))
            let events = [shared("một"), shared("boom"), shared("hai"), boomHousehold, make.register(ID(), in: fixture.villageA1)]
            let answer = try await client.post("/api/v1/events/batch", EventJSON.batch(events))
            #expect(answer.status == .ok, "\(answer.text)")
            let results = answer.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["outcome"] as? String ?? "" } == ["accepted", "rejected", "accepted", "rejected", "accepted"])
            let rules = results.map { (($0["errors"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String } }
            #expect(rules[1].first?.contains("SQLSTATE 22023") == true)
            #expect(rules[3].first?.contains("boom") == false)  // the database's own words stay in the log
            // On its own, the same refusal is a 422, not a 500.
            let single = try await client.submit(shared("boom again"))
            #expect(single.status == .unprocessableContent, "\(single.text)")
        }
    }

    /// A member of another province, hidden from the caller by row-level security, named in one event of
    /// a batch: that event is rejected and the rest stored (the database's refusal was a 500 for the batch).
    @Test func aMemberHiddenByRowLevelSecurityRejectsThatEventAloneAndTheBatchIsStored() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let teamB = ID<Team>(), memberB = ID<Member>()
        try await fixture.withApp { admin throws in
            #expect(try await admin.submit(make.establish(teamB, in: fixture.villageB1, issuer: fixture.communeB)).status == .created)
            #expect(try await admin.submit(make.join(memberB, teamB, in: fixture.villageB1, as: .head)).status == .created)
        }
        try await fixture.withApp(as: [RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)]) { officer in
            let teamA = ID<Team>()
            let events = [
                make.establish(teamA, in: fixture.villageA1, issuer: fixture.communeA, on: EventFactory.recently),
                make.join(memberB, teamA, in: fixture.villageA1, as: .member, name: "Người tỉnh khác", on: EventFactory.recently),
                make.register(ID(), in: fixture.villageA1, on: EventFactory.recently),
            ]
            let answer = try await officer.post("/api/v1/events/batch", EventJSON.batch(events))
            #expect(answer.status == .ok, "\(answer.text)")
            let outcomes = (answer.json["results"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String ?? "" }
            #expect(outcomes == ["accepted", "rejected", "accepted"])
        }
    }

    @Test func anImpossibleDayOrSecondInOccurredAtIsRefusedNotRolledOver() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let valid = EventJSON.text(make.register(ID(), in: fixture.villageA1))
            let stamp = try #require(valid.firstMatch(of: /"occurredAt":"[^"]+"/)).output
            for impossible in ["2025-09-31T09:00:00+07:00", "2025-11-31T09:00:00+07:00", "2025-10-01T23:59:60+07:00", "2025-10-01T24:00:00+07:00"] {
                let answer = try await client.post("/api/v1/events", valid.replacingOccurrences(of: stamp, with: #""occurredAt":"\#(impossible)""#))
                #expect(answer.status == .badRequest, "\(impossible): \(answer.text)")
                #expect(answer.fields == ["occurredAt"])
            }
            #expect(try await client.get("/api/v1/events").items.isEmpty)
        }
    }

    @Test func aDatabaseThatIsDownIsA503WithRetryAfterNotA500() async throws {
        let cluster = try await TestPostgres.makePrivateCluster()
        defer { TestPostgres.destroy(cluster) }
        let database = try await TestPostgres.makeDatabase(in: cluster)
        let db = database.makeClient()
        try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
        let app = buildApplication(configuration: ServerConfiguration(port: 0), dependencies: AppDependencies(database: db), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            let up = try await client.execute(uri: "/api/v1/units?level=province", method: .get)
            #expect(up.status == .ok)
            try await cluster.stop()
            let down = try await client.execute(uri: "/api/v1/units?level=province", method: .get)
            #expect(down.status == .serviceUnavailable, "\(String(buffer: down.body))")
            #expect(down.headers[.retryAfter] != nil)
            #expect(down.headers[.contentType] == "application/problem+json")
            try await cluster.start()
            var again = try await client.execute(uri: "/api/v1/units?level=province", method: .get)
            for _ in 0..<50 where again.status != .ok {
                try await Task.sleep(for: .milliseconds(100))
                again = try await client.execute(uri: "/api/v1/units?level=province", method: .get)
            }
            #expect(again.status == .ok)
        }
        await db.close()
    }

    @Test func aKeyGivenTwiceIsA400NamingTheKey() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let valid = EventJSON.text(make.register(ID(), in: fixture.villageA1, size: 4))
            let twice = valid.replacingOccurrences(of: #""size":4"#, with: #""size":4,"size":60"#)
            let answer = try await client.post("/api/v1/events", twice)
            #expect(answer.status == .badRequest, "\(answer.text)")
            #expect(answer.fields == ["payload.size"])
            let login = try await client.post("/api/v1/auth/login", #"{"login": "a", "login": "b", "password": "x"}"#)
            #expect(login.status == .badRequest)
            #expect(login.fields == ["login"])
            let batch = try await client.post("/api/v1/events/batch", #"{"events": ["# + twice + "]}")
            #expect(batch.status == .ok)
            let errors = (batch.json["results"] as? [[String: Any]])?.first?["errors"] as? [[String: Any]]
            #expect(errors?.compactMap { $0["field"] as? String } == ["events[0].payload.size"])
        }
    }

    @Test func theNilUUIDIsRefusedAsAnEventID() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let event = make.register(ID(), in: fixture.villageA1)
            let text = EventJSON.text(event).replacingOccurrences(of: event.id.description, with: "00000000-0000-0000-0000-000000000000")
            let answer = try await client.post("/api/v1/events", text)
            #expect(answer.status == .unprocessableContent, "\(answer.text)")
            #expect(answer.fields == ["id"])
        }
    }

    @Test func unknownQueryParametersAreRefusedNotSilentlyIgnored() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withApp { client in
            for uri in ["/api/v1/events?activeOn=2025-10-01", "/api/v1/households?notApplicable=elderly", "/api/v1/audit?action=event.recorded",
                        "/api/v1/units?levl=province", "/api/v1/teams?limit=5&colour=red"] {
                let answer = try await client.get(uri)
                #expect(answer.status == .badRequest, "\(uri): \(answer.text)")
                #expect(answer.fields.count == 1, "\(uri): \(answer.text)")
            }
            #expect(try await client.get("/api/v1/units?level=province&asOf=2025-06-30&limit=5").status == .ok)
            #expect(try await client.get("/api/v1/events?type=household.visited&from=2025-01-01&until=2025-12-31&limit=5").status == .ok)
            #expect(try await client.get("/api/v1/units?q=%00").status == .badRequest)
        }
    }

    @Test func anotherMethodOnAKnownPathIs405WithAllowAndHEADAnswersAsGET() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withApp { client in
            let put = try await client.send(.put, "/api/v1/events", body: "{}")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, HEAD, POST")
            #expect(put.contentType == "application/problem+json")
            let delete = try await client.send(.delete, "/api/v1/units/\(fixture.villageA1)")
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, HEAD")
            let getBatch = try await client.send(.get, "/api/v1/events/batch")
            #expect(getBatch.status != .methodNotAllowed)  // /events/{id} takes GET: "batch" is a malformed id there
            #expect(try await client.send(.put, "/api/v1/nothing-here").status == .notFound)

            let head = try await client.send(.head, "/api/v1/units?level=province")
            #expect(head.status == .ok)
            #expect(head.text.isEmpty)
            #expect(head.contentType == "application/json; charset=utf-8" || head.contentType?.hasPrefix("application/json") == true)
            #expect(try await client.send(.head, "/readyz").status == .ok)
            #expect(try await client.send(.head, "/api/v1/nothing-here").status == .notFound)
        }
    }
}

/// An answer with its headers.
struct HeadedAnswer: @unchecked Sendable {
    let status: HTTPResponse.Status
    let text: String
    let headers: HTTPFields
    var contentType: String? { headers[.contentType] }
}

extension APIClient {
    /// Sends any method, with the session token and, when there is a body, as JSON.
    func send(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> HeadedAnswer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            HeadedAnswer(status: $0.status, text: String(buffer: $0.body), headers: $0.headers)
        }
    }
}
