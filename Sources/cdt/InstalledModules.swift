import CDTCoverage
import CDTGoodPractices
import CDTModuleKit
import CDTPostgres

/// The feature modules compiled into `cdt`: the composition root, and the one place that imports them.
/// To install a module, add its target to the `cdt` target's dependencies in Package.swift and its value here.
enum InstalledModules {
    static let all: [any FeatureModule] = [
        GoodPracticesModule(),
        CoverageModule(),
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
}
