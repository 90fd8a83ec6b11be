import CDTDomain
import CDTModuleKit
import CDTServer
import CDTTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A module with a page, the form it posts, a JSON change and "who am I on the teams": what the kit gives
/// modules for server-rendered pages.
private struct FormProbeModule: FeatureModule {
    var manifest: ModuleManifest {
        ModuleManifest(id: "form-probe", name: LocalizedName(vietnamese: "Thử biểu mẫu", english: "Form probe"), version: ModuleVersion(1, 0, 0))
    }

    func addRoutes(to routes: inout ModuleRoutes) {
        routes.get("page", access: .view, summary: "The page with the form") { _, context in
            ModuleResponse.page("""
                <!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Ghi chú</title></head><body>
                <form method="post" action="/api/v1/modules/form-probe/notes">\(HTML.csrfField(context))
                <label for="note">Ghi chú · Note</label><input id="note" name="note"><button type="submit">Gửi · Send</button></form></body></html>
                """)
        }
        routes.form("notes", access: .change, summary: "Post a note from the page") { _, context in
            guard let note = context.form?["note"], !note.isEmpty else {
                return ModuleResponse.page("<p id=\"note-error\">Nhập ghi chú · Enter a note</p>", status: .unprocessableContent)
            }
            try await context.audit(action: "note.posted", unit: context.provinces.first, subject: note)
            return ModuleResponse.seeOther("/api/v1/modules/form-probe/page")
        }
        routes.post("json", access: .change, summary: "A change by JSON") { _, context in
            try await context.audit(action: "json.posted", unit: context.provinces.first, subject: nil)
            return HTTPResponse.Status.noContent
        }
        routes.get("me", access: .view, summary: "The caller on the teams") { _, context in
            let members = try await context.callerMembers()
            return String(decoding: try JSONEncoder().encode(members), as: UTF8.self)
        }
    }
}

@Suite struct ModuleFormTests {
    @Test func theConformanceCheckPostsAFormAsABrowserDoes() async throws {
        try await ModuleConformance.check(FormProbeModule()) { _, _ in [] } sampleMutations: { _, _ in
            [ModuleSampleRequest.form("notes", [("note", "Quay lại hướng dẫn")]), ModuleSampleRequest(.post, "json", body: "{}")]
        }
    }

    @Test func aFormIsTakenWithTheSessionCookieOnlyWithItsTokenAndFromThisSite() async throws {
        let harness = try await ModuleTestHarness.make([FormProbeModule()])
        let units = harness.units
        try await harness.enable("form-probe", in: units.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            // The page carries the session's form token.
            let page = try await officer.openPage("/api/v1/modules/form-probe/page")
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let token = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            // Posted back with it: done, and the browser goes on to the page.
            let posted = try await officer.submitForm("/api/v1/modules/form-probe/notes", [("note", "Hộ ông Tư"), ("csrf", String(token))])
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "/api/v1/modules/form-probe/page")
            // Without the token, with another session's, or from another site: refused, naming the token.
            let missing = try await officer.submitForm("/api/v1/modules/form-probe/notes", [("note", "x"), ("csrf", "")])
            #expect(missing.status == .forbidden && missing.fields == ["csrf"])
            let foreign = try await officer.submitForm("/api/v1/modules/form-probe/notes", [("note", "x"), ("csrf", FormTokens.token(forSession: "another session"))])
            #expect(foreign.status == .forbidden && foreign.fields == ["csrf"])
            let crossSite = try await officer.submitForm("/api/v1/modules/form-probe/notes", [("note", "x")], site: "cross-site")
            #expect(crossSite.status == .forbidden)
            // A rule the handler checks: the form again, 422.
            let blank = try await officer.submitForm("/api/v1/modules/form-probe/notes", [("note", "  ")])
            #expect(blank.status == .unprocessableContent && blank.text.contains("note-error"))
            // The cookie opens no other post: a JSON change still needs the bearer token.
            let cookieOnly = try await officer.withToken(nil).send(.post, "/api/v1/modules/form-probe/json", body: "{}")
            #expect(cookieOnly.status == .unauthorized)
        }
        let audited = try await harness.owner.query("SELECT count(*)::int FROM audit_log WHERE action = 'form-probe.note.posted'").decode(Int.self)
        #expect(audited == [1])
        await harness.close()
    }

    @Test func aFormPostNeedsAFormBodyAndASession() async throws {
        let harness = try await ModuleTestHarness.make([FormProbeModule()])
        try await harness.enable("form-probe", in: harness.units.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: harness.units.communeA)]) { officer in
            let json = try await officer.send(.post, "/api/v1/modules/form-probe/notes", body: #"{"note": "x"}"#)
            #expect(json.status == .unsupportedMediaType)
            let anonymous = try await officer.withToken(nil).submitForm("/api/v1/modules/form-probe/notes", [("note", "x")])
            #expect(anonymous.status == .unauthorized)
        }
        await harness.close()
    }

    @Test func theCallerIsFoundOnTheTeamsByTheAccountsPhone() async throws {
        let harness = try await ModuleTestHarness.make([FormProbeModule()], units: TestUnits(secondCommunes: true))
        let units = harness.units
        try await harness.enable("form-probe", in: units.provinceA)
        let lan = harness.events.visit(in: units.villageA1, commune: units.communeA, phone: "0987654321")
        let other = harness.events.visit(in: units.villageA3, commune: units.communeA2, minute: 10, phone: "0911111111")
        try await harness.append(lan.events + other.events)
        try await harness.withClient(as: [RoleAssignment(role: .member, unitID: units.villageA1)], phone: "0987654321") { member in
            let answer = try await member.get("/api/v1/modules/form-probe/me")
            let items = try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["memberID"] as? String == lan.member.rawValue.uuidString.lowercased())
            #expect(items.first?["teamID"] as? String == lan.team.rawValue.uuidString.lowercased())
            #expect(items.first?["role"] as? String == "head")
        }
        // An account without a phone is nobody on the teams.
        try await harness.withClient(as: [RoleAssignment(role: .member, unitID: units.villageA1)]) { member in
            let answer = try await member.get("/api/v1/modules/form-probe/me")
            #expect(answer.text == "[]")
        }
        await harness.close()
    }

    /// A person in Chromium at a phone's width: signs in through the form, types a note, presses the button,
    /// and the post (cookie, form token, this site) is taken.
    @Test func aPersonInABrowserPostsTheForm() async throws {
        let harness = try await ModuleTestHarness.make([FormProbeModule()])
        try await harness.enable("form-probe", in: harness.units.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: harness.units.communeA)], transport: .live) { officer in
            let port = try #require(officer.port), login = try #require(officer.login)
            let browser = try await BrowserSession.start(width: 360)
            do {
                try await browser.signIn(origin: "http://127.0.0.1:\(port)", login: login["login"]!, password: login["password"]!,
                                         next: "/api/v1/modules/form-probe/page")
                // The page is laid out at a phone's width.
                let innerWidth = try await browser.run("return window.innerWidth")
                #expect(innerWidth as? Int == 360, "\(String(describing: innerWidth))")
                try await browser.type(into: "#note", "Hộ bà Năm cần cài VNeID")
                try await browser.click("button[type=submit]")
                #expect(try await browser.currentURL().hasSuffix("/api/v1/modules/form-probe/page"))
                // With the network cut, the page cannot be reached: the browser says so, nothing is posted.
                try await browser.setOffline(true)
                try? await browser.click("button[type=submit]")
                try await browser.setOffline(false)
            } catch {
                await browser.close()
                throw error
            }
            await browser.close()
        }
        let notes = try await harness.owner.query("SELECT target FROM audit_log WHERE action = 'form-probe.note.posted'").decode(String.self)
        #expect(notes == ["Hộ bà Năm cần cài VNeID"])
        await harness.close()
    }
}
