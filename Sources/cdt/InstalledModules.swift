import CDTCoverage
import CDTGoodPractices
import CDTModuleKit
import CDTPartnerDiscounts
import CDTPostgres
import CDTRewards
import Foundation

/// The feature modules compiled into `cdt`: the composition root, and the one place that imports them.
/// To install a module, add its target to the `cdt` target's dependencies in Package.swift and its value here.
enum InstalledModules {
    static let all: [any FeatureModule] = [
        GoodPracticesModule(),
        CoverageModule(),
        RewardsModule(),
        PartnerDiscountsModule(),
    ]

    /// The registry, validated; an invalid set of modules stops the command with the registry's message.
    static func registry() throws -> ModuleRegistry {
        do {
            return try ModuleRegistry(all)
        } catch {
            throw CommandError("the installed modules cannot start: \(error)")
        }
    }

    /// Every migration: the core's, then the modules'.
    static var migrations: [Migration] {
        get throws { try registry().schemaMigrations }
    }

    // MARK: What a module-specific benchmark reaches, here so no other file imports a module

    /// The coverage module's base figures of `units` on `date` by a plain GROUP BY over the raw events,
    /// and the keys of those figures: `cdt bench coverage-reads` measures the module against them.
    static func coverageReference(_ units: [ID<AdministrativeUnit>], at date: CalendarDate, _ db: PostgresClient) async throws -> [UUID: [String: Double]] {
        try await PlainSQLReference.drillDown(units, at: date, db)
    }

    /// The coverage module, for `cdt bench run`'s rebuild and replay.
    static var coverage: any FeatureModule {
        get throws {
            guard let module = all.first(where: { $0.manifest.id == "coverage" }) else { throw CommandError("the coverage module is not installed") }
            return module
        }
    }

    /// The keys of the coverage module's base metrics (those ``coverageReference(_:at:_:)`` computes).
    static var coverageBaseMetrics: Set<String> { Set(Metric.base.map(\.key)) }
}
