import CDTDomain
import CDTTesting
import Foundation
import Testing

/// Every screen a member sees, checked with axe-core at 360×800 (no serious or critical violation), in
/// Vietnamese and in English, kept as screenshots; and usable with the keyboard alone.
@Suite(.serialized) struct MemberAccessibilityTests {
    @Test func everyMemberScreenPassesTheAccessibilityCheck() async throws {
        let world = try await FieldAppWorld.make()
        try await world.onPhone(as: [RoleAssignment(role: .member, unitID: world.village)], phone: FieldAppWorld.memberPhone, evidence: "member-accessibility", signedIn: false) { browser, port, client in
            try await browser.open("http://127.0.0.1:\(port)/app/")
            _ = try await browser.text(of: "#signin-form")
            var problems = try await AccessibilityCheck.violations(in: browser).map { "signin: \($0)" }
            try await browser.signInToFieldApp(port: port, login: try #require(client.login))
            let household = world.households["Hộ Nguyễn Văn An"]!
            let screens: [(route: String, name: String, ready: String)] = [
                ("", "member-home", "#signout"), ("households", "member-households", "#household-list a"),
                ("household/\(household)", "member-household", "#record-visit"), ("visit/\(household)", "member-visit", "#save-visit"),
                ("household-new", "member-household-new", "#save-household"), ("household-edit/\(household)", "member-household-edit", "#save-household"),
                ("progress", "member-progress", ".period"), ("queue", "member-outbox", "#send-now"),
            ]
            for language in ["vi", "en"] {
                for screen in screens {
                    try await browser.open("http://127.0.0.1:\(port)/app/#/\(screen.route)")
                    _ = try await browser.text(of: screen.ready)
                    problems += try await AccessibilityCheck.violations(in: browser).map { "\(screen.name) (\(language)): \($0)" }
                    let width = try await browser.run("return document.documentElement.scrollWidth") as? Int
                    #expect(width == 360, "\(screen.name) is \(width ?? 0) px wide at 360")
                    if language == "vi" { try await browser.screenshot(to: FieldAppArtifacts.file(screen.name)) }
                }
                if language == "vi" {
                    try await browser.click("#lang")
                    try await browser.waitUntil("the switch to English") { try await browser.text(of: "#net") == "Online" }
                }
            }
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            // The keyboard alone: from the search field, Tab reaches the first household and Enter opens it.
            try await browser.open("http://127.0.0.1:\(port)/app/#/households")
            _ = try await browser.text(of: "#household-list a")
            try await browser.type(into: "#household-search", "thuy\u{E004}\u{E004}\u{E007}")
            try await browser.waitForScreen("Hộ Lê Thị Thuỷ")
        }
        await world.harness.close()
    }
}
