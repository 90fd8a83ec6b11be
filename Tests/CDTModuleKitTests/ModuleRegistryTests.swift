import CDTDomain
import CDTModuleKit
import CDTPostgres
import Logging
import Testing

/// A module made of a manifest, and optionally a service it offers.
struct TestModule: FeatureModule {
    let manifest: ModuleManifest
    var offers: (any FiguresService)? = nil
    var routePaths: [String] = []
    var migrations: [Migration] = []
    var settings = SettingsSchema()
    var projectionTables: [String] = []

    init(_ id: String, dependencies: [String] = [], api: ModuleVersion = ModuleAPI.version,
         permissions: [String] = [], roles: [ModuleRole] = [], offers: (any FiguresService)? = nil) {
        manifest = ModuleManifest(
            id: id, name: LocalizedName(vietnamese: id, english: id), version: ModuleVersion(1, 0, 0), moduleAPIVersion: api,
            dependencies: dependencies, permissions: permissions.map { ModulePermission($0, $0) }, roles: roles)
        self.offers = offers
    }

    func provideServices(to services: inout ModuleServiceRegistrations, context: ModuleContext) {
        if let offers { services.register((any FiguresService).self, offers) }
    }

    func addRoutes(to routes: inout ModuleRoutes) {
        for path in routePaths { routes.get(path, access: .view) { _, _ in "ok" } }
    }

    func with(_ change: (inout TestModule) -> Void) -> TestModule {
        var copy = self
        change(&copy)
        return copy
    }
}

protocol FiguresService: Sendable { func households(of team: String) -> Int }
struct FixedFigures: FiguresService { func households(of team: String) -> Int { 42 } }

@Suite struct ModuleRegistryTests {
    func failure(_ modules: [any FeatureModule], api: ModuleVersion = ModuleAPI.version) -> ModuleRegistryError? {
        #expect(throws: ModuleRegistryError.self) { _ = try ModuleRegistry(modules, apiVersion: api) }
        do { _ = try ModuleRegistry(modules, apiVersion: api); return nil } catch { return error }
    }

    @Test func dependenciesComeFirstAndValidModulesLoad() throws {
        let registry = try ModuleRegistry([TestModule("rewards", dependencies: ["coverage"]), TestModule("coverage")])
        #expect(registry.modules.map(\.manifest.id) == ["coverage", "rewards"])
        #expect(registry.module("rewards") != nil && registry.module("nope") == nil)
    }

    @Test func eachBrokenRuleStopsStartUpNamingTheModule() {
        #expect(failure([TestModule("Rewards")]) == .invalidID("Rewards"))
        #expect(failure([TestModule("coverage"), TestModule("coverage")]) == .duplicateID("coverage"))
        #expect(failure([TestModule("rewards", dependencies: ["coverage"])]) == .missingDependency(module: "rewards", dependency: "coverage"))
        #expect(failure([TestModule("a-b", dependencies: ["c-d"]), TestModule("c-d", dependencies: ["e-f"]), TestModule("e-f", dependencies: ["a-b"])])
                == .cyclicDependency(["a-b", "c-d", "e-f", "a-b"]))
        let nextMajor = ModuleVersion(ModuleAPI.version.major + 1, 0, 0)
        #expect(failure([TestModule("rewards", api: nextMajor)]) == .apiVersionMismatch(module: "rewards", needs: nextMajor, offered: ModuleAPI.version))
        #expect(failure([TestModule("rewards", api: ModuleVersion(1, 0, 0))]) == .apiVersionMismatch(module: "rewards", needs: ModuleVersion(1, 0, 0), offered: ModuleAPI.version))
        #expect(failure([TestModule("rewards", api: ModuleVersion(1, 1, 0))], api: ModuleVersion(1, 0, 3))
                == .apiVersionMismatch(module: "rewards", needs: ModuleVersion(1, 1, 0), offered: ModuleVersion(1, 0, 3)))
        #expect(failure([TestModule("rewards", permissions: ["review"])]) == .unprefixedName(module: "rewards", name: "review"))
        let reviewer = ModuleRole("rewards.reviewer", "Reviews nominations", levels: [.province], permissions: ["rewards.review", "rewards.award"])
        #expect(failure([TestModule("rewards", permissions: ["rewards.review"], roles: [reviewer])])
                == .unknownPermission(module: "rewards", role: "rewards.reviewer", permission: "rewards.award"))
        let clash = ModuleRole("rewards.reviewer", "x", levels: [.province], permissions: [])
        #expect(failure([TestModule("rewards", roles: [clash]), TestModule("rewards-two", roles: [clash])]) == .unprefixedName(module: "rewards-two", name: "rewards.reviewer"))
        #expect(failure([TestModule("rewards", permissions: ["rewards.review", "rewards.review"])]) == .clashingPermission("rewards.review", modules: ["rewards"]))
        #expect(failure([TestModule("rewards").with { $0.routePaths = ["list", "/list/"] }]) == .clashingRoute(module: "rewards", route: "GET list"))
        #expect(failure([TestModule("rewards").with { $0.routePaths = ["status"] }])?.description.contains("keeps for module administration") == true)
        #expect(failure([TestModule("rewards").with { $0.migrations = [Migration(owner: "core", name: "0001_x.sql", sql: "")] }])?.description
                .contains("belongs to sql/rewards/") == true)
        let twice = SettingsSchema([.boolean("a", LocalizedName(vietnamese: "a", english: "a"), default: true), .boolean("a", LocalizedName(vietnamese: "a", english: "a"), default: false)])
        #expect(failure([TestModule("rewards").with { $0.settings = twice }]) == .invalidPart(module: "rewards", "settings: setting 'a' is declared twice"))
        let badDefault = SettingsSchema([.integer("size", LocalizedName(vietnamese: "s", english: "s"), range: 1...10, default: 20)])
        #expect(failure([TestModule("rewards").with { $0.settings = badDefault }])?.description.contains("must be from 1 to 10") == true)
        #expect(failure([TestModule("rewards").with { $0.projectionTables = ["teams"] }])?.description.contains("rewards_") == true)
        #expect(ModuleRegistryError.missingDependency(module: "rewards", dependency: "coverage").description.contains("'rewards'"))
    }

    @Test func aModuleReachesOnlyTheServicesOfItsDependencies() async throws {
        let registry = try ModuleRegistry([
            TestModule("coverage", offers: FixedFigures()),
            TestModule("rewards", dependencies: ["coverage"]),
            TestModule("partner-discounts"),
        ])
        // Nothing connects: the client opens connections only when a query needs one.
        let client = PostgresClient(configuration: .init(conninfo: "postgresql://nowhere.invalid/none"))
        let contexts = registry.contexts(ModuleEnvironment(
            database: client, logger: Logger(label: "test"), today: { CalendarDate("2026-11-22")! }))
        let figures = try contexts["rewards"]!.services.service((any FiguresService).self)
        #expect(figures.households(of: "t") == 42)
        #expect(try contexts["rewards"]!.services.service((any FiguresService).self, from: "coverage").households(of: "t") == 42)
        #expect(throws: ModuleServiceError.self) { _ = try contexts["partner-discounts"]!.services.service((any FiguresService).self) }
        #expect(throws: ModuleServiceError.self) { _ = try contexts["rewards"]!.services.service((any FiguresService).self, from: "partner-discounts") }
        await client.close()
    }
}
