import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Synchronization
@testable import CDTRewards

/// Province A with work in three villages (two communes), province B with one; rewards enabled in both.
struct RewardsScenario {
    let harness: ModuleTestHarness
    let units: TestUnits
    /// Tổ dân phố 1 (commune A): its team, head and household.
    let first: TestWork
    /// Tổ dân phố 2 (commune A).
    let second: TestWork
    /// Tổ dân phố 3 (commune A2).
    let other: TestWork
    /// Khu phố 1 (province B).
    let elsewhere: TestWork
    /// The head of the first team's phone, as the visit's `member.joined` gave it.
    static let firstPhone = "+84 912 345 678"

    /// With `beside`, other modules installed too (not enabled).
    static func make(beside others: [any FeatureModule] = []) async throws -> RewardsScenario {
        let harness = try await ModuleTestHarness.make(others + [RewardsModule()], units: TestUnits(secondCommunes: true))
        let units = harness.units
        try await harness.enable("rewards", in: units.provinceA)
        try await harness.enable("rewards", in: units.provinceB)
        let events = harness.events
        let first = events.visit(in: units.villageA1, commune: units.communeA)
        let second = events.visit(in: units.villageA2, commune: units.communeA, minute: 10)
        let other = events.visit(in: units.villageA3, commune: units.communeA2, minute: 20)
        let elsewhere = events.visit(in: units.villageB1, commune: units.communeB, minute: 30)
        for work in [first, second, other, elsewhere] { try await harness.append(work.events) }
        return RewardsScenario(harness: harness, units: units, first: first, second: second, other: other, elsewhere: elsewhere)
    }

    /// More households of `work`'s village registered and visited by its member, `minute` on.
    func moreVisits(_ work: TestWork, in village: ID<AdministrativeUnit>, count: Int, minute: Int) async throws {
        var made: [DomainEvent] = []
        for index in 0..<count {
            let household = ID<Household>()
            made.append(harness.events.event(village, minute: minute + 2 * index, .householdRegistered(HouseholdDetails(
                householdId: household, label: "Nhà \(index)", size: 3, residents: [ResidentCount(ageBand: .working, count: 3, withSmartphone: 2)]))))
            made.append(harness.events.event(village, minute: minute + 2 * index + 1, .householdVisited(HouseholdVisited(
                householdId: household, memberIds: [work.member], skills: SkillOutcomes(onlinePayment: .mastered, cyberSafety: .mastered),
                services: ServiceOutcomes(vneidActivated: .guided)))))
        }
        try await harness.append(made)
    }

    static func provinceAdmin(_ units: TestUnits) -> [RoleAssignment] { [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)] }
    static func officer(_ units: TestUnits) -> [RoleAssignment] { [RoleAssignment(role: .communeOfficer, unitID: units.communeA)] }

    /// Opens a round in province A as its administrator: one team per commune may pass, five per province.
    func openRound(until: String = "2026-06-30") async throws -> String {
        let id = Mutex("")
        try await harness.withClient(as: Self.provinceAdmin(units)) { admin in
            let answer = try await admin.post("/api/v1/modules/rewards/rounds", """
                {"provinceId": "\(units.provinceA)", "titleVi": "Tập thể tiêu biểu chuyển đổi số cộng đồng năm 2025",
                 "titleEn": "Exemplary community digital teams 2025", "periodFrom": "2025-07-01", "periodUntil": "\(until)",
                 "quotas": [{"category": "exemplaryTeam", "level": "commune", "limit": 1}, {"category": "exemplaryTeam", "level": "province", "limit": 5}],
                 "deadlines": [{"level": "commune", "date": "2026-12-15"}, {"level": "province", "date": "2026-12-31"}]}
                """)
            RewardsRoundTests.log("open the round", answer)
            guard answer.status == .created, let round = answer.json["id"] as? String else { throw TestHarnessError("round not opened: \(answer.text)") }
            id.withLock { $0 = round }
        }
        return id.withLock { $0 }
    }

    /// Drafts and submits a nomination of `team` as commune A's officer; its id.
    func nominate(_ team: ID<Team>, round: String) async throws -> String {
        let id = Mutex("")
        try await harness.withClient(as: Self.officer(units)) { officer in
            let drafted = try await officer.post("/api/v1/modules/rewards/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(team)", "citation": "Hướng dẫn người dân cài VNeID, thanh toán số."}
                """)
            RewardsRoundTests.log("draft", drafted)
            guard drafted.status == .created, let nomination = drafted.json["id"] as? String else { throw TestHarnessError("not drafted: \(drafted.text)") }
            let submitted = try await officer.post("/api/v1/modules/rewards/nominations/\(nomination)/submit", "{}")
            RewardsRoundTests.log("submit", submitted)
            guard submitted.status == .ok else { throw TestHarnessError("not submitted: \(submitted.text)") }
            id.withLock { $0 = nomination }
        }
        return id.withLock { $0 }
    }

    /// A new account holding `roles` and the module role `moduleRole` at `unit`, running `body`.
    func withReviewer(_ roles: [RoleAssignment], _ moduleRole: String, at unit: ID<AdministrativeUnit>, phone: String? = nil,
                      _ body: @Sendable @escaping (ModuleTestClient) async throws -> Void) async throws {
        try await harness.withClient(as: roles, phone: phone) { client in
            try await harness.grant(moduleRole: moduleRole, to: client.accountID!, at: unit)
            try await body(client)
        }
    }
}
