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

    /// At a phone's width, a reviewer signs in, opens the nomination from their queue, writes a reason and
    /// returns it: the page shows it returned, and nothing is wider than the screen.
    @Test func aReviewerReturnsANominationFromAPhone() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let id = try await s.nominate(s.first.team, round: round)
        try await harness.withClient(as: RewardsScenario.officer(units), transport: .live) { reviewer in
            try await harness.grant(moduleRole: "rewards.reviewer", to: reviewer.accountID!, at: units.communeA)
            let port = try #require(reviewer.port), login = try #require(reviewer.login)
            let browser = try await BrowserSession.start(width: 360)
            do {
                try await browser.signIn(origin: "http://127.0.0.1:\(port)", login: login["login"]!, password: login["password"]!,
                                         next: "/api/v1/modules/rewards/pages/rounds/\(round)")
                #expect(try await browser.text(of: "#queue h2").contains("(1)"))
                try await browser.click("#queue a")
                #expect(try await browser.currentURL().hasSuffix("/api/v1/modules/rewards/pages/nominations/\(id)"))
                #expect(try await browser.text(of: "#nominee") == "Tổ Công nghệ số cộng đồng")
                let fits = try await browser.run("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool
                #expect(fits == true, "the page fits a 360 px screen")
                try await browser.type(into: "#return-reason", "Bổ sung ảnh hoạt động của tổ")
                try await browser.click("#form-return button")
                #expect(try await browser.currentURL().hasSuffix("/api/v1/modules/rewards/pages/nominations/\(id)"))
                #expect(try await browser.text(of: "#state").contains("Trả lại bổ sung"))
                #expect(try await browser.text(of: "#history").contains("Bổ sung ảnh hoạt động của tổ"))
            } catch {
                await browser.close()
                throw error
            }
            await browser.close()
        }
        let state = try await harness.owner.query("SELECT state, return_reason FROM rewards_nominations").decode((String, String?).self)
        #expect(state.first?.0 == "returned" && state.first?.1 == "Bổ sung ảnh hoạt động của tổ")
        await harness.close()
    }
    /// At a phone's width, a national administrator opens a national round, follows the nomination that
    /// reached the nation from their queue and endorses it to the decision.
    @Test func theNationEndorsesFromAPhone() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await RewardsNationalTests.openNationalRound(s)
        let id = try await RewardsNationalTests.nominate(s, s.first.team, as: RewardsScenario.officer(units), round: round)
        try await RewardsNationalTests.endorseThroughProvince(s, id, commune: units.communeA, communeRoles: RewardsScenario.officer(units),
                                                             province: units.provinceA, provinceRoles: RewardsScenario.provinceAdmin(units))
        try await harness.withClient(as: RewardsNationalTests.national, transport: .live) { admin in
            let port = try #require(admin.port), login = try #require(admin.login)
            let browser = try await BrowserSession.start(width: 360)
            do {
                // A national administrator signs in with a second factor; the API sign-in used the first code.
                let code = await TestTwoFactorCodes.next(for: login["login"]!, secret: "TESTSECRETTESTSECRET")
                try await browser.signIn(origin: "http://127.0.0.1:\(port)", login: login["login"]!, password: login["password"]!, code: code,
                                         next: "/api/v1/modules/rewards/pages/rounds/\(round)")
                #expect(try await browser.text(of: "#queue h2").contains("(1)"))
                try await browser.click("#queue a")
                #expect(try await browser.currentURL().hasSuffix("/api/v1/modules/rewards/pages/nominations/\(id)"))
                #expect(try await browser.text(of: "#state").contains("Cấp trung ương"))
                let fits = try await browser.run("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool
                #expect(fits == true, "the page fits a 360 px screen")
                try await browser.click("#form-endorse button")
                #expect(try await browser.text(of: "#state").contains("Chờ quyết định"))
            } catch {
                await browser.close()
                throw error
            }
            await browser.close()
        }
        let state = try await harness.owner.query("SELECT state FROM rewards_nominations").decode(String.self)
        #expect(state == ["endorsed"])
        await harness.close()
    }
}
