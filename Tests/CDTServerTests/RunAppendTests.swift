import CDTDomain
import CDTPostgres
import CDTTesting
import Foundation
import Testing

/// A run of visits, surveys and module events appended as the whole transaction (a batch of visits, a shared
/// commit of single visits): its checks, claims, log rows and audit lines in a few statements, and the
/// outcomes each event would get alone.
@Suite struct RunAppendTests {
    /// An event of a module, whose version only its module checks (the log stores it as an `integer`).
    static func practice(in unit: ID<AdministrativeUnit>, version: Int = 1) -> DomainEvent {
        let make = EventFactory()
        return DomainEvent(id: ID(), unitID: unit, authorID: make.author, occurredAt: make.on("2025-08-10"), version: version,
                           payload: .module(ModuleEventPayload(type: EventType(rawValue: "good-practices.practice_shared")!,
                                                               json: .object(["title": .string("Zalo"), "summary": .string("Nhóm")]))))
    }

    /// When the database refuses a statement of a run that is the whole transaction, the transaction is rolled
    /// back and the events appended again one at a time: only the event it refused is rejected, and nothing of
    /// it is left (no claimed id, no audit line).
    @Test func aRunTheDatabaseRefusesIsAppendedAgainOneAtATimeLeavingNothingOfTheRefusedEvent() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let refused = Self.practice(in: fixture.villageA1, version: 3_000_000_000)  // out of an integer's range
        let run = [Self.practice(in: fixture.villageA1), refused, Self.practice(in: fixture.villageA1)]
        let recorder = AuditEntry(accountID: nil, clientAddress: "192.0.2.7", action: "event.recorded")
        let (outcomes, ids, audited) = try await RowScope.$current.withValue(.everyProvince) {
            let outcomes = try await PostgresEventLog(client: owner, now: { WorkFixture.now }).append(run, recordedBy: recorder)
            let ids = try await owner.query("SELECT id FROM event_ids WHERE id = ANY(\(run.map(\.id)))").decode(ID<DomainEvent>.self)
            // Each line says where: the event's province and its unit's path, as the audit log's readers filter by them.
            let audited = try await owner.query("""
                SELECT a.target FROM audit_log a JOIN administrative_units u ON u.id = \(fixture.villageA1)
                WHERE a.action = 'event.recorded' AND a.target = ANY(\(run.map(\.id.description)))
                  AND a.province_id = \(fixture.provinceA) AND a.unit_path = u.path AND a.client_address = '192.0.2.7'
                  AND a.details = '{"type": "good-practices.practice_shared"}'::jsonb
                """).decode(String.self)
            return (outcomes, ids, audited)
        }
        await owner.close()
        #expect(outcomes.map(\.label) == ["accepted", "rejected", "accepted"], "\(outcomes)")
        #expect(Set(ids) == [run[0].id, run[2].id])
        #expect(Set(audited) == [run[0].id.description, run[2].id.description] && audited.count == 2)
    }

    /// An id stored already in a province the caller cannot see makes a conflict even of an event the checks
    /// refuse (as one at a time: the id is claimed before the rules that need stored data are answered), and the
    /// refused event's own id is not left claimed.
    @Test func anIdStoredOutOfSightIsAConflictEvenWhenARuleIsBroken() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let owner = fixture.database.makeClient()
        let elsewhere = make.register(ID(), in: fixture.villageB1)
        let stored = try await RowScope.$current.withValue(.everyProvince) {
            try await PostgresEventLog(client: owner, now: { WorkFixture.now }).append([elsewhere])
        }
        #expect(stored.map(\.label) == ["accepted"])
        let nowhere = ID<Household>()  // no such household: a visit of it breaks a rule
        let reused = make.visit(nowhere, in: fixture.villageA1, by: [ID()])
        let reusing = DomainEvent(id: elsewhere.id, unitID: reused.unitID, authorID: reused.authorID, occurredAt: reused.occurredAt,
                                  payload: reused.payload)
        let plain = make.visit(nowhere, in: fixture.villageA1, by: [ID()])
        let app = fixture.database.makeApplicationClient()
        let outcomes = try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            try await PostgresEventLog(client: app, now: { WorkFixture.now }).append([reusing, plain])
        }
        await app.close()
        #expect(outcomes.map(\.label) == ["conflict", "rejected"], "\(outcomes)")
        let claimed = try await RowScope.$current.withValue(.everyProvince) {
            try await owner.query("SELECT count(*) FROM event_ids WHERE id = \(plain.id)").decode(Int.self)[0]
        }
        await owner.close()
        #expect(claimed == 0)
    }

    /// An id another transaction claims after the run's facts were read (so the checks let the event through):
    /// the run's claim waits for that transaction, finds the id taken when it commits, and the event gets the
    /// outcome of the one stored then (here the same event: a duplicate) without a second log row or an audit
    /// line; the rest of the run is stored. (The write returns only the ids it could not claim.)
    @Test func anIdClaimedWhileTheRunIsCheckedGetsTheOutcomeOfTheEventStoredThen() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let owner = fixture.database.makeClient()
        let log = PostgresEventLog(client: owner, now: { WorkFixture.now })
        let team = ID<Team>(), lan = ID<Member>(), household = ID<Household>()
        let visit = make.visit(household, in: fixture.villageA1, by: [lan], on: "2025-08-09")
        let fresh = make.visit(household, in: fixture.villageA1, by: [lan], on: "2025-08-10")
        guard case .householdVisited(let body) = visit.payload else { Issue.record("not a visit"); return }
        let holder = fixture.database.makeClient(maximumConnections: 1), watcher = fixture.database.makeClient(maximumConnections: 1)
        let recorder = AuditEntry(accountID: nil, clientAddress: "192.0.2.8", action: "event.recorded")
        let outcomes = try await RowScope.$current.withValue(.everyProvince) {
            let setUp = try await log.append([make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),
                                              make.join(lan, team, in: fixture.villageA1, as: .head), make.register(household, in: fixture.villageA1)])
            #expect(setUp.map(\.label) == ["accepted", "accepted", "accepted"])
            var appending: Task<[AppendOutcome], any Error>?
            try await holder.withTransaction { tx in
                try await tx.execute("INSERT INTO event_ids (id, province_id) VALUES (\(visit.id), \(fixture.provinceA))")
                try await tx.execute("""
                    INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
                    VALUES (\(visit.id), \(fixture.provinceA), \(visit.unitID), 'household.visited', 1, \(visit.authorID), \(visit.occurredAt),
                            now(), \(EventJSONWriter.json(body))::jsonb)
                    """)
                appending = Task { try await log.append([fresh, visit], recordedBy: recorder) }
                var waiting = false
                for _ in 0..<400 where !waiting {
                    waiting = try await watcher.query("""
                        SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO event_ids%'
                        """).decode(Int.self)[0] > 0
                    if !waiting { try await Task.sleep(for: .milliseconds(25)) }
                }
                #expect(waiting, "the run's claim waits for the transaction holding the id")
            }
            return try await appending!.value
        }
        let (rows, audited) = try await RowScope.$current.withValue(.everyProvince) {
            (try await owner.query("SELECT count(*) FROM events WHERE id = ANY(\([visit.id, fresh.id]))").decode(Int.self)[0],
             try await owner.query("SELECT target FROM audit_log WHERE client_address = '192.0.2.8'").decode(String.self))
        }
        await holder.close()
        await watcher.close()
        await owner.close()
        #expect(outcomes.map(\.label) == ["accepted", "duplicate"], "\(outcomes)")
        #expect(rows == 2 && audited == [fresh.id.description])
    }

    /// The facts' read is planned once for a connection, whatever ids each run names: PostgreSQL would plan it
    /// anew for every short run (a shared commit of a few single visits), which took longer than the read.
    @Test func theFactsOfEveryRunAreReadWithOnePlan() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let owner = fixture.database.makeClient(maximumConnections: 1)
        let log = PostgresEventLog(client: owner, now: { WorkFixture.now })
        let team = ID<Team>(), lan = ID<Member>(), household = ID<Household>()
        let (outcomes, plans) = try await RowScope.$current.withValue(.everyProvince) {
            var outcomes = try await log.append([make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),
                                                 make.join(lan, team, in: fixture.villageA1, as: .head),
                                                 make.register(household, in: fixture.villageA1)])
            for day in 1...8 {
                outcomes += try await log.append([make.visit(household, in: fixture.villageA1, by: [lan], on: "2025-08-0\(day)")])
            }
            let plans = try await owner.query("""
                SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements
                WHERE statement LIKE '%FROM event_ids WHERE id = ANY(%' AND statement LIKE '%FROM memberships s JOIN teams t%'
                """).decode((Int, Int).self)
            return (outcomes, plans)
        }
        await owner.close()
        #expect(outcomes.map(\.label) == Array(repeating: "accepted", count: 11), "\(outcomes)")
        #expect(plans.count == 1)
        #expect(plans.first?.1 == 0, "no run's read was planned for its own ids")
        #expect((plans.first?.0 ?? 0) >= 7, "prepared on the second run, the same plan for every run after")
    }

    /// The stored facts a run is checked against come from one statement; each event still gets its own answer
    /// from them: units, households, members, and resends compared with what is stored.
    @Test func aRunIsCheckedAgainstItsUnitsHouseholdsMembersAndEarlierIds() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let owner = fixture.database.makeClient()
        let log = PostgresEventLog(client: owner, now: { WorkFixture.now })
        let team = ID<Team>(), lan = ID<Member>(), household = ID<Household>(), elsewhere = ID<Household>()
        let (setUp, first, outcomes) = try await RowScope.$current.withValue(.everyProvince) {
            let setUp = try await log.append([make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),
                                              make.join(lan, team, in: fixture.villageA1, as: .head),
                                              make.register(household, in: fixture.villageA1), make.register(elsewhere, in: fixture.villageB1)])
            let sent = make.visit(household, in: fixture.villageA1, by: [lan], on: "2025-08-09")
            let other = make.visit(household, in: fixture.villageA1, by: [lan], on: "2025-08-08")
            let first = try await log.append([sent, other])
            var changed = make.visit(household, in: fixture.villageA1, by: [lan], on: "2025-08-11")
            changed = DomainEvent(id: other.id, unitID: changed.unitID, authorID: changed.authorID, occurredAt: changed.occurredAt, payload: changed.payload)
            let run = [
                make.visit(household, in: fixture.villageA1, by: [lan]),                  // accepted
                sent,                                                                     // duplicate
                changed,                                                                  // conflict: same id, another body
                make.visit(elsewhere, in: fixture.villageA1, by: [lan]),                  // rejected: household of another province
                make.visit(household, in: fixture.villageA1, by: [lan, ID()]),            // rejected: no such member
                DomainEvent(id: ID(), unitID: ID(), authorID: make.author, occurredAt: make.on("2025-08-10"), payload: sent.payload),  // rejected: no unit
            ]
            return (setUp, first, try await log.append(run))
        }
        await owner.close()
        #expect(setUp.map(\.label) == ["accepted", "accepted", "accepted", "accepted"] && first.map(\.label) == ["accepted", "accepted"])
        #expect(outcomes.map(\.label) == ["accepted", "duplicate", "conflict", "rejected", "rejected", "rejected"], "\(outcomes)")
        guard outcomes.count == 6, case .rejected(let household) = outcomes[3], case .rejected(let member) = outcomes[4],
              case .rejected(let unit) = outcomes[5] else { return }
        #expect(household.violations.map(\.field) == ["payload.householdId"] && member.violations.map(\.field) == ["payload.memberIds[1]"]
                && unit.violations.map(\.field) == ["unitId"])
    }
}

extension AppendOutcome {
    /// The outcome's name, for comparing lists of outcomes.
    var label: String {
        switch self {
        case .accepted: "accepted"
        case .duplicate: "duplicate"
        case .conflict: "conflict"
        case .rejected: "rejected"
        case .forbidden: "forbidden"
        }
    }
}
