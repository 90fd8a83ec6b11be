public import CDTDomain
public import CDTModuleKit
public import CDTPostgres
public import CDTServer
public import Foundation
public import HTTPTypes
import Hummingbird
public import HummingbirdTesting
import Logging
import NIOCore
public import Prometheus

/// Everything a module's tests need: an ephemeral PostgreSQL database with the core's and the modules'
/// migrations and a two-province hierarchy (``units``), the modules enabled where the test says, events
/// appended through the real event log, delivery on demand, and HTTP clients over the real router.
///
/// ```swift
/// let harness = try await ModuleTestHarness.make([GoodPracticesModule()])
/// try await harness.enable("good-practices", in: harness.units.provinceA)
/// try await harness.append([harness.events.shared(in: harness.units.villageA1, title: "Chợ 4.0")])
/// try await harness.catchUp()
/// try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: harness.units.communeA)]) { client in
///     let answer = try await client.get("/api/v1/modules/good-practices/practices")
///     #expect(answer.status == .ok)
/// }
/// await harness.close()
/// ```
public final class ModuleTestHarness: Sendable {
    public let database: TestDatabase
    public let units: TestUnits
    public let events = TestEvents()
    public let registry: ModuleRegistry
    /// Connected as the tables' owner (for set-up and rebuilds).
    public let owner: PostgresClient
    /// Connected as the application role, as the server is.
    public let application: PostgresClient
    public let dependencies: AppDependencies
    public let dispatcher: ModuleDispatcher
    public let metrics: PrometheusCollectorRegistry
    /// The instant the app takes for "now" unless a test gives another to ``make(_:in:units:now:)``.
    public static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    /// The instant this harness's app takes for "now": ``now`` by default; a test driving a browser, whose
    /// clock is the machine's, gives `Date()`.
    public let now: Date

    private init(database: TestDatabase, units: TestUnits, registry: ModuleRegistry, owner: PostgresClient, application: PostgresClient, now: Date) {
        self.now = now
        self.database = database
        self.units = units
        self.registry = registry
        self.owner = owner
        self.application = application
        self.metrics = PrometheusCollectorRegistry()
        self.dependencies = AppDependencies(
            database: application, today: { CalendarDate(now) }, now: { now }, modules: registry, metrics: metrics)
        self.dispatcher = ModuleDispatcher(
            host: dependencies.modules, database: application, listenConninfo: database.applicationConninfo, metrics: metrics,
            logger: Logger(label: "test.dispatcher"), retryDelays: [.milliseconds(10), .milliseconds(20)])
    }

    /// A new database with `modules` installed (not yet enabled anywhere).
    /// - Parameter cluster: where to create it; the test run's shared cluster by default (see
    ///   ``TestPostgres/makeDatabase(in:)`` for when a private one is needed).
    /// - Throws: the registry's error when the modules are invalid together.
    /// - Parameter units: the hierarchy to add; ``TestUnits/init(secondCommunes:)`` with a second commune
    ///   in each province for a module whose figures or rules span communes.
    /// - Parameter now: the instant the app takes for "now" (``now`` by default).
    public static func make(_ modules: [any FeatureModule], in cluster: EmbeddedCluster? = nil,
                            units: TestUnits = TestUnits(), now: Date = ModuleTestHarness.now) async throws -> ModuleTestHarness {
        let registry = try ModuleRegistry(modules)
        let database = try await TestPostgres.makeDatabase(in: cluster)
        let owner = database.makeClient()
        do {
            try await MigrationRunner(client: owner, migrations: registry.schemaMigrations).apply()
            try await units.add(to: owner)
        } catch {
            await owner.close()
            throw error
        }
        return ModuleTestHarness(database: database, units: units, registry: registry, owner: owner, application: database.makeApplicationClient(maximumConnections: 6), now: now)
    }

    public func close() async {
        await application.close()
        await owner.close()
    }

    /// The context module `id` runs with, as the server gives it (its services, database, settings and clock).
    public func context(of id: String) -> ModuleContext? {
        dependencies.modules.contexts[id]
    }

    // MARK: Enablement

    /// Enables module `id` in `province`, with `settings`, as the command line does.
    @discardableResult
    public func enable(_ id: String, in province: ID<AdministrativeUnit>, settings: [String: JSONValue] = [:]) async throws -> ProvinceModuleState {
        try await change(id, in: province, ModuleChange(enabled: true, settings: settings))
    }

    /// Disables module `id` in `province`.
    @discardableResult
    public func disable(_ id: String, in province: ID<AdministrativeUnit>) async throws -> ProvinceModuleState {
        try await change(id, in: province, ModuleChange(enabled: false))
    }

    public func change(_ id: String, in province: ID<AdministrativeUnit>, _ change: ModuleChange) async throws -> ProvinceModuleState {
        try await RowScope.$current.withValue(.everyProvince) {
            try await ModuleAdministration(host: dependencies.modules, database: application).change(id, in: province, change, by: .commandLine)
        }
    }

    // MARK: Events and delivery

    /// Appends events through the real event log (validation, idempotency, projections).
    @discardableResult
    public func append(_ events: [DomainEvent]) async throws -> [AppendOutcome] {
        try await RowScope.$current.withValue(.everyProvince) {
            let now = self.now
            return try await PostgresEventLog(client: application, now: { now }).append(events)
        }
    }

    /// Delivers every pending event to every module, as the server's dispatcher does.
    /// Waits up to two minutes: delivery waits for every older transaction of the cluster, and on the
    /// shared test cluster another test's long one (a batch of 1,000 events on a busy machine) can
    /// take more than the dispatcher's default 30 s.
    public func catchUp() async throws {
        try await dispatcher.catchUp(timeout: .seconds(120))
    }

    /// Empties module `id`'s projection tables and checkpoints, as `cdt modules rebuild` does.
    public func rebuild(_ id: String) async throws {
        guard let module = registry.module(id) else { throw ModuleAdministrationError.unknownModule(id) }
        _ = try await ModuleAdministration.rebuild(module, owner: owner)
    }

    /// Every row of `table`, as sorted JSON text, read as the owner across provinces.
    public func snapshot(_ table: String) async throws -> [String] {
        try await RowScope.$current.withValue(.everyProvince) {
            try await owner.query("SELECT row_to_json(t)::text FROM \(unsafeSQL: PostgresQuery.quoteIdentifier(table)) t ORDER BY 1").decode(String.self)
        }
    }

    // MARK: HTTP

    /// Runs `body` with a client of the app signed in as a new account holding `roles` (with two-factor
    /// sign-in on when a role requires it), or anonymous when `roles` is empty. With `.live` the app
    /// serves on a real socket on 127.0.0.1 (its port is ``ModuleTestClient/port``), for a browser to visit.
    ///
    /// With `phone`, the account carries that phone number, which is how it is found on the teams
    /// (``CDTModuleKit/ModuleRequestContext/callerMembers()``): give it a member's phone to act as that member.
    public func withClient(
        as roles: [RoleAssignment], phone: String? = nil, transport: TestingSetup = .router, _ body: @Sendable (ModuleTestClient) async throws -> Void
    ) async throws {
        let app = buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), dependencies: dependencies, logger: Logger(label: "test"))
        let login = roles.isEmpty ? nil : try await makeAccount(roles, phone: phone)
        try await app.test(transport) { client in
            var token: String?
            if let login {
                let answer = try await ModuleTestClient(client: client, token: nil).post("/api/v1/auth/login", login.body)
                guard answer.status == .ok, let issued = answer.json["token"] as? String else {
                    throw TestHarnessError("sign-in failed: \(answer.status) \(answer.text)")
                }
                token = issued
            }
            try await body(ModuleTestClient(client: client, token: token, accountID: login?.accountID, login: login?.fields))
        }
    }

    /// Gives the account `role` of a module at `unit`.
    public func grant(moduleRole role: String, to account: ID<Account>, at unit: ID<AdministrativeUnit>) async throws {
        try await PostgresModuleRoles(client: owner).assign(role, to: account, at: unit)
    }

    struct Login {
        let accountID: ID<Account>
        let fields: [String: String]
        var body: String { String(decoding: try! JSONSerialization.data(withJSONObject: fields), as: UTF8.self) }
    }

    private func makeAccount(_ roles: [RoleAssignment], phone: String? = nil) async throws -> Login {
        let name = "user-" + UUID().uuidString.prefix(8).lowercased()
        let password = "correct horse battery staple"
        let account = try await AccountAdministration(client: owner).createAccount(username: name, phone: phone, displayName: "Người thử", password: password, roles: roles)
        var fields = ["login": name, "password": password]
        if roles.contains(where: { $0.role.requiresTwoFactor }) {
            try await AccountAdministration(client: owner).turnOnTwoFactor(account.id, secret: "TESTSECRETTESTSECRET", secrets: dependencies.signIn.secrets)
            fields["code"] = await TestTwoFactorCodes.next(for: name, secret: "TESTSECRETTESTSECRET")
        }
        return Login(accountID: account.id, fields: fields)
    }
}

/// A client of the test app that sends its session token with every request.
public struct ModuleTestClient: Sendable {
    let client: any TestClientProtocol
    let token: String?
    /// The signed-in account, if any.
    public let accountID: ID<Account>?
    /// The account's sign-in fields (`login`, `password`, `code`), for signing in again elsewhere. A `code`
    /// is good once: to sign in again, replace it with ``TestTwoFactorCodes/next(for:secret:)``.
    public let login: [String: String]?
    /// The port the app listens on, with the `.live` transport.
    public var port: Int? { client.port }

    init(client: any TestClientProtocol, token: String?, accountID: ID<Account>? = nil, login: [String: String]? = nil) {
        self.client = client
        self.token = token
        self.accountID = accountID
        self.login = login
    }

    /// The same client sending `token` instead (an API key a module issued, say), or none.
    public func withToken(_ token: String?) -> ModuleTestClient {
        ModuleTestClient(client: client, token: token, accountID: nil, login: nil)
    }

    public func get(_ uri: String) async throws -> TestAnswer {
        try await send(.get, uri, body: nil)
    }

    public func post(_ uri: String, _ body: String) async throws -> TestAnswer {
        try await send(.post, uri, body: body)
    }

    /// Posts an HTML form to `uri` as a browser does after opening one of the server's pages: the session in
    /// the cookie (not the bearer header), the session's form token in the `csrf` field (unless `fields`
    /// has one), `Sec-Fetch-Site: same-origin`. A form route answers 303 when it succeeded.
    public func submitForm(_ uri: String, _ fields: [(String, String)], site: String = "same-origin") async throws -> TestAnswer {
        var fields = fields
        if let token, !fields.contains(where: { $0.0 == FormFields.tokenField }) {
            fields.append((FormFields.tokenField, FormTokens.token(forSession: token)))
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { ($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.0) + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1) }
            .joined(separator: "&")
        var headers: HTTPFields = [.contentType: RouteDocumentation.formMediaType, .init("Sec-Fetch-Site")!: site]
        if let token { headers[.cookie] = "cdt_session=\(token)" }
        return try await execute(.post, uri, headers, ByteBuffer(string: body))
    }

    /// Opens a page as a browser does: the session in the cookie, asking for HTML.
    public func openPage(_ uri: String) async throws -> TestAnswer {
        var headers: HTTPFields = [.accept: "text/html"]
        if let token { headers[.cookie] = "cdt_session=\(token)" }
        return try await execute(.get, uri, headers, nil)
    }

    public func send(_ method: HTTPRequest.Method, _ uri: String, body: String?) async throws -> TestAnswer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(method, uri, headers, body.map { ByteBuffer(string: $0) })
    }

    private func execute(_ method: HTTPRequest.Method, _ uri: String, _ headers: HTTPFields, _ body: ByteBuffer?) async throws -> TestAnswer {
        try await client.execute(uri: uri, method: method, headers: headers, body: body) {
            TestAnswer(status: $0.status, text: String(buffer: $0.body), headers: $0.headers)
        }
    }
}

/// An HTTP answer as tests read it.
public struct TestAnswer: @unchecked Sendable {
    public let status: HTTPResponse.Status
    public let text: String
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, text: String, headers: HTTPFields = [:]) {
        self.status = status
        self.text = text
        self.headers = headers
    }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    /// The `items` of a list answer.
    public var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    /// The `field` of each problem error.
    public var fields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
}

/// A test set-up step failed.
public struct TestHarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
