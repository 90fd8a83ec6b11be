import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A small hierarchy in its own database: two provinces, a commune in each, two villages in the first
/// commune and one in the second, all in force from 2025-07-01.
struct WorkFixture: Sendable {
    let database: TestDatabase
    /// The hierarchy (the test kit's `TestUnits`, shared with module tests).
    let units = TestUnits()
    var provinceA: ID<AdministrativeUnit> { units.provinceA }
    var provinceB: ID<AdministrativeUnit> { units.provinceB }
    var communeA: ID<AdministrativeUnit> { units.communeA }
    var communeB: ID<AdministrativeUnit> { units.communeB }
    var villageA1: ID<AdministrativeUnit> { units.villageA1 }
    var villageA2: ID<AdministrativeUnit> { units.villageA2 }
    var villageB1: ID<AdministrativeUnit> { units.villageB1 }
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    static func make() async throws -> WorkFixture {
        let fixture = WorkFixture(database: try await TestPostgres.makeDatabase())
        let db = fixture.database.makeClient()
        do {
            try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
            try await fixture.units.add(to: db)
        } catch {
            await db.close()
            throw error
        }
        await db.close()
        return fixture
    }

    /// Runs `body` with a client of the app over this database (`.router`, or `.live` for a real socket),
    /// signed in as a national administrator (with two-factor sign-in on, as the role requires).
    func withApp(_ framework: TestingSetup = .router, _ body: @Sendable (APIClient) async throws -> Void) async throws {
        try await withApp(framework, as: [RoleAssignment(role: .nationalAdministrator, unitID: nil)], body)
    }

    /// Runs `body` signed in as a new account holding `roles`.
    /// The app works as the application role, as the server does, so row-level security applies.
    func withApp(
        _ framework: TestingSetup = .router, as roles: [RoleAssignment], logger: Logger = Logger(label: "test"),
        _ body: @Sendable (APIClient) async throws -> Void
    ) async throws {
        let db = database.makeApplicationClient()
        let app = buildApplication(
            configuration: ServerConfiguration(port: 0),
            dependencies: AppDependencies(database: db, today: { CalendarDate(Self.now) }, now: { Self.now }),
            logger: logger)
        do {
            let login = try await Self.makeAccount(roles, db)
            try await app.test(framework) { client in
                let token = try await APIClient(client: client, token: nil).signIn(login)
                try await body(APIClient(client: client, token: token, accountID: login.accountID))
            }
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }

    /// A login, password and TOTP secret for signing in.
    struct Login: Sendable { let name: String; let password: String; let totpSecret: String?; var accountID: ID<Account>? = nil }

    /// Creates an account with `roles`; two-factor sign-in is turned on when a role requires it.
    static func makeAccount(_ roles: [RoleAssignment], _ db: PostgresClient) async throws -> Login {
        let name = "user-" + UUID().uuidString.prefix(8).lowercased()
        let password = "correct horse battery staple"
        let account = try await AccountAdministration(client: db).createAccount(username: name, phone: nil, displayName: "Người thử", password: password, roles: roles)
        guard roles.contains(where: { $0.role.requiresTwoFactor }) else { return Login(name: name, password: password, totpSecret: nil, accountID: account.id) }
        try await RowScope.$current.withValue(.everyProvince) {
            try await AccountAdministration(client: db).turnOnTwoFactor(account.id, secret: "TESTSECRETTESTSECRET", secrets: .ephemeral)
        }
        return Login(name: name, password: password, totpSecret: "TESTSECRETTESTSECRET", accountID: account.id)
    }
}

/// An HTTP answer as tests read it.
struct Answer: @unchecked Sendable {
    let status: HTTPResponse.Status
    let text: String
    let contentType: String?

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    /// The `field` of each problem error.
    var fields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
    var rules: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
}

/// A test client that sends a session token with every request.
///
/// Events are authored by whoever sends them: in a body posted to `/api/v1/events…`, the client puts its own
/// account in place of ``EventFactory/sender`` (the server takes only an author the sender may stand for).
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let token: String?
    /// The signed-in account, when known.
    var accountID: ID<Account>? = nil

    private var headers: HTTPFields {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    func get(_ uri: String) async throws -> Answer {
        try await client.execute(uri: uri, method: .get, headers: headers) { Answer(status: $0.status, text: String(buffer: $0.body), contentType: $0.headers[.contentType]) }
    }

    func post(_ uri: String, _ body: String, contentType: String = "application/json") async throws -> Answer {
        var body = body
        if let accountID, uri.hasPrefix("/api/v1/events") {
            body = body.replacingOccurrences(of: EventFactory.sender.uuidString.lowercased(), with: accountID.description)
        }
        var headers = headers
        headers[.contentType] = contentType
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Answer(status: $0.status, text: String(buffer: $0.body), contentType: $0.headers[.contentType])
        }
    }

    /// Signs in and returns the session token.
    func signIn(_ login: WorkFixture.Login) async throws -> String {
        var fields = ["login": login.name, "password": login.password]
        if let secret = login.totpSecret { fields["code"] = await TestTwoFactorCodes.next(for: login.name, secret: secret) }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        let answer = try await post("/api/v1/auth/login", body)
        guard answer.status == .ok, let token = answer.json["token"] as? String else {
            throw ValidationFailure(field: "login", rule: "sign-in failed: \(answer.status) \(answer.text)")
        }
        return token
    }

    func withToken(_ token: String?) -> APIClient { APIClient(client: client, token: token, accountID: token == self.token ? accountID : nil) }

    /// Posts one event made by the domain's own encoding.
    func submit(_ event: DomainEvent) async throws -> Answer {
        try await post("/api/v1/events", EventJSON.text(event))
    }
}

/// Events written as a client writes them.
enum EventJSON {
    static func text(_ event: DomainEvent) -> String {
        String(decoding: data(event), as: UTF8.self)
    }

    static func data(_ event: DomainEvent) -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try! encoder.encode(event)
    }

    static func batch(_ events: [DomainEvent], extra: [String] = []) -> String {
        #"{"events": ["# + (events.map(text) + extra).joined(separator: ",") + "]}"
    }
}

/// Makes events in the fixture's units, a day at a time from 2025-08-01, authored by ``sender``.
struct EventFactory {
    /// Stands for the account that sends the event (see ``APIClient``).
    static let sender = UUID(uuidString: "00000000-0000-4000-8000-00000000a07a")!
    var author = EventFactory.sender
    /// A day before the fixture's today (2026-11-18) that every role may still record.
    static let recently = "2026-11-15"
    var clock = Date(timeIntervalSince1970: 1_754_017_200)  // 2025-08-01 10:00 in Vietnam

    func on(_ day: String, hour: Int = 10) -> Date {
        Date(timeIntervalSince1970: TimeInterval(CalendarDate(day)!.daysSinceEpoch * 86_400 + (hour - 7) * 3600))
    }

    func event(_ unit: ID<AdministrativeUnit>, on day: String = "2025-08-01", _ payload: EventPayload) -> DomainEvent {
        DomainEvent(id: ID(), unitID: unit, authorID: author, occurredAt: on(day), payload: payload)
    }

    func establish(_ team: ID<Team>, in unit: ID<AdministrativeUnit>, issuer: ID<AdministrativeUnit>, name: String = "Tổ CNSCĐ Tổ dân phố 1", on day: String = "2025-08-01") -> DomainEvent {
        event(unit, on: day, .teamEstablished(TeamEstablished(
            teamId: team, name: name,
            decision: EstablishmentDecision(number: "125/QĐ-UBND", date: CalendarDate(day)!, signer: "Nguyễn Văn An", issuingUnitID: issuer),
            chatLink: "https://zalo.me/g/to1")))
    }

    func join(_ member: ID<Member>, _ team: ID<Team>, in unit: ID<AdministrativeUnit>, as role: TeamRole, name: String = "Trần Thị Lan", on day: String = "2025-08-02") -> DomainEvent {
        event(unit, on: day, .memberJoined(MemberJoined(
            teamId: team, memberId: member, role: role,
            person: PersonDetails(name: name, phone: "+84 912 345 678", gender: .female, birthYear: 1990, affiliations: [.youthUnion]))))
    }

    func register(_ household: ID<Household>, in unit: ID<AdministrativeUnit>, size: Int = 4, notApplicable: NotApplicableReason? = nil,
                  on day: String = "2025-08-03") -> DomainEvent {
        event(unit, on: day, .householdRegistered(HouseholdDetails(
            householdId: household, label: "Số 12 ngõ 3", size: size,
            residents: [ResidentCount(ageBand: .working, count: 2, withSmartphone: 2), ResidentCount(ageBand: .elderly, count: 2, withSmartphone: 0, notApplicable: 1, notApplicableReason: .elderly)],
            notApplicable: notApplicable)))
    }

    func visit(_ household: ID<Household>, in unit: ID<AdministrativeUnit>, by members: [ID<Member>], on day: String = "2025-08-10") -> DomainEvent {
        event(unit, on: day, .householdVisited(HouseholdVisited(
            householdId: household, memberIds: members,
            skills: SkillOutcomes(onlinePublicServices: .guided, onlinePayment: .mastered),
            services: ServiceOutcomes(vneidActivated: .mastered))))
    }
}

extension WorkFixture {
    /// Runs `body` with an anonymous client of a fresh app over this database (`.router`, or `.live` for a
    /// real socket; sign-in settings as given; a session cache with its listener running beside the server,
    /// if given), and a client as the tables' owner.
    func withAnonymousApp(_ transport: TestingSetup = .router, signIn: SignInSettings = SignInSettings(),
                          revocations: SessionRevocationListener? = nil,
                          _ body: @Sendable (APIClient, PostgresClient) async throws -> Void) async throws {
        let db = database.makeClient()
        let served = database.makeApplicationClient()
        let app = buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
                                   dependencies: AppDependencies(database: served, signIn: signIn, sessionCache: revocations?.cache ?? SessionCache()),
                                   services: revocations.map { [$0] } ?? [], logger: Logger(label: "test"))
        do {
            try await app.test(transport) { client in try await body(APIClient(client: client, token: nil), db) }
        } catch {
            await db.close()
            await served.close()
            throw error
        }
        await db.close()
        await served.close()
    }
}

/// The body of a sign-in request: a login, a password and, where asked, a two-factor or recovery code.
func signInBody(_ name: String, _ password: String, code: String? = nil) -> String {
    var fields = ["login": name, "password": password]
    fields["code"] = code
    return String(decoding: try! JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
}
