import CDTDomain
import CDTModuleKit
import CDTPostgres
import Foundation

/// Appends a module route's events for its caller: checked by the kind's declaration, then through the
/// log's one append path (the unit, the caller's authority over what the event names, idempotence, the
/// audit line) inside the route's transaction.
struct RouteEventRecorder: ModuleEventRecording {
    let catalog: ModuleEventCatalog
    /// Who records, for the audit line.
    let recorder: AuditEntry
    /// What the caller may name (`nil` for an external actor, whom the module vouches for).
    let authority: EventAuthority?
    let now: @Sendable () -> Date

    func record(_ event: DomainEvent, in transaction: PostgresSession) async throws -> AppendOutcome {
        let checked: DomainEvent
        do {
            checked = try catalog.recorded(event)
        } catch {
            return .rejected(error)
        }
        return try await PostgresEventLog.append(checked, recordedBy: recorder, authority: authority, now: now(), in: transaction)
    }
}
