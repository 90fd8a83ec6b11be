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

    /// Where the teams and members `events` name are (see ``NamedPlaces``), in two statements.
    static func places(for events: [DomainEvent], _ session: PostgresSession) async throws -> NamedPlaces {
        var places = NamedPlaces()
        let teams = Array(Set(events.flatMap { EventAuthority.teams(in: $0).map(\.id) }))
        if !teams.isEmpty {
            for row in try await session.query("""
                SELECT t.id, u.path FROM teams t JOIN administrative_units u ON u.id = t.unit_id WHERE t.id = ANY(\(teams))
                """) {
                let (id, path) = try row.decode((ID<Team>, String).self)
                places.teams[id] = path
            }
        }
        let members = Array(Set(events.flatMap(EventAuthority.memberIDs(in:))))
        if !members.isEmpty {
            // The teams each member is on now or, when on none, the one they left last: one read of the members'
            // memberships, compared with each other per member. (A self-join did the same with a probe per
            // membership, which PostgreSQL made through the exclusion constraint's GiST index: half a second
            // and more for a batch of a thousand visits, most of the database's time in a batch.)
            for row in try await session.query("""
                SELECT member_id, path FROM (
                    SELECT s.member_id, u.path, s.left_on,
                           bool_or(s.left_on IS NULL) OVER member AS on_a_team, max(s.left_on) OVER member AS last_left
                    FROM memberships s JOIN teams t ON t.id = s.team_id JOIN administrative_units u ON u.id = t.unit_id
                    WHERE s.member_id = ANY(\(members))
                    WINDOW member AS (PARTITION BY s.member_id)) m
                WHERE left_on IS NULL OR (NOT on_a_team AND left_on = last_left)
                """) {
                let (id, path) = try row.decode((ID<Member>, String).self)
                places.members[id, default: []].append(path)
            }
            // A member stored without a membership (none is, but a rule must not depend on it) is somewhere nobody may change.
            for id in try await session.query("SELECT id FROM members WHERE id = ANY(\(members))").decode(ID<Member>.self)
            where places.members[id] == nil {
                places.members[id] = []
            }
        }
        return places
    }

    /// Why `authority` may not record `event` in `unit`, or `nil`.
    static func refusal(of event: DomainEvent, in unit: StoredUnit, by authority: EventAuthority?, places: NamedPlaces, now: Date) -> ValidationFailure? {
        authority?.refusal(of: event, unitPath: unit.path, places: places, today: CalendarDate(now))
    }
}
