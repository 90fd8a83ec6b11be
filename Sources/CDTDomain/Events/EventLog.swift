public import Foundation

/// What became of one event handed to the log.
public enum AppendOutcome: Hashable, Sendable {
    /// Stored now, with the time it was recorded.
    case accepted(recordedAt: Date)
    /// The same event was stored before (at `recordedAt`); nothing changed.
    case duplicate(recordedAt: Date)
    /// An event with this id but a different body was stored before; nothing changed.
    case conflict
    /// The event breaks a rule; nothing of it was stored.
    case rejected(ValidationFailure)
    /// The event names something its recorder may not change (see ``EventAuthority``); nothing of it was stored.
    case forbidden(ValidationFailure)
}

/// Which events a list shows.
public struct EventFilter: Hashable, Sendable {
    /// Events in this unit's subtree (the unit itself included).
    public var underUnitID: ID<AdministrativeUnit>?
    public var types: [EventType]
    /// Events that occurred on or after this day (in Vietnam).
    public var occurredFrom: CalendarDate?
    /// Events that occurred on or before this day.
    public var occurredUntil: CalendarDate?
    /// Only events inside this scope (the caller's view scope; ``AccessScope/nationwide`` for no limit).
    /// `nil` matches nothing: a list that forgets its scope is empty, not everything.
    public var within: AccessScope?

    public init(underUnitID: ID<AdministrativeUnit>? = nil, types: [EventType] = [], occurredFrom: CalendarDate? = nil, occurredUntil: CalendarDate? = nil) {
        self.underUnitID = underUnitID
        self.types = types
        self.occurredFrom = occurredFrom
        self.occurredUntil = occurredUntil
    }
}
