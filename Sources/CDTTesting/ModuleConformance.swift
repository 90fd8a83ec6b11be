public import CDTDomain
public import CDTModuleKit
import CDTPostgres
public import HTTPTypes
import Foundation

/// The checks every module passes, whoever wrote it. Call it from a test of the module:
///
/// ```swift
/// @Test func conformance() async throws {
///     try await ModuleConformance.check(GoodPracticesModule()) { units, events in
///         [events.shared(in: units.villageA1, title: "Thanh toán không tiền mặt ở chợ")]
///     }
/// }
/// ```
/// It throws a ``ConformanceFailure`` naming the first check that fails:
/// 1. the manifest validates in a registry with the module's dependencies;
/// 2. its migrations apply to a new database, and applying them again changes nothing; each of its
///    tables with a `province_id` is under forced row-level security and readable by the application role;
/// 3. while it is enabled nowhere, every route answers 404 even to a national administrator; enabled in
///    province A only, every route answers 404 to province B's administrator;
/// 4. delivering the sample events live (one at a time, as they arrive) and replaying them after a
///    rebuild leave the projection tables in the same state, and not an empty one;
/// 5. every route that changes something (any method but GET and HEAD) has a sample request, each
///    sample succeeds, and each writes an audit entry `<module id>.…` placed in a province
///    (``ModuleRequestContext/audit(action:unit:subject:details:in:)``).
public enum ModuleConformance {
    /// - Parameters:
    ///   - dependencies: the modules it depends on, enabled alongside it.
    ///   - sampleEvents: events in the test hierarchy that the module consumes.
    ///   - sampleMutations: one successful request for each route that changes something, made once the
    ///     module is enabled in province B and the sample events are delivered (the harness is there to
    ///     seed what a request needs; the events are the sample events).
    public static func check(
        _ module: any FeatureModule, dependencies: [any FeatureModule] = [],
        sampleEvents: @Sendable (TestUnits, TestEvents) -> [DomainEvent] = { _, _ in [] },
        sampleMutations: @Sendable (ModuleTestHarness, [DomainEvent]) async throws -> [ModuleSampleRequest] = { _, _ in [] }
    ) async throws {
        let harness: ModuleTestHarness
        do {
            harness = try await ModuleTestHarness.make(dependencies + [module])
        } catch let error as ModuleRegistryError {
            throw ConformanceFailure(check: "manifest", "\(error)")
        }
        do {
            try await checkMigrations(module, harness)
            try await checkDisabledMeansNotFound(module, harness)
            let events = sampleEvents(harness.units, harness.events)
            try await checkReplayEqualsLive(module, harness, events: events)
            try await checkMutationsAudited(module, harness, samples: try await sampleMutations(harness, events))
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    static func checkMigrations(_ module: any FeatureModule, _ harness: ModuleTestHarness) async throws {
        let again = try await MigrationRunner(client: harness.owner, migrations: harness.registry.schemaMigrations).apply()
        guard again.isEmpty else { throw ConformanceFailure(check: "migrations", "applying them a second time applied \(again)") }
        let prefix = module.manifest.id.replacingOccurrences(of: "-", with: "_") + "_"
        let tables = try await harness.owner.query("""
            SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity, has_table_privilege('cdt_app', c.oid, 'SELECT')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname LIKE \(prefix + "%")
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'province_id' AND NOT a.attisdropped)
            """).decode((String, Bool, Bool).self)
        for (table, secured, readable) in tables where !secured || !readable {
            throw ConformanceFailure(check: "migrations", "table \(table) holds provinces' data: call SELECT cdt_tenant_table('\(table)') in its migration")
        }
        for table in module.projectionTables where !tables.contains(where: { $0.0 == table }) {
            throw ConformanceFailure(check: "migrations", "projection table \(table) does not exist or has no province_id column")
        }
    }

    static func checkDisabledMeansNotFound(_ module: any FeatureModule, _ harness: ModuleTestHarness) async throws {
        let id = module.manifest.id
        let routes = harness.registry.routes[id] ?? []
        @Sendable func uri(_ route: ModuleRoute) -> String {
            "/api/v1/modules/\(id)/" + route.path.split(separator: "/").map { $0.hasPrefix("{") ? UUID().lowercasedText : String($0) }.joined(separator: "/")
        }
        try await harness.withClient(as: [RoleAssignment(role: .nationalAdministrator, unitID: nil)]) { client in
            for route in routes {
                let answer = try await client.send(route.method, uri(route), body: route.method == .get ? nil : "{}")
                guard answer.status == .notFound else {
                    throw ConformanceFailure(check: "disabled means 404", "\(route.method) \(uri(route)) answered \(answer.status.code) while the module is enabled nowhere")
                }
            }
        }
        for dependency in harness.registry.modules where dependency.manifest.id != id {
            try await harness.enable(dependency.manifest.id, in: harness.units.provinceA)
        }
        try await harness.enable(id, in: harness.units.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: harness.units.provinceB)]) { client in
            for route in routes {
                let answer = try await client.send(route.method, uri(route), body: route.method == .get ? nil : "{}")
                guard answer.status == .notFound else {
                    throw ConformanceFailure(check: "disabled means 404", "\(route.method) \(uri(route)) answered \(answer.status.code) to province B, where the module is disabled")
                }
            }
        }
    }

    static func checkReplayEqualsLive(_ module: any FeatureModule, _ harness: ModuleTestHarness, events: [DomainEvent]) async throws {
        let id = module.manifest.id
        for dependency in harness.registry.modules where dependency.manifest.id != id {
            try await harness.enable(dependency.manifest.id, in: harness.units.provinceB)
        }
        try await harness.enable(id, in: harness.units.provinceB)
        for event in events {
            let outcome = try await harness.append([event])
            if case .rejected(let failure) = outcome[0] {
                throw ConformanceFailure(check: "replay equals live", "a sample event was rejected by the event log: \(failure)")
            }
            try await harness.catchUp()
        }
        var live: [String: [String]] = [:]
        for table in module.projectionTables { live[table] = try await harness.snapshot(table) }
        if !module.projectionTables.isEmpty, !module.manifest.consumes.isEmpty, live.values.allSatisfy(\.isEmpty) {
            throw ConformanceFailure(check: "replay equals live", "the sample events left every projection table empty; pass events the module consumes")
        }
        try await harness.rebuild(id)
        for table in module.projectionTables where try await !harness.snapshot(table).isEmpty {
            throw ConformanceFailure(check: "replay equals live", "rebuild left rows in \(table)")
        }
        try await harness.catchUp()
        for table in module.projectionTables {
            let replayed = try await harness.snapshot(table)
            guard replayed == live[table] else {
                throw ConformanceFailure(check: "replay equals live", "\(table) after replay differs from live delivery: \(replayed.count) rows against \(live[table]?.count ?? 0)")
            }
        }
    }
}

extension ModuleConformance {
    static func checkMutationsAudited(_ module: any FeatureModule, _ harness: ModuleTestHarness, samples: [ModuleSampleRequest]) async throws {
        let id = module.manifest.id
        let mutating = (harness.registry.routes[id] ?? []).filter { $0.method != .get && $0.method != .head }
        for route in mutating where !samples.contains(where: { $0.matches(route) }) {
            throw ConformanceFailure(check: "mutations audited", "\(route.method) \(route.path) changes something: pass a sample request for it in sampleMutations")
        }
        for sample in samples {
            let count: PostgresQuery = "SELECT count(*), count(*) FILTER (WHERE province_id IS NULL) FROM audit_log WHERE action LIKE \(id + ".%")"
            let (before, _) = try await harness.owner.query(count).decode((Int64, Int64).self)[0]
            try await harness.withClient(as: sample.roles, phone: sample.phone) { signedIn in
                try await sample.prepare?(signedIn)
                let client = sample.token.map { signedIn.withToken($0) } ?? signedIn
                let uri = "/api/v1/modules/\(id)/\(sample.path)"
                let answer = if let form = sample.form {
                    try await client.submitForm(uri, form)
                } else {
                    try await client.send(sample.method, uri, body: sample.body)
                }
                // A form answers 303 when it succeeded: the browser goes on to the page that shows the change.
                guard (200..<300).contains(answer.status.code) || (sample.form != nil && answer.status == .seeOther) else {
                    throw ConformanceFailure(check: "mutations audited", "the sample \(sample.method) \(sample.path) answered \(answer.status.code): \(answer.text)")
                }
            }
            let (after, unplaced) = try await harness.owner.query(count).decode((Int64, Int64).self)[0]
            guard after > before else {
                throw ConformanceFailure(check: "mutations audited", "\(sample.method) \(sample.path) succeeded without an audit entry: call context.audit(action:unit:subject:details:in:)")
            }
            guard unplaced == 0 else {
                throw ConformanceFailure(check: "mutations audited", "\(sample.method) \(sample.path) wrote an audit entry with no unit: pass the unit it concerns, so its province's auditors see it")
            }
        }
    }
}

/// A request that changes something, for the conformance check that every such route writes an audit entry.
public struct ModuleSampleRequest: Sendable {
    public var method: HTTPRequest.Method
    /// Under `/api/v1/modules/<id>/`, with the ids filled in: `practices/<id>/endorsement`.
    public var path: String
    public var body: String?
    /// The fields of a form route's post (``form(_:_:as:)``), sent as a browser would with the session
    /// cookie and the form token; `nil` for a JSON request.
    public var form: [(String, String)]?
    /// The roles of the account sending it.
    public var roles: [RoleAssignment]
    /// A token sent instead of the account's session: an external actor's API key (`cdtk_…`), for a module's
    /// ``ModuleRouteAccess/externalActor`` routes.
    public var token: String?
    /// The account's phone number, to act as the team member with that phone (``CDTModuleKit/ModuleRequestContext/callerMembers()``).
    public var phone: String?
    /// Runs with the signed-in client before the request is sent: to give the new account what the request
    /// needs (a module binding it to an external actor, say).
    public var prepare: (@Sendable (ModuleTestClient) async throws -> Void)?

    public init(_ method: HTTPRequest.Method, _ path: String, body: String? = nil,
                as roles: [RoleAssignment] = [RoleAssignment(role: .nationalAdministrator, unitID: nil)], token: String? = nil, phone: String? = nil) {
        self.phone = phone
        self.method = method
        self.path = path
        self.body = body
        self.roles = roles
        self.token = token
    }

    /// A post of a form route's fields (``CDTModuleKit/ModuleRoutes/form(_:access:documentation:_:)``), sent as a
    /// browser sends it: the session cookie, the form token, from this site.
    public static func form(_ path: String, _ fields: [(String, String)],
                            as roles: [RoleAssignment] = [RoleAssignment(role: .nationalAdministrator, unitID: nil)]) -> ModuleSampleRequest {
        var sample = ModuleSampleRequest(.post, path, as: roles)
        sample.form = fields
        return sample
    }

    /// Whether this request is one of `route`'s (its `{parameters}` match any segment).
    func matches(_ route: ModuleRoute) -> Bool {
        let pattern = route.path.split(separator: "/"), segments = (path.split(separator: "?").first ?? "").split(separator: "/")
        return method == route.method && pattern.count == segments.count
            && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

/// A module failed one of the conformance checks.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let check: String
    public let detail: String

    init(check: String, _ detail: String) {
        self.check = check
        self.detail = detail
    }

    public var description: String { "conformance check '\(check)' failed: \(detail)" }
}
