import CDTDomain
import Foundation

/// The rules an appended event is held to against stored data (its unit; the household and members a
/// visit or survey names), said once for the two ways events are appended: one at a time
/// (``EventProjection``) and in runs (``ReadOnlyEventRun``).
enum AppendRules {
    static let householdOutsideProvince = ValidationFailure(
        field: "payload.householdId", rule: "must name a household registered in the event unit's province")

    static func memberOutsideProvince(_ index: Int, field: String = "payload.memberIds") -> ValidationFailure {
        ValidationFailure(field: "\(field)[\(index)]", rule: "must name a member recorded in the event unit's province")
    }

    static func notTheHouseholdsUnit(_ householdUnit: ID<AdministrativeUnit>) -> ValidationFailure {
        ValidationFailure(field: "unitId", rule: "must be the household's unit (\(householdUnit)) or its successor")
    }

    static let unknownUnit = ValidationFailure(field: "unitId", rule: "must name an existing unit")

    /// Why `event` may not be recorded in `unit`, or `nil` when the unit exists and is in force on the event's day.
    static func unitFailure(_ unit: StoredUnit?, for event: DomainEvent) -> ValidationFailure? {
        guard let unit else { return unknownUnit }
        guard unit.validity.contains(event.occurredOn) else {
            return ValidationFailure(field: "unitId", rule: "must name a unit in force on the day the event occurred (\(event.occurredOn)); it was valid \(unit.validity)")
        }
        return nil
    }

    /// Whether `unit` is `householdUnit` or carries it on after merges or splits (its successor, at any depth).
    static func carriesOn(_ householdUnit: ID<AdministrativeUnit>, in unit: ID<AdministrativeUnit>, _ session: PostgresSession) async throws -> Bool {
        if householdUnit == unit { return true }
        return try await session.query("""
            WITH RECURSIVE heirs(id) AS (
                SELECT \(householdUnit)::uuid
                UNION SELECT l.successor_id FROM unit_lineage l JOIN heirs h ON l.predecessor_id = h.id
            )
            SELECT EXISTS (SELECT 1 FROM heirs WHERE id = \(unit))
            """).decode(Bool.self)[0]
    }

    /// Where the teams and members `events` name are (see ``NamedPlaces``), in one statement (``RunFacts``).
    static func places(for events: [DomainEvent], _ session: PostgresSession) async throws -> NamedPlaces {
        let teams = Set(events.flatMap { EventAuthority.teams(in: $0).map(\.id) })
        let members = Set(events.flatMap(EventAuthority.memberIDs(in:)))
        guard !teams.isEmpty || !members.isEmpty else { return NamedPlaces() }
        return try await RunFacts.read(units: [], households: [], members: [], placed: members, teams: teams, ids: [], session).places
    }

    /// Why `authority` may not record `event` in `unit`, or `nil`.
    static func refusal(of event: DomainEvent, in unit: StoredUnit, by authority: EventAuthority?, places: NamedPlaces, now: Date) -> ValidationFailure? {
        authority?.refusal(of: event, unitPath: unit.path, places: places, today: CalendarDate(now))
    }
}
