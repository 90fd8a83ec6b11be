import CDTModuleKit
import CDTTesting
import Foundation
@testable import CDTRewards

/// The module's own events for tests, as the routes would record them: a round in a province and
/// nominations at each stage, so a test can start from any point of the review.
struct RewardsFixture {
    let events: TestEvents
    let province: ID<AdministrativeUnit>
    let commune: ID<AdministrativeUnit>
    let round = ID<DomainEvent>()
    var minute = 100

    init(_ events: TestEvents, province: ID<AdministrativeUnit>, commune: ID<AdministrativeUnit>) {
        (self.events, self.province, self.commune) = (events, province, commune)
    }

    var at: Date { TestEvents.start.addingTimeInterval(TimeInterval(minute * 60)) }

    static let categories = RoundDefaults.categories

    mutating func opened(chain: [String] = ["commune", "province"], quota: Int = 3) throws -> DomainEvent {
        minute += 1
        return try RewardsModule.roundOpened.event(id: round, in: province, by: events.author, at: at, RoundOpened(
            titleVi: "Tập thể, cá nhân tiêu biểu chuyển đổi số cộng đồng 2025", titleEn: "Exemplary community digital teams 2025",
            periodFrom: CalendarDate("2025-07-01")!, periodUntil: CalendarDate("2026-06-30")!, categories: Self.categories,
            quotas: Self.categories.flatMap { c in chain.map { Quota(category: c.key, level: $0, limit: quota) } }, deadlines: [], chain: chain))
    }

    /// A national round opened in `provinces` (one event each, the first's id the round's), chain commune →
    /// province → nation unless `chains` gives each province's.
    mutating func openedNationally(in provinces: [ID<AdministrativeUnit>], quota: Int = 3, chains: [[String]]? = nil) throws -> [DomainEvent] {
        minute += 1
        return try provinces.enumerated().map { index, province in
            let chain = chains?[index] ?? ["commune", "province", "nation"]
            return try RewardsModule.roundOpened.event(id: index == 0 ? round : ID(), in: province, by: events.author, at: at, RoundOpened(
                titleVi: "Tập thể tiêu biểu chuyển đổi số cộng đồng toàn quốc 2025", titleEn: "National exemplary community digital teams 2025",
                periodFrom: CalendarDate("2025-07-01")!, periodUntil: CalendarDate("2026-06-30")!, categories: Self.categories,
                quotas: Self.categories.flatMap { c in chain.map { Quota(category: c.key, level: $0, limit: quota) } }, deadlines: [], chain: chain,
                scope: "nation", roundId: round))
        }
    }

    /// A nomination of `team` drafted and taken through `steps` (`submit`, `endorse`, `approve`…).
    /// `village` is the team's unit, where the nomination's events are recorded.
    mutating func nomination(of team: ID<Team>, in village: ID<AdministrativeUnit>, named name: String = "Tổ Công nghệ số cộng đồng",
                             steps: [ReviewAction] = [], chain: [ID<AdministrativeUnit>], levels: Int? = nil) throws -> (id: ID<DomainEvent>, events: [DomainEvent]) {
        // The round's chain may be longer than the units reviewing (a national round's nation level has none).
        let depth = levels ?? chain.count
        minute += 1
        let id = ID<DomainEvent>()
        var made = [try RewardsModule.nominationDrafted.event(id: id, in: village, by: events.author, at: at, NominationDrafted(
            roundId: round, category: "exemplaryTeam", subjectKind: "team", subjectId: ID(rawValue: team.rawValue), subjectName: name, subjectRole: nil,
            teamId: team, teamName: name, reviewUnits: chain, citation: "Đã hướng dẫn hàng trăm hộ cài VNeID."))]
        var level = 0
        for step in steps {
            minute += 1
            switch step {
            case .submit:
                made.append(try RewardsModule.nominationSubmitted.event(in: village, by: events.author, at: at, NominationSubmitted(
                    nominationId: id, evidence: [EvidenceFigure(key: "householdsVisited", labelVi: "Hộ đã đến hướng dẫn", labelEn: "Households visited", value: 1)])))
                level = 0
            case .endorse:
                let next = level + 1 < depth ? level + 1 : nil
                made.append(try RewardsModule.nominationEndorsed.event(in: village, by: events.author, at: at,
                                                                       NominationStep(nominationId: id, fromLevel: level, toLevel: next, note: "Đồng ý")))
                level += 1
            case .approve:
                made.append(try RewardsModule.nominationApproved.event(in: village, by: events.author, at: at, NominationStep(nominationId: id, note: "")))
            default:
                preconditionFailure("not a fixture step: \(step)")
            }
        }
        return (id, made)
    }
}
