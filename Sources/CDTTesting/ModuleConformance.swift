public import CDTDomain
public import CDTModuleKit
import CDTPostgres
import HTTPTypes
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
///    rebuild leave the projection tables in the same state, and not an empty one.
public enum ModuleConformance {
    /// - Parameters:
    ///   - dependencies: the modules it depends on, enabled alongside it.
    ///   - sampleEvents: events in the test hierarchy that the module consumes.
    public static func check(
        _ module: any FeatureModule, dependencies: [any FeatureModule] = [],
        sampleEvents: @Sendable (TestUnits, TestEvents) -> [DomainEvent] = { _, _ in [] }
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
            try await checkReplayEqualsLive(module, harness, events: sampleEvents(harness.units, harness.events))
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
            "/api/v1/modules/\(id)/" + route.path.split(separator: "/").map { $0.hasPrefix("{") ? UUID().uuidString.lowercased() : String($0) }.joined(separator: "/")
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
