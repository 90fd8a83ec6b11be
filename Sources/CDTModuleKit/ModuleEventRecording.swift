import Hummingbird

/// Appends a module's events to the platform's log for the caller of a route; the server gives one to
/// each ``ModuleRequestContext``. Modules call ``ModuleRequestContext/record(_:in:)``.
public protocol ModuleEventRecording: Sendable {
    /// Appends `event` inside `transaction` (a savepoint of its own), audited as the caller, and says what
    /// became of it.
    func record(_ event: DomainEvent, in transaction: PostgresSession) async throws -> AppendOutcome
}

extension ModuleRequestContext {
    /// Whether `unit` lies where the caller records work or holds one of the module's permissions; for an
    /// external actor, in a province where the module is enabled.
    func reaches(_ unit: CoreUnit) -> Bool {
        if caller.externalActorID != nil { return unit.provinceID.map(provinces.contains) ?? provinces.contains(unit.id) }
        return permissionReach.union(changeScope).contains(path: unit.path)
    }
}

/// What ``ModuleRequestContext/record(_:in:)`` did with an event.
public enum RecordedEvent: Sendable, Hashable {
    /// Stored now.
    case stored
    /// Stored before under the same id with the same body (a resend): nothing changed.
    case storedBefore
}

extension ModuleRequestContext {
    /// Records `event`, of a kind this module declares (``ModuleEventKind/event(id:in:by:at:version:_:)``),
    /// in the platform's event log inside `transaction`, so the module's own writes and the event commit
    /// together or not at all. The event is checked like a submitted one: its kind's payload rules, the unit
    /// existing on the day, the caller's authority over the unit's teams and members it names and how far
    /// back it may be dated; it is idempotent on its id, audited as `event.recorded` with the caller, and
    /// delivered to the modules that consume it.
    ///
    /// ```swift
    /// try await context.module.database.withTransaction { tx in
    ///     let event = try Self.endorsed.event(in: practice.unitID, by: author, Endorsed(practiceId: id, note: note))
    ///     if try await context.record(event, in: tx) == .stored { try await tx.execute("INSERT INTO …") }
    /// }
    /// ```
    /// - Throws: a `ProblemDetails` the route may pass on: 409 for an id used by another event, 422 for a
    ///   rule broken, 403 for a unit or something named outside the caller's reach (the unit must be where
    ///   they record work or hold one of the module's permissions).
    @discardableResult
    public func record(_ event: DomainEvent, in transaction: PostgresSession) async throws -> RecordedEvent {
        guard event.type.moduleID == module.moduleID else {
            throw ProblemDetails(status: .internalServerError, detail: "Module '\(module.moduleID)' may record only its own kinds of event, not \(event.type).")
        }
        guard let recorder else {
            throw ProblemDetails(status: .internalServerError, detail: "This context cannot record events.")
        }
        // The event's unit must be within the caller's reach: where they record work or hold one of the
        // module's permissions (an external actor: a province where the module is enabled).
        let unit = try await CoreReads(module.database).unit(event.unitID)
        guard let unit, reaches(unit) else {
            throw ProblemDetails(status: .forbidden, detail: "You may not record this module's events in that unit.",
                                 errors: [.init(field: "unitId", rule: "must name a unit where you may record work or hold a role of the module")])
        }
        switch try await recorder.record(event, in: transaction) {
        case .accepted: return .stored
        case .duplicate: return .storedBefore
        case .conflict:
            throw ProblemDetails(status: .conflict, detail: "An event with id \(event.id) was recorded with a different body.",
                                 errors: [.init(field: "id", rule: "must not reuse the id of a different event")])
        case .rejected(let failure):
            throw ProblemDetails.unprocessable(failure)
        case .forbidden(let failure):
            throw ProblemDetails(status: .forbidden, detail: "The event names something you may not change.",
                                 errors: failure.violations.map(ProblemDetails.FieldError.init))
        }
    }
}
