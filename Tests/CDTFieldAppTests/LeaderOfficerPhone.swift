import CDTTesting
import Foundation
import Testing

/// The field app in a phone-sized headless Chromium (360 × 800), used as a person uses it: signs in through
/// the app's form, goes from screen to screen, waits for what the screen shows, and keeps a screenshot of
/// each screen among the test artefacts.
struct LeaderOfficerPhone {
    let browser: BrowserSession
    let origin: String

    /// Starts the browser, opens the app served on `port` and signs in with `login` (`login`, `password`).
    static func signIn(port: Int, login: [String: String]) async throws -> LeaderOfficerPhone {
        let browser = try await BrowserSession.start(width: 360, height: 800)
        let phone = LeaderOfficerPhone(browser: browser, origin: "http://127.0.0.1:\(port)")
        do {
            try await browser.signInToFieldApp(port: port, login: login)
        } catch {
            await browser.close()
            throw error
        }
        return phone
    }

    /// Signs in as ``signIn(port:login:)`` does, runs `body` with the phone, and closes the browser
    /// whether `body` succeeds or fails.
    static func use(port: Int, login: [String: String], _ body: (LeaderOfficerPhone) async throws -> Void) async throws {
        let phone = try await signIn(port: port, login: login)
        do {
            try await body(phone)
        } catch {
            await phone.close()
            throw error
        }
        await phone.close()
    }

    /// Types a new member's name, phone and birth year into the new-member form and picks their gender
    /// (`0` the first choice, `1` the second), as a person fills it; the caller submits.
    func fillNewMember(name: String, phone: String, gender: Int, birthYear: String) async throws {
        try await browser.type(into: "#member-name", name)
        try await browser.type(into: "#member-phone", phone)
        try await browser.click("label[for=member-gender-\(gender)]")
        try await browser.type(into: "#member-birth-year", birthYear)
    }

    /// Goes to `route` (`#/roster`), rendering it afresh even when it is the route shown.
    func go(_ route: String) async throws {
        _ = try await browser.run("if (location.hash === arguments[0]) { location.hash = '#/'; } return true;", arguments: [route])
        try await Task.sleep(for: .milliseconds(100))
        _ = try await browser.run("location.hash = arguments[0]; return true;", arguments: [route])
    }

    /// Waits until `selector` shows text containing `expected` (up to 10 s); answers the text shown.
    @discardableResult
    func waitForText(_ selector: String, containing expected: String) async throws -> String {
        var shown = ""
        for _ in 0..<50 {
            if try await browser.has(selector) {
                shown = (try? await browser.text(of: selector)) ?? ""
                if shown.contains(expected) { return shown }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("\(selector) never showed “\(expected)”; it showed “\(shown)”")
        return shown
    }

    /// Waits until `condition` holds (up to 10 s), or records an issue naming `what`.
    func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<50 {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("never saw \(what)")
    }

    /// Whether the page has nothing `selector` names, now (without waiting for it to appear).
    func lacks(_ selector: String) async throws -> Bool {
        try await browser.run("return document.querySelector(arguments[0]) === null", arguments: [selector]) as? Bool ?? false
    }

    /// The id of the element that has the focus.
    func focused() async throws -> String? {
        try await browser.run("return document.activeElement && document.activeElement.id") as? String
    }

    /// Whether the page fits the phone's width (nothing to scroll sideways).
    func fitsTheScreen() async throws -> Bool {
        try await browser.run("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool ?? false
    }

    /// Checks the screen as shown (it fits the phone's width, shows no `null` or `undefined`, and axe-core
    /// finds no serious or critical accessibility violation), then saves it as `name` (`leader-roster`)
    /// among the test artefacts: from its top, or with what `showing` names in the middle.
    func check(_ name: String, showing selector: String? = nil) async throws {
        #expect(try await fitsTheScreen(), "\(name): the screen is wider than the phone")
        let shown = try await browser.text(of: "main")
        #expect(shown.range(of: #"\b(null|undefined|NaN)\b"#, options: .regularExpression) == nil, "\(name) shows a placeholder: \(shown)")
        let problems = try await AccessibilityCheck.violations(in: browser)
        #expect(problems.isEmpty, "\(name): \(problems)")
        if let selector {
            _ = try await browser.run("document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return true;", arguments: [selector])
        } else {
            _ = try await browser.run("window.scrollTo(0, 0); return true;")
        }
        try await browser.screenshot(to: FieldAppArtifacts.file(name))
    }

    func close() async { await browser.close() }

    /// The state of the newest item of the app's outbox (`waiting`, `sent`, `refused`, …), read from the page.
    func outboxState() async throws -> String? {
        _ = try await browser.run("""
            import('/app/queue.js').then(queue => queue.items()).then(items => {
              window.__leaderOutbox = items.length ? items[items.length - 1].state : 'empty';
            });
            return true;
            """)
        try await Task.sleep(for: .milliseconds(200))
        return try await browser.run("return window.__leaderOutbox || null") as? String
    }
}
