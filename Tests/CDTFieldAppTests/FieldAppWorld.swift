import CDTDomain
import CDTPostgresClient
import CDTTesting
import Foundation
import HummingbirdTesting
import Testing

/// A village team with its households, as the field app's tests need them: in village A1 (commune A,
/// province A) the team of Trần Thị Lan (head, phone 0987654321) with Nguyễn Thị Hoa (member, phone
/// 0912000111) and four households; in village A2 of the same commune another team and a household.
struct FieldAppWorld {
    let harness: ModuleTestHarness
    let village: ID<AdministrativeUnit>
    let otherVillage: ID<AdministrativeUnit>
    let team: ID<Team>
    let head: ID<Member>
    let member: ID<Member>
    /// By label: "Hộ Nguyễn Văn An", "Hộ Nguyễn Thị Bình", "Hộ Trần Văn Hoà", "Hộ Lê Thị Thuỷ" (A1),
    /// "Hộ Nguyễn Văn Ba" (A2).
    let households: [String: ID<Household>]

    static let headPhone = "0987654321", memberPhone = "0912000111"

    static func make() async throws -> FieldAppWorld {
        let harness = try await ModuleTestHarness.make([], now: Date())
        let units = harness.units, events = harness.events
        let lan = events.visit(in: units.villageA1, commune: units.communeA, phone: headPhone)
        let other = events.visit(in: units.villageA2, commune: units.communeA, minute: 10, phone: "0911111111")
        let member = ID<Member>()
        var log = lan.events + other.events
        log.append(events.event(units.villageA1, minute: 20, .memberJoined(MemberJoined(
            teamId: lan.team, memberId: member, role: .member,
            person: PersonDetails(name: "Nguyễn Thị Hoa", phone: memberPhone, gender: .female, birthYear: 1998, affiliations: [.youthUnion])))))
        var households: [String: ID<Household>] = [:]
        let labels: [(String, ID<AdministrativeUnit>)] = [
            ("Hộ Nguyễn Văn An", units.villageA1), ("Hộ Nguyễn Thị Bình", units.villageA1), ("Hộ Trần Văn Hoà", units.villageA1),
            ("Hộ Lê Thị Thuỷ", units.villageA1), ("Hộ Nguyễn Văn Ba", units.villageA2),
        ]
        for (index, (label, village)) in labels.enumerated() {
            let id = ID<Household>()
            households[label] = id
            log.append(events.event(village, minute: 30 + index, .householdRegistered(HouseholdDetails(
                householdId: id, label: label, size: 3 + index, residents: [ResidentCount(ageBand: .working, count: 2, withSmartphone: 1)]))))
        }
        _ = try await harness.append(log)
        return FieldAppWorld(harness: harness, village: units.villageA1, otherVillage: units.villageA2, team: lan.team, head: lan.member,
                             member: member, households: households)
    }

    /// The events of `type` stored in the log (``ModuleTestHarness/storedEvents(_:)``).
    func stored(_ type: String) async throws -> [StoredEvent] { try await harness.storedEvents(type) }
}

/// An event as the log holds it: its id, its unit and its payload's JSON.
typealias StoredEvent = (id: String, unit: String, payload: [String: Any])

extension ModuleTestHarness {
    /// The events of `type` stored in the log, in the order they were recorded (read as the owner, every
    /// province).
    func storedEvents(_ type: String) async throws -> [StoredEvent] {
        try await RowScope.$current.withValue(.everyProvince) {
            try await owner.query("SELECT id::text, unit_id::text, payload::text FROM events WHERE type = \(type) ORDER BY position")
                .decode((String, String, String).self)
                .map { ($0.0, $0.1, (try? JSONSerialization.jsonObject(with: Data($0.2.utf8))) as? [String: Any] ?? [:]) }
        }
    }
}

extension FieldAppWorld {
    /// Runs `body` with a headless Chromium at a phone's 360×800, signed in to the field app (unless
    /// `signedIn` is false) as a new account holding `roles` with `phone`, served on a real socket; `body`
    /// gets the browser, the server's port and the API client. A failure keeps a screenshot and the outbox
    /// (`evidence`) and always closes the browser.
    func onPhone(as roles: [RoleAssignment], phone: String, evidence: String, signedIn: Bool = true,
                 _ body: @Sendable @escaping (BrowserSession, _ port: Int, ModuleTestClient) async throws -> Void) async throws {
        try await harness.withClient(as: roles, phone: phone, transport: .live) { client in
            let port = try #require(client.port)
            let browser = try await BrowserSession.start(width: 360, height: 800)
            do {
                if signedIn { try await browser.signInToFieldApp(port: port, login: try #require(client.login)) }
                try await body(browser, port, client)
            } catch {
                await browser.keepEvidence(evidence)
                await browser.close()
                throw error
            }
            await browser.close()
        }
    }
}

extension BrowserSession {
    /// Opens the field app on the server at `port` and signs in through its form as a person does.
    func signInToFieldApp(port: Int, login: [String: String]) async throws {
        try await open("http://127.0.0.1:\(port)/app/")
        try await type(into: "#login", login["login"]!)
        try await type(into: "#password", login["password"]!)
        try await click("#signin-submit")
        _ = try await text(of: "#signout")
    }

    /// Waits (up to `seconds`) until `condition` holds, checking every 200 ms; fails with `what` otherwise.
    func waitUntil(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestHarnessError("waited \(Int(seconds)) s for \(what)")
    }

    /// Waits until the screen's heading reads `heading` (the app has finished moving to that screen).
    func waitForScreen(_ heading: String) async throws {
        try await waitUntil("the screen “\(heading)”") { try await text(of: "main h1") == heading }
    }

    /// How many items the header says wait to be sent.
    func unsentCount() async throws -> Int {
        Int(try await text(of: "#queue-count").trimmingCharacters(in: .whitespaces)) ?? -1
    }
}

extension BrowserSession {
    /// What a failing test leaves for whoever reads it: a screenshot (`failed-<name>.png`) and the outbox's text.
    func keepEvidence(_ name: String) async {
        try? await screenshot(to: FieldAppArtifacts.file("failed-\(name)"))
        let outbox = (try? await run("return import('/app/queue.js').then(q => q.items()).then(items => JSON.stringify(items.map(i => [i.state, i.event.type, i.errors, i.reason])))")) as? String
        let state = (try? await run("return [location.href, document.documentElement.lang, localStorage.getItem('cdt-language'), document.activeElement && document.activeElement.outerHTML.slice(0, 120)].join(' | ')")) as? String
        print("field app evidence (\(name)): \(state ?? "-") outbox \(outbox ?? "-")")
    }
}
