import CDTPostgres
import CDTModuleKit

/// Whether the server can do its work: the database answers and its schema is current.
struct ReadinessCheck: Sendable {
    let database: PostgresClient
    let migrations: [Migration]
    let modules: ModuleHost

    enum Outcome: Sendable, Equatable {
        case ready
        case notReady(String)
    }

    func evaluate() async -> Outcome {
        do {
            switch try await MigrationRunner(client: database, migrations: migrations).status() {
            case .current: return await modulesReadiness()
            case .pending(let paths): return .notReady("migrations not applied: \(paths.joined(separator: ", "))")
            case .conflict(let message): return .notReady(message)
            }
        } catch let error as PostgresError {
            return .notReady("database unavailable: \(error.message)")
        } catch {
            return .notReady("database unavailable: \(error)")
        }
    }

    /// What each module reports; the first that is not ready names itself.
    private func modulesReadiness() async -> Outcome {
        for module in modules.registry.modules {
            guard let context = modules.contexts[module.manifest.id] else { continue }
            if case .notReady(let reason) = await module.readiness(context: context) {
                return .notReady("module \(module.manifest.id): \(reason)")
            }
        }
        return .ready
    }
}
