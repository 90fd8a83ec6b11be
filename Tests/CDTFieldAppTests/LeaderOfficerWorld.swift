import CDTDomain
import CDTPostgres
import CDTTesting
import Foundation
import HummingbirdTesting
import Testing

/// The commune the team leader's and the commune officer's screens are tried in (commune A of
/// ``TestUnits``): village A1 has a team (its head Trần Thị Lan and Phạm Văn Bình), and, when asked,
/// village A2 has one too (its head Hoàng Văn Xuân), outside a team leader of A1's village.
struct LeaderOfficerWorld {
    let harness: ModuleTestHarness
    var units: TestUnits { harness.units }
    /// Village A1's team, its head (Lan) and the four events that made them.
    let first: TestWork
    /// Phạm Văn Bình, a member of A1's team.
    let binh: ID<Member>
    /// Village A2's team and its head, when the world has them.
    let second: (team: ID<Team>, head: ID<Member>)?
    /// The team of village A3, in commune A2 of the same province, when the world has it.
    let otherCommuneTeam: ID<Team>?

    static let lan = "Trần Thị Lan", binhName = "Phạm Văn Bình", xuan = "Hoàng Văn Xuân"

    static func make(teamInSecondVillage: Bool, teamInOtherCommune: Bool = false) async throws -> LeaderOfficerWorld {
        // The machine's clock, as the browser's: the events it makes occur now.
        let harness = try await ModuleTestHarness.make([], units: TestUnits(secondCommunes: teamInOtherCommune), now: Date())
        let units = harness.units, events = harness.events
        let first = events.visit(in: units.villageA1, commune: units.communeA, phone: "0912000001")
        let binh = ID<Member>()
        var all = first.events + [events.event(units.villageA1, minute: 5, .memberJoined(MemberJoined(
            teamId: first.team, memberId: binh, role: .member,
            person: PersonDetails(name: binhName, phone: "0912000002", gender: .male, birthYear: 1988, affiliations: [.youthUnion]))))]
        var second: (team: ID<Team>, head: ID<Member>)?
        if teamInSecondVillage {
            let team = ID<Team>(), head = ID<Member>()
            all += [
                events.event(units.villageA2, minute: 20, .teamEstablished(TeamEstablished(
                    teamId: team, name: "Tổ CNS Tổ dân phố 2",
                    decision: EstablishmentDecision(number: "13/QĐ-UBND", date: CalendarDate("2025-08-01")!, signer: "Nguyễn Văn An",
                                                    issuingUnitID: units.communeA)))),
                events.event(units.villageA2, minute: 21, .memberJoined(MemberJoined(
                    teamId: team, memberId: head, role: .head,
                    person: PersonDetails(name: xuan, phone: "0912000003", gender: .male, birthYear: 1985, affiliations: [.police])))),
            ]
            second = (team, head)
        }
        var otherCommuneTeam: ID<Team>?
        if teamInOtherCommune {
            let work = events.visit(in: units.villageA3, commune: units.communeA2, minute: 40, phone: "0912000004")
            all += work.events
            otherCommuneTeam = work.team
        }
        try await harness.append(all)
        return LeaderOfficerWorld(harness: harness, first: first, binh: binh, second: second, otherCommuneTeam: otherCommuneTeam)
    }

    /// Runs `body` with the port of the app served on a real socket of 127.0.0.1 and the sign-in fields of
    /// a new account holding `roles`.
    func serve(as roles: [RoleAssignment], _ body: @Sendable (_ port: Int, _ login: [String: String]) async throws -> Void) async throws {
        try await harness.withClient(as: roles, transport: .live) { client in
            try await body(try #require(client.port), try #require(client.login))
        }
    }

    /// The events of `type` in the log, oldest first (``ModuleTestHarness/storedEvents(_:)``).
    func stored(_ type: String) async throws -> [StoredEvent] { try await harness.storedEvents(type) }

    /// The events of `type` once the app has sent `count` of them (waiting up to 20 s for its outbox).
    func waitForStored(_ type: String, count: Int = 1) async throws -> [StoredEvent] {
        for _ in 0..<100 {
            let found = try await stored(type)
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("no \(count) \(type) event(s) reached the log")
        return try await stored(type)
    }
}

/// The id as the API and the log write it (lower case).
func apiID<Entity>(_ id: ID<Entity>) -> String { id.rawValue.uuidString.lowercased() }
