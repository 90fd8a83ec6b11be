import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import CDTPartnerDiscounts

/// The pages: forms with the form token, refused forms shown again with the message beside the field, and
/// the member's page and the counter in headless Chromium.
@Suite struct PartnerPageTests {
    let base = "/api/v1/modules/partner-discounts"

    /// An account no member's phone matches opens the page and is told why it has no offers.
    @Test func anAccountThatIsNoMemberIsToldSo() async throws {
        let s = try await PartnerScenario.make()
        try await s.harness.withClient(as: s.memberA) { account in
            let page = try await account.openPage("\(base)/pages/member")
            #expect(page.status == .ok && page.text.contains("chưa gắn với thành viên Tổ nào"), "\(page.status)")
            let offers = try await account.get("\(base)/my/offers")
            #expect(offers.status == .forbidden)
        }
        await s.harness.close()
    }

    @Test func aMemberClaimsFromTheirPageAndSeesTheCodeWithItsQRCode() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA], quantity: 1)
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA) { member in
            let page = try await member.openPage("\(base)/pages/member")
            #expect(page.status == .ok && page.text.contains("Giảm 50% gói 4G cho thành viên Tổ") && page.text.contains("name=\"csrf\""))
            // Without the form token, or from another site: refused, nothing claimed.
            let forged = try await member.submitForm("\(base)/pages/member/claim", [("offer", offer), ("csrf", "forged")])
            #expect(forged.status == .forbidden)
            let crossSite = try await member.submitForm("\(base)/pages/member/claim", [("offer", offer)], site: "cross-site")
            #expect(crossSite.status == .forbidden)
            let claimed = try await member.submitForm("\(base)/pages/member/claim", [("offer", offer)])
            #expect(claimed.status == .seeOther && claimed.headers[.location] == "\(base)/pages/member#codes", "\(claimed.text)")
            let after = try await member.openPage("\(base)/pages/member")
            #expect(after.text.contains("<svg") && after.text.contains("Dùng được"))
            // The last one is gone: the form comes back with the reason beside the offer.
            let again = try await member.submitForm("\(base)/pages/member/claim", [("offer", offer)])
            #expect(again.status == .unprocessableContent && again.text.contains("role=\"alert\">Đã hết mã"), "\(again.text)")
        }
        await s.harness.close()
    }

    @Test func aProvinceAdministratorApprovesFromThePageAndBadNumbersComeBackBesideTheField() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let box = Box<String>()
        try await s.harness.withClient(as: []) { anonymous in
            box.value = try await anonymous.withToken(key).post("\(base)/partner/offers", PartnerScenario.offerBody(areas: [s.units.provinceA])).json["id"] as? String
        }
        let offer = try #require(box.value)
        try await s.harness.withClient(as: s.provinceAdminA) { admin in
            let page = try await admin.openPage("\(base)/pages/approvals")
            #expect(page.status == .ok && page.text.contains("offer-\(offer)"))
            let fields = [("offer", offer), ("provinceId", s.units.provinceA.description)]
            let bad = try await admin.submitForm("\(base)/pages/approvals", fields + [("subsidyPerRedemption", "nhiều"), ("budgetCap", "0")])
            #expect(bad.status == .unprocessableContent && bad.text.contains("Nhập một số nguyên đồng"))
            let capless = try await admin.submitForm("\(base)/pages/approvals", fields + [("subsidyPerRedemption", "5000"), ("budgetCap", "0")])
            #expect(capless.status == .unprocessableContent && capless.text.contains("must be set together with subsidyPerRedemption"))
            let approved = try await admin.submitForm("\(base)/pages/approvals", fields + [("subsidyPerRedemption", "5000"), ("budgetCap", "500000")])
            #expect(approved.status == .seeOther, "\(approved.text)")
            let report = try await admin.openPage("\(base)/pages/report?provinceId=\(s.units.provinceA)")
            #expect(report.status == .ok && report.text.contains("Tải về Excel (CSV)"))
        }
        await s.harness.close()
    }

    /// The member's page and the counter as people use them, in headless Chromium as narrow as it opens
    /// (a phone's 360 pixels asked; the window is at least 500): the member signs in, presses "Nhận mã" and sees their code with its QR code; the
    /// partner's staff sign in, type the code, look it up (the given name and the phone's last three
    /// digits) and redeem it.
    @Test func theMembersPageAndTheCounterInABrowser() async throws {
        let s = try await PartnerScenario.make()
        let (partner, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA])
        let browser = try await BrowserSession.start(width: 360)
        defer { Task { await browser.close() } }
        let code = Box<String>()
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA, transport: .live) { member in
            let origin = "http://127.0.0.1:\(try #require(member.port))"
            let login = try #require(member.login)
            try await browser.signIn(origin: origin, login: try #require(login["login"]), password: try #require(login["password"]), next: "\(base)/pages/member")
            #expect(try await browser.text(of: "h1").contains("Ưu đãi cho tôi"))
            try await browser.click("#offer-\(offer) button")
            try await waitFor(".code-card .code", in: browser)
            let shown = try await browser.text(of: ".code-card .code")
            #expect(shown.range(of: "^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$", options: .regularExpression) != nil, "\(shown)")
            #expect(try await browser.has(".code-card .qr svg"))
            // The page fits the window (Chromium's narrowest, 500 pixels, whatever the width asked): nothing to scroll sideways.
            let fits = try await browser.run("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]") as? [Int]
            #expect(fits?.count == 2 && fits?[0] == fits?[1], "\(String(describing: fits))")
            code.value = shown
        }
        let claimed = try #require(code.value)
        try await s.harness.withClient(as: [RoleAssignment(role: .enterprisePartner, unitID: s.units.provinceA)], transport: .live) { staff in
            let context = try #require(s.harness.context(of: "partner-discounts"))
            try await ModuleActorAccounts(context).bind(try #require(staff.accountID), to: partner)
            let origin = "http://127.0.0.1:\(try #require(staff.port))"
            let login = try #require(staff.login)
            // A fresh profile: sign in again, this time as the partner's staff.
            try await browser.restart()
            try await browser.signIn(origin: origin, login: try #require(login["login"]), password: try #require(login["password"]), next: "\(base)/pages/counter")
            #expect(try await browser.text(of: "h1").contains("Quầy đổi ưu đãi"))
            try await browser.type(into: "#code", claimed.lowercased())
            try await browser.click("button[value=lookup]")
            try await waitFor("#given-name", in: browser)
            #expect(try await browser.text(of: "#given-name") == "Lan")
            #expect(try await browser.text(of: "#phone-last3") == "678")
            try await browser.click("button[value=redeem]")
            try await waitFor("#answer .state", containing: "Đã đổi", in: browser)
            try await browser.click("button[value=redeem]")
            try await waitFor("#code-error", in: browser)
            #expect(try await browser.text(of: "#code-error").contains("must not be redeemed already"))
            let fits = try await browser.run("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]") as? [Int]
            #expect(fits?.count == 2 && fits?[0] == fits?[1], "\(String(describing: fits))")
            // The audit log names the staff account beside the partner it acts for.
            let audited = try await s.harness.owner.query("""
                SELECT action FROM audit_log WHERE account_id = \(try #require(staff.accountID)) AND details->>'actor' = \(partner) ORDER BY id
                """).decode(String.self)
            #expect(audited.contains("partner-discounts.code.looked_up") && audited.contains("partner-discounts.code.redeemed"), "\(audited)")
        }
        await s.harness.close()
    }

    /// Waits up to five seconds for the page the browser goes on to after a click to show `selector`
    /// (with `text` in it, when given).
    func waitFor(_ selector: String, containing text: String? = nil, in browser: BrowserSession) async throws {
        for _ in 0..<50 {
            if (try? await browser.has(selector)) == true {
                guard let text else { return }
                if let shown = try? await browser.text(of: selector), shown.contains(text) { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the page never showed \(selector)\(text.map { " with \($0)" } ?? "")")
    }
}
