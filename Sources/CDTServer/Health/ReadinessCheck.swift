import CDTPostgres

/// Whether the server can do its work: the database answers and its schema is current.
struct ReadinessCheck: Sendable {
    let database: PostgresClient
    let migrations: [Migration]

    enum Outcome: Sendable, Equatable {
        case ready
        case notReady(String)
    }

    func evaluate() async -> Outcome {
        do {
            switch try await MigrationRunner(client: database, migrations: migrations).status() {
            case .current: return .ready
            case .pending(let paths): return .notReady("migrations not applied: \(paths.joined(separator: ", "))")
            case .conflict(let message): return .notReady(message)
            }
        } catch let error as PostgresError {
            return .notReady("database unavailable: \(error.message)")
        } catch {
            return .notReady("database unavailable: \(error)")
        }
    }
}
