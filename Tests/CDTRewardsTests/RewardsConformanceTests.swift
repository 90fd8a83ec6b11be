import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTRewards

@Suite struct RewardsConformanceTests {
    /// Every rule a module must keep, with a sample request for each of the module's changing routes,
    /// each starting from a nomination at the stage the step needs.
    @Test func conformance() async throws {
        try await ModuleConformance.check(RewardsModule()) { units, events in
            Samples.events(units, events)
        } sampleMutations: { harness, events in
            let units = harness.units
            let work = Samples.work(events)
            let n = Samples.nominations(events)
            return [
                ModuleSampleRequest(.post, "rounds", body: """
                    {"provinceId": "\(units.provinceB)", "titleVi": "Đợt 2", "titleEn": "Round 2", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30"}
                    """),
                ModuleSampleRequest(.post, "rounds", body: """
                    {"scope": "nation", "titleVi": "Đợt toàn quốc", "titleEn": "National round", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30"}
                    """),
                ModuleSampleRequest(.post, "nominations", body: """
                    {"roundId": "\(Samples.round(events))", "category": "exemplaryMember", "subjectId": "\(work.member)", "citation": "Tận tuỵ"}
                    """),
                ModuleSampleRequest(.post, "nominations/\(n[0])/submit", body: "{}"),
                ModuleSampleRequest(.post, "nominations/\(n[1])/endorse", body: #"{"note": "Đồng ý"}"#),
                ModuleSampleRequest(.post, "nominations/\(n[2])/return", body: #"{"reason": "Bổ sung minh chứng"}"#),
                ModuleSampleRequest(.post, "nominations/\(n[3])/reject", body: #"{"reason": "Chưa đủ tiêu chuẩn"}"#),
                ModuleSampleRequest(.post, "nominations/\(n[4])/approve", body: "{}"),
                ModuleSampleRequest(.post, "nominations/\(n[5])/award", body: """
                    {"decisionNumber": "125/QĐ-UBND", "decisionDate": "2026-11-15", "signer": "Chủ tịch UBND", "awardTitle": "Bằng khen"}
                    """),
                ModuleSampleRequest(.post, "nominations/\(n[6])/withdraw", body: "{}"),
                // The pages' forms, on the second set of nominations.
                ModuleSampleRequest.form("pages/nominations/\(n[7])/submit", []),
                ModuleSampleRequest.form("pages/nominations/\(n[8])/endorse", [("note", "Đồng ý")]),
                ModuleSampleRequest.form("pages/nominations/\(n[9])/return", [("reason", "Bổ sung minh chứng")]),
                ModuleSampleRequest.form("pages/nominations/\(n[10])/reject", [("reason", "Chưa đủ tiêu chuẩn")]),
                ModuleSampleRequest.form("pages/nominations/\(n[11])/approve", []),
                ModuleSampleRequest.form("pages/nominations/\(n[12])/award", [
                    ("decisionNumber", "126/QĐ-UBND"), ("decisionDate", "2026-11-15"), ("signer", "Chủ tịch UBND"), ("awardTitle", "Bằng khen"),
                ]),
                ModuleSampleRequest.form("pages/nominations/\(n[13])/withdraw", []),
                ModuleSampleRequest.form("pages/rounds/\(Samples.round(events))/nominate", [
                    ("subjectId", Samples.practice(events).description), ("category", "innovativeModel"), ("citation", "Mô hình chợ số"),
                ]),
                ModuleSampleRequest(.post, "rounds/\(Samples.round(events))/close", body: "{}"),
            ]
        }
    }
}

/// The conformance check's sample events: a visit in province B, a round there, and twice seven
/// nominations (for the API and for the pages' forms) at the stages the sample requests need (two drafts, three under review, one awaiting the decision,
/// one approved); then a national round in both provinces with a nomination of B's under review at the nation and one approved nationally.
enum Samples {
    static func events(_ units: TestUnits, _ events: TestEvents) -> [DomainEvent] {
        let work = events.visit(in: units.villageB1, commune: units.communeB)
        var fixture = RewardsFixture(events, province: units.provinceB, commune: units.communeB)
        let chain = [units.communeB, units.provinceB]
        var all = work.events + [try! fixture.opened(quota: 20)]
        let stages: [[ReviewAction]] = [[], [.submit], [.submit], [.submit], [.submit, .endorse, .endorse], [.submit, .endorse, .endorse, .approve], []]
        for steps in stages + stages { all += try! fixture.nomination(of: work.team, in: units.villageB1, steps: steps, chain: chain).events }
        var national = RewardsFixture(events, province: units.provinceB, commune: units.communeB)
        national.minute = 400
        all += try! national.openedNationally(in: [units.provinceA, units.provinceB])
        for steps: [ReviewAction] in [[.submit, .endorse, .endorse], [.submit, .endorse, .endorse, .endorse, .approve]] {
            all += try! national.nomination(of: work.team, in: units.villageB1, steps: steps, chain: chain, levels: 3).events
        }
        return all + [events.shared(in: units.villageB1, title: "Chợ 4.0 ở Khu phố 1", minute: 500)]
    }

    static func work(_ events: [DomainEvent]) -> (team: UUID, member: UUID) {
        guard case .memberJoined(let joined) = events[1].payload else { preconditionFailure("the second sample event is member.joined") }
        return (joined.teamId.rawValue, joined.memberId.rawValue)
    }

    static func round(_ events: [DomainEvent]) -> ID<DomainEvent> { events[4].id }

    /// The practice shared last, for the page's nominate form.
    static func practice(_ events: [DomainEvent]) -> ID<DomainEvent> { events[events.count - 1].id }

    static func nominations(_ events: [DomainEvent]) -> [ID<DomainEvent>] {
        events.filter { (try? RewardsModule.nominationDrafted.payload(of: $0)) != nil }.map(\.id)
    }
}
