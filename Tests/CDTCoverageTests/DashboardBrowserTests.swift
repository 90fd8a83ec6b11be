import CDTDomain
import CDTModuleKit
import CDTTesting
import Foundation
import HummingbirdTesting
import Testing
@testable import CDTCoverage

/// The dashboard in a real browser (headless Chromium from Debian's packages) against the server on a
/// real socket: a person signs in through the form and sees the figures, without any script of ours.
@Suite struct DashboardBrowserTests {
    @Test func aPersonSignsInAndSeesTheFigures() async throws {
        let browser = try HeadlessBrowser.find()
        let harness = try await harnessWithWork(enabledIn: \.provinceA)
        let units = harness.units
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)], transport: .live) { officer in
            let origin = "http://127.0.0.1:\(officer.port!)"
            let page = "/api/v1/modules/coverage/dashboard?unit=\(units.communeA)"
            // Without a session the browser lands on the sign-in form.
            let anonymous = try await browser.open(origin + page)
            #expect(anonymous.contains("<form method=\"post\" action=\"/api/v1/auth/signin\">"))
            #expect(!anonymous.contains("data-metric"))

            let dom = try await browser.signInAndOpen(origin: origin, fields: officer.login!, next: page)
            #expect(dom.contains("<title>Độ phủ chuyển đổi số cộng đồng — Phường Ba Đình</title>"))
            #expect(dom.contains("data-metric=\"householdsVisited.share\">100,0%</strong>"))
            #expect(dom.contains("<title id=\"bar-chart-title\">"))
            #expect(dom.contains("Tổ dân phố 1: 100,0%"))
            #expect(dom.contains("<a href=\"dashboard?unit=\(units.villageA1)\">"))

            let english = try await browser.signInAndOpen(origin: origin, fields: officer.login!, next: page + "&lang=en")
            #expect(english.contains("<h1>Community digital coverage</h1>"))
            #expect(english.contains("data-metric=\"householdsVisited.share\">100.0%</strong>"))

            var wrong = officer.login!
            wrong["password"] = "not the password"
            let refused = try await browser.signInAndOpen(origin: origin, fields: wrong, next: page)
            #expect(refused.contains("Tên đăng nhập, mật khẩu hoặc mã không đúng."))
            #expect(!refused.contains("data-metric"))
        }
    }
}
