import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTRewards

/// The pages as a browser gets them: the session cookie, the form token, no script.
@Suite struct RewardsPageTests {
    let base = "/api/v1/modules/rewards"

    @Test func theQueueANominationAndAStepTakenFromTheForm() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let id = try await s.nominate(s.first.team, round: round)
        _ = try await s.nominate(s.second.team, round: round)
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { reviewer in
            let rounds = try await reviewer.openPage("\(base)/pages/rounds")
            #expect(rounds.status == .ok && rounds.text.contains("Tập thể tiêu biểu chuyển đổi số cộng đồng năm 2025"))
            #expect(rounds.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true && !rounds.text.contains("<script"))

            // The queue at the commune, with the count against the quota of one team per commune.
            let queue = try await reviewer.openPage("\(base)/pages/rounds/\(round)")
            RewardsRoundTests.log("queue page", queue)
            #expect(queue.status == .ok && queue.text.contains("Hồ sơ chờ tôi xét <small lang=\"en\">My review queue</small> (2)"))
            #expect(queue.text.contains("data-quota=\"exemplaryTeam\">0 / 1</td>"))
            // The overview: two team nominations under review (none in draft).
            #expect(queue.text.contains("<tr><td>Tập thể tiêu biểu</td><td class=\"n\">0</td><td class=\"n\">2</td>"))

            // The nomination: who, the frozen evidence beside today's, the forms with the token and version.
            let page = try await reviewer.openPage("\(base)/pages/nominations/\(id)")
            #expect(page.text.contains("<h2 id=\"nominee\">Tổ Công nghệ số cộng đồng</h2>"))
            #expect(page.text.contains("data-frozen=\"householdsVisited\">1</td>") && page.text.contains("data-live=\"householdsVisited\">1</td>"))
            #expect(page.text.contains("<input type=\"hidden\" name=\"csrf\" value=\"") && page.text.contains("name=\"version\" value=\"2\""))
            #expect(page.text.contains("id=\"form-endorse\"") && page.text.contains("id=\"form-return\"") && !page.text.contains("id=\"form-award\""))
            #expect(!page.text.contains("912345678") && !page.text.contains("912 345 678"), "no phone number on the page")

            // A form from another site, or without the token, is refused.
            let forged = try await reviewer.submitForm("\(base)/pages/nominations/\(id)/endorse", [("csrf", "not-the-token")])
            RewardsRoundTests.log("form post with a wrong token", forged)
            #expect(forged.status == .forbidden)
            let crossSite = try await reviewer.submitForm("\(base)/pages/nominations/\(id)/endorse", [], site: "cross-site")
            #expect(crossSite.status == .forbidden)

            // A return without a reason: the page again, the message beside the field.
            let noReason = try await reviewer.submitForm("\(base)/pages/nominations/\(id)/return", [("version", "2")])
            RewardsRoundTests.log("return form without a reason", noReason)
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("id=\"return-error\""))

            // Endorsed from the form: back to the page, which shows it at the province.
            let endorsed = try await reviewer.submitForm("\(base)/pages/nominations/\(id)/endorse", [("version", "2"), ("note", "Xứng đáng")])
            RewardsRoundTests.log("endorse form", endorsed)
            #expect(endorsed.status == .seeOther && endorsed.headers[.location] == "\(base)/pages/nominations/\(id)")
            let after = try await reviewer.openPage("\(base)/pages/nominations/\(id)")
            #expect(after.text.contains("Đang xét <small lang=\"en\">Under review</small> · Cấp tỉnh"))
            #expect(!after.text.contains("id=\"form-endorse\""))
            // The same form posted again (an old page): 409, and the page says what happened.
            let again = try await reviewer.submitForm("\(base)/pages/nominations/\(id)/endorse", [("version", "2")])
            #expect(again.status == .conflict && again.text.contains("id=\"refusal\""))
            // The province shows only the metrics its setting names.
            #expect(after.text.contains("data-live=\"visits\""))
            try await harness.enable("rewards", in: units.provinceA, settings: ["evidenceMetrics": .array([.string("householdsVisited")])])
            let fewer = try await reviewer.openPage("\(base)/pages/nominations/\(id)")
            #expect(fewer.text.contains("data-live=\"householdsVisited\"") && !fewer.text.contains("data-live=\"visits\""))
        }
        await harness.close()
    }

    @Test func aCommuneNominatesFromTheRoundPage() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await s.moreVisits(s.second, in: units.villageA2, count: 2, minute: 60)
        try await harness.catchUp()
        let round = try await s.openRound()
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            // The commune's teams, the one with more households visited first, each with its form.
            let page = try await officer.openPage("\(base)/pages/rounds/\(round)")
            let second = try #require(page.text.range(of: "name=\"subjectId\" value=\"\(s.second.team)\""))
            let first = try #require(page.text.range(of: "name=\"subjectId\" value=\"\(s.first.team)\""))
            #expect(second.lowerBound < first.lowerBound)
            #expect(!page.text.contains(s.other.team.description), "not another commune's team")
            let blank = try await officer.submitForm("\(base)/pages/rounds/\(round)/nominate", [("subjectId", s.second.team.description), ("category", "exemplaryTeam")])
            RewardsRoundTests.log("nominate form without a citation", blank)
            #expect(blank.status == .unprocessableContent && blank.text.contains("id=\"nominate-error\""))
            let drafted = try await officer.submitForm("\(base)/pages/rounds/\(round)/nominate", [
                ("subjectId", s.second.team.description), ("category", "exemplaryTeam"), ("citation", "Đến 3 hộ trong tuần đầu"),
            ])
            RewardsRoundTests.log("nominate form", drafted)
            #expect(drafted.status == .seeOther)
            let location = try #require(drafted.headers[.location])
            let draft = try await officer.openPage(location)
            #expect(draft.text.contains("id=\"form-submit\"") && draft.text.contains("Bản nháp"))
        }
        await harness.close()
    }
}
