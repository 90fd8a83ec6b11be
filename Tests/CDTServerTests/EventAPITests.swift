import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `POST /api/v1/events` and the lists built from the log, through the real router against a real PostgreSQL.
@Suite struct EventAPITests {
    @Test func aTeamIsEstablishedOnceAndAResendChangesNothing() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let team = ID<Team>()
            let established = make.establish(team, in: fixture.villageA1, issuer: fixture.communeA)
            let first = try await client.submit(established)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["outcome"] as? String == "accepted")
            let again = try await client.submit(established)
            #expect(again.status == .ok)
            #expect(again.json["outcome"] as? String == "duplicate")

            // The same id with another body is a conflict, and nothing changes.
            var text = EventJSON.text(established).replacingOccurrences(of: "Nguyễn Văn An", with: "Lê Văn Bình")
            let conflict = try await client.post("/api/v1/events", text)
            #expect(conflict.status == .conflict)
            #expect(conflict.fields == ["id"])
            #expect(conflict.contentType == "application/problem+json")

            // A second team for the same village is refused while the first is active.
            let rival = try await client.submit(make.establish(ID(), in: fixture.villageA1, issuer: fixture.communeA, name: "Tổ khác", on: "2025-09-01"))
            #expect(rival.status == .unprocessableContent)
            #expect(rival.fields == ["unitId"])

            let teams = try await client.get("/api/v1/teams?under=\(fixture.provinceA)")
            #expect(teams.items.map { $0["id"] as? String } == [team.description])
            #expect(teams.items.first?["chatLink"] as? String == "https://zalo.me/g/to1")
            let events = try await client.get("/api/v1/events?under=\(fixture.provinceA)")
            #expect(events.items.count == 1)
            text = try await client.get("/api/v1/events/\(established.id)").text
            #expect(text.contains("\"type\":\"team.established\""))
        }
    }

    @Test func membersJoinWithOneHeadAtATimeAndChangeRoles() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let team = ID<Team>(), lan = ID<Member>(), minh = ID<Member>()
            #expect(try await client.submit(make.establish(team, in: fixture.villageA1, issuer: fixture.communeA)).status == .created)
            #expect(try await client.submit(make.join(lan, team, in: fixture.villageA1, as: .head)).status == .created)
            let secondHead = try await client.submit(make.join(minh, team, in: fixture.villageA1, as: .head, name: "Phạm Văn Minh"))
            #expect(secondHead.status == .unprocessableContent)
            #expect(secondHead.fields == ["payload.role"])
            #expect(try await client.submit(make.join(minh, team, in: fixture.villageA1, as: .deputyHead, name: "Phạm Văn Minh")).status == .created)
            // A member joining a team needs their details the first time.
            let noDetails = make.event(fixture.villageA1, on: "2025-08-03", .memberJoined(MemberJoined(teamId: team, memberId: ID(), role: .member)))
            #expect(try await client.submit(noDetails).fields == ["payload.person"])
            // Lan steps down and Minh takes over on the same day.
            #expect(try await client.submit(make.event(fixture.villageA1, on: "2025-10-01", .memberRoleChanged(MemberRoleChanged(teamId: team, memberId: lan, role: .member)))).status == .created)
            #expect(try await client.submit(make.event(fixture.villageA1, on: "2025-10-01", .memberRoleChanged(MemberRoleChanged(teamId: team, memberId: minh, role: .head)))).status == .created)
            #expect(try await client.submit(make.event(fixture.villageA1, on: "2025-11-01", .memberLeft(MemberLeft(teamId: team, memberId: lan)))).status == .created)

            let now = try await client.get("/api/v1/teams/\(team)/memberships?activeOn=2025-10-15")
            #expect(Set(now.items.map { "\($0["memberId"]!) \($0["role"]!)" }) == ["\(lan) member", "\(minh) head"])
            let september = try await client.get("/api/v1/teams/\(team)/memberships?activeOn=2025-09-15")
            #expect(Set(september.items.map { "\($0["memberId"]!) \($0["role"]!)" }) == ["\(lan) head", "\(minh) deputyHead"])
            let lansHistory = try await client.get("/api/v1/members/\(lan)/memberships")
            #expect(lansHistory.items.map { $0["role"] as? String } == ["head", "member"])
            let members = try await client.get("/api/v1/members?under=\(fixture.communeA)&activeOn=2025-12-01")
            #expect(members.items.map { $0["name"] as? String } == ["Phạm Văn Minh"])
            let search = try await client.get("/api/v1/members?q=tran%20thi")
            #expect(search.items.map { $0["phone"] as? String } == ["0912345678"])
        }
    }

    @Test func malformedOrInvalidEventsAreRefusedWithTheFieldAndRuleAndStoreNothing() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let valid = EventJSON.text(make.establish(ID(), in: fixture.villageA1, issuer: fixture.communeA))
            let malformed = try await client.post("/api/v1/events", "{\"id\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.contentType == "application/problem+json")

            let unknown = try await client.post("/api/v1/events", valid.replacingOccurrences(of: "\"version\":1", with: "\"version\":1,\"colour\":\"red\""))
            #expect(unknown.status == .badRequest)
            #expect(unknown.fields == ["colour"])
            let unknownInPayload = try await client.post("/api/v1/events", valid.replacingOccurrences(of: "\"signer\"", with: "\"nickname\":\"x\",\"signer\""))
            #expect(unknownInPayload.fields == ["payload.decision.nickname"])

            let wrongType = try await client.post("/api/v1/events", valid.replacingOccurrences(of: "\"version\":1", with: "\"version\":\"one\""))
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.fields == ["version"])
            #expect(wrongType.rules == ["must be a whole number"])

            let badEnum = try await client.post("/api/v1/events", valid.replacingOccurrences(of: "team.established", with: "team.founded"))
            #expect(badEnum.fields == ["type"])
            #expect(badEnum.rules.first?.hasPrefix("must be one of: team.established") == true)

            let badDate = try await client.post("/api/v1/events", valid.replacingOccurrences(of: "\"date\":\"2025-08-01\"", with: "\"date\":\"2025-02-30\""))
            #expect(badDate.fields == ["payload.decision.date"])

            let future = make.establish(ID(), in: fixture.villageA1, issuer: fixture.communeA, on: "2027-01-01")
            let fromTheFuture = try await client.submit(future)
            #expect(fromTheFuture.status == .unprocessableContent)
            #expect(fromTheFuture.fields == ["occurredAt"])

            let nowhere = try await client.submit(make.establish(ID(), in: ID(), issuer: fixture.communeA))
            #expect(nowhere.status == .unprocessableContent)
            #expect(nowhere.fields == ["unitId"])
            #expect(nowhere.rules == ["must name an existing unit"])

            let beforeTheUnit = try await client.submit(make.establish(ID(), in: fixture.villageA1, issuer: fixture.communeA, on: "2025-06-01"))
            #expect(beforeTheUnit.fields == ["unitId"])

            let stamped = try await client.post("/api/v1/events", valid.replacingOccurrences(of: "\"version\":1", with: "\"version\":1,\"recordedAt\":\"2025-08-01T00:00:00Z\""))
            #expect(stamped.fields == ["recordedAt"])

            let form = try await client.post("/api/v1/events", valid, contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)

            let tooBig = try await client.post("/api/v1/events", String(repeating: " ", count: 70_000) + valid)
            #expect(tooBig.status == .contentTooLarge)

            let imported = make.event(fixture.provinceA, .unitsReorganized(UnitsReorganized(effective: CalendarDate("2025-07-01")!, lineageLinks: 1, source: "x")))
            #expect(try await client.submit(imported).fields == ["type"])

            #expect(try await client.get("/api/v1/events").items.isEmpty)
            #expect(try await client.get("/api/v1/teams").items.isEmpty)
        }
    }

    @Test func aBatchReportsEachEventAndAppliesEachWholeOrNotAtAll() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let team = ID<Team>(), lan = ID<Member>(), household = ID<Household>()
            let reused = make.register(ID(), in: fixture.villageA2)
            #expect(try await client.submit(reused).status == .created)
            let visit = make.visit(household, in: fixture.villageA1, by: [lan])
            let events = [
                make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),           // 0 accepted
                make.join(lan, team, in: fixture.villageA1, as: .head),                          // 1 accepted
                make.register(household, in: fixture.villageA1),                                 // 2 accepted
                visit,                                                                            // 3 accepted
                visit,                                                                            // 4 duplicate of 3
                make.visit(ID(), in: fixture.villageA1, by: [lan]),                              // 5 rejected: no such household
                make.register(ID(), in: fixture.villageA1, size: 0),                             // 6 rejected: size
                make.visit(household, in: fixture.villageB1, by: [lan]),                         // 7 rejected: other province
                DomainEvent(id: reused.id, unitID: fixture.villageA2, authorID: make.author, occurredAt: make.on("2025-08-04"),
                            payload: .householdRegistered(HouseholdDetails(householdId: ID(), label: "x", size: 3))),  // 8 conflict
            ]
            let answer = try await client.post("/api/v1/events/batch", EventJSON.batch(events, extra: [#"{"id": "not-a-uuid"}"#]))
            #expect(answer.status == .ok, "\(answer.text)")
            let results = answer.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["outcome"] as? String ?? "" } == [
                "accepted", "accepted", "accepted", "accepted", "duplicate", "rejected", "rejected", "rejected", "conflict", "rejected",
            ])
            #expect(answer.json["accepted"] as? Int == 4 && answer.json["rejected"] as? Int == 4)
            let fieldsOf = { (index: Int) in ((results[index]["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } }
            #expect(fieldsOf(5) == ["events[5].payload.householdId"])
            #expect(fieldsOf(6) == ["events[6].payload.size", "events[6].payload.residents"])
            #expect(fieldsOf(9) == ["events[9].id"])

            let households = try await client.get("/api/v1/households?under=\(fixture.communeA)")
            #expect(households.items.count == 2)
            let visits = try await client.get("/api/v1/events?type=household.visited")
            #expect(visits.items.map { $0["id"] as? String } == [visit.id.description])

            // Resending the whole batch changes nothing.
            let resent = try await client.post("/api/v1/events/batch", EventJSON.batch(Array(events.prefix(4))))
            #expect(resent.json["duplicates"] as? Int == 4)
        }
    }

    /// Visits, surveys and practices in a row are appended a run at a time; each still gets its own outcome.
    @Test func aRunOfVisitsIsJudgedEventByEvent() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let team = ID<Team>(), lan = ID<Member>(), first = ID<Household>(), second = ID<Household>()
            let setUp = [make.establish(team, in: fixture.villageA1, issuer: fixture.communeA), make.join(lan, team, in: fixture.villageA1, as: .head),
                         make.register(first, in: fixture.villageA1), make.register(second, in: fixture.villageA1)]
            #expect(try await client.post("/api/v1/events/batch", EventJSON.batch(setUp)).json["accepted"] as? Int == 4)
            let sentBefore = make.visit(first, in: fixture.villageA1, by: [lan], on: "2025-08-05")
            #expect(try await client.submit(sentBefore).status == .created)
            let template = make.visit(second, in: fixture.villageA1, by: [lan])
            let future = DomainEvent(id: ID(), unitID: fixture.villageA1, authorID: make.author, occurredAt: Date().addingTimeInterval(86_400 * 3),
                                     payload: template.payload)
            let run = [
                make.visit(first, in: fixture.villageA1, by: [lan]),                                        // 0 accepted
                sentBefore,                                                                                  // 1 duplicate
                make.visit(first, in: fixture.villageA2, by: [lan]),                                        // 2 rejected: not the household's unit
                make.visit(second, in: fixture.villageA1, by: [lan, ID()]),                                 // 3 rejected: memberIds[1]
                future,                                                                                      // 4 rejected: occurredAt
                make.event(fixture.villageA1, on: "2025-08-11", .householdRegistered(HouseholdDetails(householdId: ID(), label: "Zalo", size: 3))),  // 5 accepted
                make.visit(second, in: fixture.villageA1, by: [lan], on: "2025-08-12"),                     // 6 accepted
            ]
            let answer = try await client.post("/api/v1/events/batch", EventJSON.batch(run))
            let results = answer.json["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["outcome"] as? String ?? "" } == ["accepted", "duplicate", "rejected", "rejected", "rejected", "accepted", "accepted"],
                    "\(answer.text)")
            let fieldsOf = { (index: Int) in ((results[index]["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } }
            #expect(fieldsOf(2) == ["events[2].unitId"] && fieldsOf(3) == ["events[3].payload.memberIds[1]"] && fieldsOf(4) == ["events[4].occurredAt"])
            let visits = try await client.get("/api/v1/events?type=household.visited&limit=100")
            #expect(Set(visits.items.compactMap { $0["id"] as? String }) == Set([sentBefore, run[0], run[6]].map(\.id.description)))
            // One audit line per event recorded, run or not.
            let audit = try await client.get("/api/v1/audit?limit=500")
            let recorded = audit.items.filter { $0["action"] as? String == "event.recorded" }.compactMap { $0["target"] as? String }
            #expect(Set(recorded) == Set((setUp + [sentBefore, run[0], run[5], run[6]]).map(\.id.description)) && recorded.count == 8, "\(audit.text.prefix(400))")
            // The whole run again: the accepted ones are duplicates now, the rest still rejected.
            let again = try await client.post("/api/v1/events/batch", EventJSON.batch(run))
            #expect(again.json["duplicates"] as? Int == 4 && again.json["rejected"] as? Int == 3)
        }
    }

    /// Single events sent at once by two people share commits over a real socket; each is stored once and
    /// its audit line names the one who sent it.
    @Test func concurrentSingleEventsKeepTheirOwnSender() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let db = fixture.database.makeApplicationClient()
        let other = try await WorkFixture.makeAccount([RoleAssignment(role: .nationalAdministrator, unitID: nil)], db)
        await db.close()
        let events = (0..<40).map { n in make.event(fixture.villageA1, on: "2025-08-11", .householdRegistered(HouseholdDetails(householdId: ID(), label: "Mẹo \(n)", size: 3))) }
        try await fixture.withApp(.live) { client in
            let otherClient = APIClient(client: client.client, token: try await client.signIn(other), accountID: other.accountID)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (index, event) in events.enumerated() {
                    group.addTask { try await (index.isMultiple(of: 2) ? client : otherClient).submit(event).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses)")
        }
        let owner = fixture.database.makeClient()
        let rows = try await RowScope.$current.withValue(.everyProvince) {
            try await owner.query("""
                SELECT a.target, c.username FROM audit_log a JOIN accounts c ON c.id = a.account_id
                WHERE a.action = 'event.recorded' AND a.target = ANY(\(events.map(\.id.description)))
                """).decode((String, String).self)
        }
        let stored = try await RowScope.$current.withValue(.everyProvince) {
            try await owner.query("SELECT count(*) FROM events WHERE id = ANY(\(events.map(\.id)))").decode(Int.self)[0]
        }
        await owner.close()
        #expect(stored == 40 && rows.count == 40)
        let senders = Dictionary(uniqueKeysWithValues: rows)
        for (index, event) in events.enumerated() where index.isMultiple(of: 2) == false {
            #expect(senders[event.id.description] == other.name)
        }
        #expect(Set(senders.values).count == 2)
    }

    @Test func aBatchTakesAThousandEventsAndNoMore() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let thousand = (0..<1000).map { _ in make.register(ID(), in: fixture.villageA1) }
            let answer = try await client.post("/api/v1/events/batch", EventJSON.batch(thousand))
            #expect(answer.json["accepted"] as? Int == 1000, "\(answer.text.prefix(300))")
            let tooMany = try await client.post("/api/v1/events/batch", EventJSON.batch(thousand + [make.register(ID(), in: fixture.villageA1)]))
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.fields == ["events"])
            let empty = try await client.post("/api/v1/events/batch", #"{"events": []}"#)
            #expect(empty.status == .badRequest)
            var pages = 0, seen = 0
            var cursor: String? = nil
            repeat {
                let page = try await client.get("/api/v1/households?limit=300" + (cursor.map { "&cursor=\($0)" } ?? ""))
                seen += page.items.count
                pages += 1
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil
            #expect(seen == 1000 && pages == 4)
        }
    }

    @Test func listsStayInsideTheSubtreeAndDates() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp(.live) { client in
            let teamA = ID<Team>(), teamB = ID<Team>()
            #expect(try await client.submit(make.establish(teamA, in: fixture.villageA1, issuer: fixture.communeA)).status == .created)
            #expect(try await client.submit(make.establish(teamB, in: fixture.villageB1, issuer: fixture.communeB, name: "Tổ CNSCĐ Khu phố 1")).status == .created)
            let training = make.event(fixture.communeB, on: "2025-09-05", .trainingHeld(TrainingHeld(
                trainingId: ID(), organiser: "Sở Khoa học và Công nghệ", topic: "VNeID mức độ 2", format: .onSite, attendeeIds: [])))
            #expect(try await client.submit(training).status == .created)
            let campaign = make.event(fixture.provinceB, on: "2025-10-01", .campaignLaunched(CampaignLaunched(
                campaignId: ID(), name: "Đi từng ngõ, gõ từng nhà", startsOn: CalendarDate("2025-10-01")!, endsOn: CalendarDate("2025-10-10")!,
                targetSkills: [.onlinePayment], targets: [CampaignTarget(metric: .householdsVisited, value: 5000)])))
            #expect(try await client.submit(campaign).status == .created)

            #expect(try await client.get("/api/v1/teams?under=\(fixture.provinceA)").items.map { $0["id"] as? String } == [teamA.description])
            #expect(try await client.get("/api/v1/teams?under=\(fixture.provinceB)").items.map { $0["id"] as? String } == [teamB.description])
            #expect(try await client.get("/api/v1/events?under=\(fixture.provinceA)").items.count == 1)
            #expect(try await client.get("/api/v1/events?under=\(fixture.provinceB)").items.count == 3)
            #expect(try await client.get("/api/v1/events?under=\(fixture.provinceB)&from=2025-09-06").items.count == 1)
            #expect(try await client.get("/api/v1/trainings?under=\(fixture.provinceA)").items.isEmpty)
            #expect(try await client.get("/api/v1/trainings?under=\(fixture.villageB1)").items.isEmpty)
            #expect(try await client.get("/api/v1/trainings?under=\(fixture.provinceB)&from=2025-09-01&until=2025-09-30").items.count == 1)
            // A campaign over a province concerns each of its communes, and only them.
            #expect(try await client.get("/api/v1/campaigns?under=\(fixture.communeB)&activeOn=2025-10-05").items.count == 1)
            #expect(try await client.get("/api/v1/campaigns?under=\(fixture.communeB)&activeOn=2025-10-11").items.isEmpty)
            #expect(try await client.get("/api/v1/campaigns?under=\(fixture.communeA)").items.isEmpty)

            let badQuery = try await client.get("/api/v1/teams?activeOn=2025-13-01&limit=0&under=x")
            #expect(badQuery.status == .badRequest)
            #expect(Set(badQuery.fields) == ["activeOn", "limit", "under"])
            let unsupported = try await client.get("/api/v1/households?activeOn=2025-01-01&from=2025-01-01")
            #expect(Set(unsupported.fields) == ["activeOn", "from"])
            #expect(unsupported.rules.first == "is not a filter of this list")
            let forged = PageCursor(parts: ["zz'; --", "x"]).token
            #expect(try await client.get("/api/v1/teams?cursor=\(forged)").fields == ["cursor"])
            let lastPage = try await client.get("/api/v1/teams")
            #expect(lastPage.json["nextCursor"] is NSNull)
            #expect(try await client.get("/api/v1/teams/\(UUID())").status == .notFound)
            #expect(try await client.get("/api/v1/teams/nope").status == .badRequest)
        }
    }

    @Test func teamsMergeAndDissolveWithTheirMembers() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let one = ID<Team>(), two = ID<Team>(), lan = ID<Member>(), minh = ID<Member>()
            #expect(try await client.submit(make.establish(one, in: fixture.villageA1, issuer: fixture.communeA)).status == .created)
            #expect(try await client.submit(make.establish(two, in: fixture.villageA2, issuer: fixture.communeA, name: "Tổ CNSCĐ Tổ dân phố 2")).status == .created)
            #expect(try await client.submit(make.join(lan, one, in: fixture.villageA1, as: .head)).status == .created)
            #expect(try await client.submit(make.join(minh, two, in: fixture.villageA2, as: .head, name: "Phạm Văn Minh")).status == .created)
            let merged = make.event(fixture.villageA1, on: "2025-12-01", .teamMerged(TeamMerged(teamIds: [two], intoTeamId: one)))
            #expect(try await client.submit(merged).status == .created)
            let team = try await client.get("/api/v1/teams/\(two)").json
            #expect(team["ending"] as? String == "merged" && team["mergedInto"] as? String == one.description && team["endedOn"] as? String == "2025-12-01")
            let roster = try await client.get("/api/v1/teams/\(one)/memberships?activeOn=2025-12-02")
            #expect(Set(roster.items.map { "\($0["memberId"]!) \($0["role"]!)" }) == ["\(lan) head", "\(minh) member"])
            #expect(try await client.get("/api/v1/teams?activeOn=2025-12-02").items.count == 1)
            let dissolved = make.event(fixture.villageA1, on: "2026-01-01", .teamDissolved(TeamDissolved(teamId: one, reason: "Sáp nhập tổ dân phố")))
            #expect(try await client.submit(dissolved).status == .created)
            #expect(try await client.get("/api/v1/teams/\(one)/memberships?activeOn=2026-01-02").items.isEmpty)
            // A new team may be set up for the village once the old one is gone.
            #expect(try await client.submit(make.establish(ID(), in: fixture.villageA1, issuer: fixture.communeA, on: "2026-02-01")).status == .created)
        }
    }

    @Test func theEventLogIsAppendOnly() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client throws in
            #expect(try await client.submit(make.register(ID(), in: fixture.villageA1)).status == .created)
        }
        let db = fixture.database.makeClient()
        await #expect(throws: PostgresError.self) { try await db.execute("UPDATE events SET version = 2") }
        await #expect(throws: PostgresError.self) { try await db.execute("DELETE FROM events") }
        #expect(try await db.query("SELECT count(*) FROM events").decode(Int.self) == [1])
        await db.close()
    }
}
