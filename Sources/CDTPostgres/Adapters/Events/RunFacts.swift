import CDTDomain
import Foundation

/// The stored facts events are checked against, read in one statement: their units, the households and
/// members they name, where the named members and teams are (``NamedPlaces``), and which of their ids are
/// stored already. (They were five statements and more: one per kind of fact.)
///
/// Everything is read under the caller's row scope, as each read was on its own: what the caller cannot
/// see is absent, which the rules treat as outside the caller's provinces.
struct RunFacts {
    var units: [ID<AdministrativeUnit>: StoredUnit] = [:]
    /// Each named household's province and unit.
    var households: [ID<Household>: (province: ID<AdministrativeUnit>, unit: ID<AdministrativeUnit>)] = [:]
    /// Each named member's province.
    var memberProvinces: [ID<Member>: ID<AdministrativeUnit>] = [:]
    /// Where the members and teams named in `placed` and `teams` are.
    var places = NamedPlaces()
    /// The ids among those asked about that are in the ledger of ids (and visible to the caller).
    var storedIDs: Set<ID<DomainEvent>> = []

    private enum Kind: Int {
        case unit = 0, household, member, place, team, storedID
    }

    /// The positions of the read's columns past a unit's first eight (read by position: by name, each
    /// row's lookups hashed the names).
    private enum Column {
        static let province = StoredUnit.provinceColumn, path = StoredUnit.pathColumn, unitID = 10, kind = 11
    }

    /// Reads the facts in one statement. `members` are the members whose province is needed; `placed` the
    /// members whose places are (each also gets its province, and an empty list of places when it exists
    /// but is on no team and left none).
    static func read(units: Set<ID<AdministrativeUnit>>, households: Set<ID<Household>>, members: Set<ID<Member>>,
                     placed: Set<ID<Member>>, teams: Set<ID<Team>>, ids: [ID<DomainEvent>],
                     _ session: PostgresSession) async throws -> RunFacts {
        // Columns in the order StoredUnit reads a unit (the first eight), then the other kinds' own; the
        // places of members are read as AppendRules has always placed them: one read of the members'
        // memberships, compared per member with a window (the teams each member is on now or, when on none,
        // the one they left last; a self-join probed the exclusion constraint's GiST index per membership).
        // Its plan is the same for any ids: planned generically once, not anew for each shared commit's few
        // events, which PostgreSQL did because it prices the generic plan above a custom one for short arrays
        // (planning took longer than the read itself: docs/benchmarks.md, "Tenth round").
        session.planGenerically()
        let rows = try await session.query("""
            SELECT id, code, name, level, type, parent_id, valid_from, valid_until, province, path, unit_id, kind FROM (
                SELECT id, code, name, level, type, parent_id, valid_from, valid_until, coalesce(province_id, id) AS province, path,
                       NULL::uuid AS unit_id, 0 AS kind
                FROM administrative_units WHERE id = ANY(\(Array(units)))
                UNION ALL
                SELECT id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, province_id, NULL, unit_id, 1
                FROM households WHERE id = ANY(\(Array(households)))
                UNION ALL
                SELECT id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, province_id, NULL, NULL, 2
                FROM members WHERE id = ANY(\(Array(members.union(placed))))
                UNION ALL
                SELECT member_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, path, NULL, 3 FROM (
                    SELECT s.member_id, u.path, s.left_on,
                           bool_or(s.left_on IS NULL) OVER member AS on_a_team, max(s.left_on) OVER member AS last_left
                    FROM memberships s JOIN teams t ON t.id = s.team_id JOIN administrative_units u ON u.id = t.unit_id
                    WHERE s.member_id = ANY(\(Array(placed)))
                    WINDOW member AS (PARTITION BY s.member_id)) m
                WHERE left_on IS NULL OR (NOT on_a_team AND left_on = last_left)
                UNION ALL
                SELECT t.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, u.path, NULL, 4
                FROM teams t JOIN administrative_units u ON u.id = t.unit_id WHERE t.id = ANY(\(Array(teams)))
                UNION ALL
                SELECT id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 5
                FROM event_ids WHERE id = ANY(\(ids))
            ) facts
            """)
        var facts = RunFacts()
        // Sized once: grown a row at a time, their rehashing showed in a batch's profile.
        facts.units.reserveCapacity(units.count)
        facts.households.reserveCapacity(households.count)
        facts.memberProvinces.reserveCapacity(members.count + placed.count)
        facts.places.members.reserveCapacity(placed.count)
        for row in rows {
            let kind = try row.decode(Int.self, at: Column.kind)
            switch Kind(rawValue: kind) {
            case .unit:
                let unit = try StoredUnit.stored(from: row)
                facts.units[unit.id] = unit
            case .household:
                facts.households[try row.decode(ID<Household>.self, at: 0)] = (
                    try row.decode(ID<AdministrativeUnit>.self, at: Column.province), try row.decode(ID<AdministrativeUnit>.self, at: Column.unitID))
            case .member:
                facts.memberProvinces[try row.decode(ID<Member>.self, at: 0)] = try row.decode(ID<AdministrativeUnit>.self, at: Column.province)
            case .place:
                facts.places.members[try row.decode(ID<Member>.self, at: 0), default: []].append(try row.decode(String.self, at: Column.path))
            case .team:
                facts.places.teams[try row.decode(ID<Team>.self, at: 0)] = try row.decode(String.self, at: Column.path)
            case .storedID:
                facts.storedIDs.insert(try row.decode(ID<DomainEvent>.self, at: 0))
            case nil:
                throw PostgresError(code: .decoding, message: "unknown kind of fact \(kind)", column: "kind")
            }
        }
        // A member stored without a membership (none is, but a rule must not depend on it) is somewhere nobody may change.
        for id in placed where facts.memberProvinces[id] != nil && facts.places.members[id] == nil {
            facts.places.members[id] = []
        }
        return facts
    }

    /// The facts `events` are checked against: every unit, household and member they name, the places of
    /// the members and teams named by the events whose recorder's authority is checked, and which ids are stored.
    static func read(for events: [DomainEvent], authorities: [EventAuthority?], _ session: PostgresSession) async throws -> RunFacts {
        var households = Set<ID<Household>>(), members = Set<ID<Member>>(), placed = Set<ID<Member>>(), teams = Set<ID<Team>>()
        for (event, authority) in zip(events, authorities) {
            if let named = ReadOnlyEventRun.household(visitedOrSurveyedIn: event) {
                households.insert(named.household)
                members.formUnion(named.members)
            }
            if authority != nil {
                placed.formUnion(EventAuthority.memberIDs(in: event))
                teams.formUnion(EventAuthority.teams(in: event).map(\.id))
            }
        }
        return try await read(units: Set(events.map(\.unitID)), households: households, members: members, placed: placed, teams: teams,
                              ids: events.map(\.id), session)
    }
}
