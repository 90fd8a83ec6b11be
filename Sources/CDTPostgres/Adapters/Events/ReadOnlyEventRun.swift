import CDTDomain
import Foundation

/// A run of consecutive events whose effect on the tables built from the log is only to be checked
/// against them (household visits and surveys, practices shared), appended with a few set-based
/// statements for the whole run instead of a savepoint and half a dozen statements per event.
///
/// The outcome of each event is the one ``PostgresEventLog/append(_:)`` gives it one at a time: an id
/// stored already makes a duplicate or a conflict, whatever else holds; a broken rule rejects that event
/// alone; the rest are stored with the same `recorded_at`. An id repeated within a run comes with the same
/// body (the log cuts the run before an id reused with another), and the repeat gets the outcome the first
/// would have given it: a duplicate of an event accepted, the same refusal otherwise.
struct ReadOnlyEventRun {
    let events: [DomainEvent]
    let now: Date
    /// Who records each event (`nil`: no audit line).
    let recorders: [AuditEntry?]
    /// What each event's recorder may name (`nil`: the importer, anything).
    let authorities: [EventAuthority?]
    /// Each event's payload as the log stores it (``EventPayloadCodec``), encoded once for every statement
    /// that sends it; `nil` until ``append(_:)`` encodes them.
    private let payloads: [String]?

    init(events: [DomainEvent], now: Date, recorders: [AuditEntry?], authorities: [EventAuthority?]? = nil) {
        self.init(events: events, now: now, recorders: recorders, authorities: authorities ?? Array(repeating: nil, count: events.count), payloads: nil)
    }

    private init(events: [DomainEvent], now: Date, recorders: [AuditEntry?], authorities: [EventAuthority?], payloads: [String]?) {
        self.events = events
        self.now = now
        self.recorders = recorders
        self.authorities = authorities
        self.payloads = payloads
    }

    /// Whether events of `type` are appended in runs.
    static func takes(_ type: EventType) -> Bool {
        type == .householdVisited || type == .householdSurveyed || !type.isCore
    }

    /// Whether two events with one id are the same event (a resend).
    static func same(_ first: DomainEvent, _ second: DomainEvent) throws -> Bool {
        guard first.unitID == second.unitID, first.type == second.type, first.version == second.version, first.authorID == second.authorID,
              first.occurredAt == second.occurredAt else { return false }
        return try EventPayloadCodec.encode(first.payload) == EventPayloadCodec.encode(second.payload)
    }

    func append(_ tx: PostgresSession) async throws -> [AppendOutcome] {
        var firstOf: [ID<DomainEvent>: Int] = [:], distinct: [DomainEvent] = [], distinctRecorders: [AuditEntry?] = []
        var distinctAuthorities: [EventAuthority?] = []
        let positions = events.indices.map { index in
            let event = events[index]
            if let position = firstOf[event.id] { return position }
            firstOf[event.id] = distinct.count
            distinct.append(event)
            distinctRecorders.append(recorders[index])
            distinctAuthorities.append(authorities[index])
            return distinct.count - 1
        }
        let outcomes = try await ReadOnlyEventRun(events: distinct, now: now, recorders: distinctRecorders, authorities: distinctAuthorities,
                                                  payloads: try distinct.map { try EventPayloadCodec.encode($0.payload) })
            .appendDistinct(tx)
        var answered = Set<Int>()
        return positions.map { position in
            guard !answered.insert(position).inserted else { return outcomes[position] }
            if case .accepted(let recordedAt) = outcomes[position] { return .duplicate(recordedAt: recordedAt) }
            return outcomes[position]
        }
    }

    private func appendDistinct(_ tx: PostgresSession) async throws -> [AppendOutcome] {
        var outcomes = try await earlierOutcomes(tx)
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            do throws(ValidationFailure) {
                try event.validate(now: now)
            } catch {
                outcomes[index] = .rejected(error)
            }
        }
        let units = try await StoredUnit.load(Set(events.map(\.unitID)), tx)
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            if let failure = AppendRules.unitFailure(units[event.unitID], for: event) { outcomes[index] = .rejected(failure) }
        }
        // As one at a time, the ids are claimed before the stored data is checked, so an id taken meanwhile (or
        // in a province the caller cannot see) is a duplicate or a conflict whatever else holds. The claims of
        // events the checks then reject are undone by rolling back to a savepoint, and the rest claimed again.
        let candidates = events.indices.filter { outcomes[$0] == nil }
        do {
            try await tx.withTransaction { savepoint in
                try await claim(candidates, &outcomes, units: units, savepoint)
                try await checkHouseholdsAndMembers(&outcomes, units: units, savepoint)
                try await checkAuthorities(&outcomes, units: units, savepoint)
                if candidates.contains(where: { outcomes[$0]?.isRefusal ?? false }) { throw ClaimsToRedo() }
            }
        } catch is ClaimsToRedo {
            try await claim(candidates.filter { outcomes[$0] == nil }, &outcomes, units: units, tx)
        }
        let stored = events.indices.filter { outcomes[$0] == nil }
        guard !stored.isEmpty else { return outcomes.map { $0! } }
        let payloads = try encodedPayloads()
        let recordedAt = try await insert(stored.map { events[$0] }, payloads: stored.map { payloads[$0] }, recorders: stored.map { recorders[$0] },
                                          units: units, tx)
        for index in stored { outcomes[index] = .accepted(recordedAt: recordedAt) }
        return outcomes.map { $0! }
    }

    /// `.duplicate` or `.conflict` for the events whose id is stored already, in one statement.
    private func earlierOutcomes(_ tx: PostgresSession) async throws -> [AppendOutcome?] {
        let payloads = try encodedPayloads()
        var outcomes = [AppendOutcome?](repeating: nil, count: events.count)
        let rows = try await tx.query("""
            SELECT x.n::int, e.recorded_at,
                   (e.unit_id = x.unit_id AND e.type = x.type AND e.version = x.version AND e.author_id = x.author_id
                    AND e.occurred_at = x.occurred_at AND e.payload = x.payload::jsonb) AS same
            FROM unnest(\(events.map(\.id)), \(events.map(\.unitID)), \(events.map(\.type.rawValue)), \(events.map(\.version)),
                        \(events.map(\.authorID)), \(events.map(\.occurredAt)), \(payloads))
                 WITH ORDINALITY AS x(id, unit_id, type, version, author_id, occurred_at, payload, n)
            JOIN event_ids k ON k.id = x.id
            JOIN events e ON e.province_id = k.province_id AND e.id = k.id
            """)
        for row in rows {
            let (position, recordedAt, same) = try row.decode((Int, Date, Bool).self)
            outcomes[position - 1] = same ? .duplicate(recordedAt: recordedAt) : .conflict
        }
        return outcomes
    }

    /// Rejects visits and surveys of a household outside the unit's province or of another unit (unless
    /// the event's unit carries the household's on), and visits by members outside the province.
    private func checkHouseholdsAndMembers(
        _ outcomes: inout [AppendOutcome?], units: [ID<AdministrativeUnit>: StoredUnit], _ tx: PostgresSession
    ) async throws {
        var householdIDs: [ID<Household>] = [], memberIDs: [ID<Member>] = []
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            guard let named = Self.household(visitedOrSurveyedIn: event) else { continue }
            householdIDs.append(named.household)
            memberIDs += named.members
        }
        guard !householdIDs.isEmpty else { return }
        var households: [ID<Household>: (province: ID<AdministrativeUnit>, unit: ID<AdministrativeUnit>)] = [:]
        for row in try await tx.query("SELECT id, province_id, unit_id FROM households WHERE id = ANY(\(householdIDs))") {
            let (id, province, unit) = try row.decode((ID<Household>, ID<AdministrativeUnit>, ID<AdministrativeUnit>).self)
            households[id] = (province, unit)
        }
        var memberProvinces: [ID<Member>: ID<AdministrativeUnit>] = [:]
        if !memberIDs.isEmpty {
            for row in try await tx.query("SELECT id, province_id FROM members WHERE id = ANY(\(Array(Set(memberIDs))))") {
                let (id, province) = try row.decode((ID<Member>, ID<AdministrativeUnit>).self)
                memberProvinces[id] = province
            }
        }
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            guard let unit = units[event.unitID] else { continue }
            guard let named = Self.household(visitedOrSurveyedIn: event) else { continue }
            let householdID = named.household, members = named.members
            guard let household = households[householdID], household.province == unit.provinceID else {
                outcomes[index] = .rejected(AppendRules.householdOutsideProvince)
                continue
            }
            if household.unit != unit.id, !(try await AppendRules.carriesOn(household.unit, in: unit.id, tx)) {
                outcomes[index] = .rejected(AppendRules.notTheHouseholdsUnit(household.unit))
                continue
            }
            if let missing = members.firstIndex(where: { memberProvinces[$0] != unit.provinceID }) {
                outcomes[index] = .rejected(AppendRules.memberOutsideProvince(missing))
            }
        }
    }

    /// Refuses the events naming a member (as author or visitor) their recorder may not change, or
    /// occurring further back than the recorder's roles allow (see ``EventAuthority``).
    private func checkAuthorities(
        _ outcomes: inout [AppendOutcome?], units: [ID<AdministrativeUnit>: StoredUnit], _ tx: PostgresSession
    ) async throws {
        let checked = events.indices.filter { outcomes[$0] == nil && authorities[$0] != nil && units[events[$0].unitID] != nil }
        guard !checked.isEmpty else { return }
        let places = try await AppendRules.places(for: checked.map { events[$0] }, tx)
        for index in checked {
            if let failure = AppendRules.refusal(of: events[index], in: units[events[index].unitID]!, by: authorities[index], places: places, now: now) {
                outcomes[index] = .forbidden(failure)
            }
        }
    }

    /// The household a visit or survey names, with the members who visited; `nil` for a module's event.
    private static func household(visitedOrSurveyedIn event: DomainEvent) -> (household: ID<Household>, members: [ID<Member>])? {
        switch event.payload {
        case .householdVisited(let body): (body.householdId, body.memberIds)
        case .householdSurveyed(let body): (body.householdId, [])
        default: nil
        }
    }

    private struct ClaimsToRedo: Error {}

    /// Claims the ids of the events at `indices` in the ledger of ids; an id already there was stored by
    /// another transaction (committed since ``earlierOutcomes(_:)``, or in a province the caller cannot see),
    /// and its event gets that outcome: a duplicate or a conflict.
    private func claim(_ indices: [Int], _ outcomes: inout [AppendOutcome?], units: [ID<AdministrativeUnit>: StoredUnit], _ tx: PostgresSession) async throws {
        let pending = indices.map { events[$0] }
        guard !pending.isEmpty else { return }
        let claimed = Set(try await tx.query("""
            INSERT INTO event_ids (id, province_id)
            SELECT * FROM unnest(\(pending.map(\.id)), \(pending.map { units[$0.unitID]!.provinceID })) AS x(id, province_id)
            ORDER BY id  -- every run claims in one order, so two runs sharing ids wait for each other instead of deadlocking
            ON CONFLICT (id) DO NOTHING RETURNING id
            """).decode(ID<DomainEvent>.self))
        for index in indices where !claimed.contains(events[index].id) {
            outcomes[index] = try await PostgresEventLog.earlierOutcome(of: events[index], tx) ?? .conflict
        }
    }

    /// The payloads encoded once, or each encoded now for a run made without them.
    private func encodedPayloads() throws -> [String] {
        try payloads ?? events.map { try EventPayloadCodec.encode($0.payload) }
    }

    /// Inserts the events into the log (with INSERT: row-level security refuses COPY) and, when someone
    /// records them, one audit line each; returns their `recorded_at`, the transaction's `now()`, read in
    /// the same statement as the log's rows are written.
    private func insert(_ stored: [DomainEvent], payloads: [String], recorders: [AuditEntry?], units: [ID<AdministrativeUnit>: StoredUnit],
                        _ tx: PostgresSession) async throws -> Date {
        let recordedAt = try await tx.query("""
            WITH stored AS (
                INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
                SELECT x.id, x.province_id, x.unit_id, x.type, x.version, x.author_id, x.occurred_at, now(), x.payload::jsonb
                FROM unnest(\(stored.map(\.id)), \(stored.map { units[$0.unitID]!.provinceID }), \(stored.map(\.unitID)), \(stored.map(\.type.rawValue)),
                            \(stored.map(\.version)), \(stored.map(\.authorID)), \(stored.map(\.occurredAt)), \(payloads))
                     AS x(id, province_id, unit_id, type, version, author_id, occurred_at, payload)
            )
            SELECT now()
            """).decode(Date.self)[0]
        let audited = stored.indices.filter { recorders[$0] != nil }
        guard !audited.isEmpty else { return recordedAt }
        try await tx.execute("""
            INSERT INTO audit_log (account_id, client_address, action, target, province_id, unit_path, details)
            SELECT x.account_id, x.client_address, 'event.recorded', x.id::text, coalesce(u.province_id, u.id), u.path,
                   jsonb_build_object('type', x.type)
            FROM unnest(\(audited.map { stored[$0].id }), \(audited.map { stored[$0].unitID }), \(audited.map { stored[$0].type.rawValue }),
                        \(audited.map { recorders[$0]?.accountID }), \(audited.map { recorders[$0]?.clientAddress }))
                 WITH ORDINALITY AS x(id, unit_id, type, account_id, client_address, n)
            JOIN administrative_units u ON u.id = x.unit_id
            ORDER BY x.n
            """)
        return recordedAt
    }
}

extension AppendOutcome {
    /// Whether the event was refused (a broken rule or something its recorder may not name).
    var isRefusal: Bool {
        switch self {
        case .rejected, .forbidden: true
        default: false
        }
    }
}
