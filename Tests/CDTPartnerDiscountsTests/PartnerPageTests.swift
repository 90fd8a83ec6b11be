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

    /// The member's page and the counter as a person sees them, in headless Chromium: the member signs
    /// in and sees their code with its QR code; the partner's staff sign in and look the code up.
    @Test func theMembersPageAndTheCounterInABrowser() async throws {
        let browser = try HeadlessBrowser.find()
        let s = try await PartnerScenario.make()
        let (partner, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA])
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA, transport: .live) { member in
            let claimed = try await member.post("\(base)/offers/\(offer)/claims", "{}")
            let code = try #require(claimed.json["code"] as? String)
            let origin = "http://127.0.0.1:\(try #require(member.port))"
            let dom = try await browser.signInAndOpen(origin: origin, fields: try #require(member.login), next: "\(base)/pages/member", width: 360)
            #expect(dom.contains("Ưu đãi cho tôi") && dom.contains(code) && dom.contains("<svg"), "\(dom.prefix(2000))")
            #expect(dom.contains("width=device-width"))
            try await s.harness.withClient(as: [RoleAssignment(role: .enterprisePartner, unitID: s.units.provinceA)], transport: .live) { staff in
                let context = try #require(s.harness.context(of: "partner-discounts"))
                try await ModuleActorAccounts(context).bind(try #require(staff.accountID), to: partner)
                let counterOrigin = "http://127.0.0.1:\(try #require(staff.port))"
                let counter = try await browser.signInAndOpen(origin: counterOrigin, fields: try #require(staff.login), next: "\(base)/pages/counter", width: 360)
                #expect(counter.contains("Quầy đổi ưu đãi") && counter.contains("name=\"code\"") && counter.contains("Giảm 50% gói 4G"), "\(counter.prefix(2000))")
                // The counter's form, posted as the browser would: the answer with the given name and the phone's last three digits.
                let answer = try await staff.submitForm("\(base)/pages/counter", [("code", code), ("action", "lookup")])
                #expect(answer.status == .ok && answer.text.contains("id=\"given-name\">Lan<") && answer.text.contains("id=\"phone-last3\">678<"), "\(answer.text)")
                let redeemed = try await staff.submitForm("\(base)/pages/counter", [("code", code), ("action", "redeem")])
                #expect(redeemed.status == .ok && redeemed.text.contains("Đã đổi") && redeemed.text.contains("Đổi mã theo ngày"))
                let twice = try await staff.submitForm("\(base)/pages/counter", [("code", code), ("action", "redeem")])
                #expect(twice.status == .unprocessableContent && twice.text.contains("id=\"code-error\""))
                // The audit log names the staff account beside the partner it acts for.
                let audited = try await s.harness.owner.query("""
                    SELECT action FROM audit_log WHERE account_id = \(try #require(staff.accountID)) AND details->>'actor' = \(partner) ORDER BY id
                    """).decode(String.self)
                #expect(audited.contains("partner-discounts.code.looked_up") && audited.contains("partner-discounts.code.redeemed"), "\(audited)")
            }
        }
        await s.harness.close()
    }
}
