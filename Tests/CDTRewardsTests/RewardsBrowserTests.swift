import CDTModuleKit
import CDTTesting
import Foundation
import HummingbirdTesting
import Testing
@testable import CDTRewards

/// The pages in a real browser (headless Chromium) against the server on a real socket: a reviewer signs
/// in through the form and reads their queue and a nomination, with no script of ours.
@Suite struct RewardsBrowserTests {
    @Test func aReviewerSignsInAndReadsTheQueueAndANomination() async throws {
        let browser = try HeadlessBrowser.find()
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let id = try await s.nominate(s.first.team, round: round)
        try await harness.withClient(as: RewardsScenario.officer(units), transport: .live) { reviewer in
            try await harness.grant(moduleRole: "rewards.reviewer", to: reviewer.accountID!, at: units.communeA)
            let origin = "http://127.0.0.1:\(reviewer.port!)"
            let queue = try await browser.signInAndOpen(origin: origin, fields: reviewer.login!, next: "/api/v1/modules/rewards/pages/rounds/\(round)")
            #expect(queue.contains("Hồ sơ chờ tôi xét <small lang=\"en\">My review queue</small> (1)"))
            #expect(queue.contains("href=\"/api/v1/modules/rewards/pages/nominations/\(id)\">Tổ Công nghệ số cộng đồng</a>"))
            let page = try await browser.signInAndOpen(origin: origin, fields: reviewer.login!, next: "/api/v1/modules/rewards/pages/nominations/\(id)")
            #expect(page.contains("<h2 id=\"nominee\">Tổ Công nghệ số cộng đồng</h2>"))
            #expect(page.contains("data-frozen=\"householdsVisited\">1</td>"))
            #expect(page.contains("id=\"form-endorse\""))
        }
        await harness.close()
    }
}
