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
        firstOf.reserveCapacity(events.count)
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
        var outcomes = [AppendOutcome?](repeating: nil, count: events.count)
        let facts = try await RunFacts.read(for: events, authorities: authorities, tx)
        // An id stored already makes a duplicate or a conflict, whatever else holds.
        try await earlierOutcomes(events.indices.filter { facts.storedIDs.contains(events[$0].id) }, &outcomes, tx)
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            do throws(ValidationFailure) {
                try event.validate(now: now)
            } catch {
                outcomes[index] = .rejected(error)
            }
        }
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            if let failure = AppendRules.unitFailure(facts.units[event.unitID], for: event) { outcomes[index] = .rejected(failure) }
        }
        let candidates = events.indices.filter { outcomes[$0] == nil }
        try await checkHouseholdsAndMembers(&outcomes, facts, tx)
        checkAuthorities(&outcomes, facts)
        // As one at a time, an id taken meanwhile (or in a province the caller cannot see) makes a duplicate or a
        // conflict even of an event the checks refuse: the refused events' ids are claimed in a savepoint, which
        // is then rolled back. (The ids of the events stored are claimed by the statement that stores them.)
        let refused = candidates.filter { outcomes[$0]?.isRefusal ?? false }
        if !refused.isEmpty {
            do {
                try await tx.withTransaction { savepoint in
                    try await claim(refused, &outcomes, units: facts.units, savepoint)
                    throw ClaimsToUndo()
                }
            } catch is ClaimsToUndo {}
        }
        let stored = candidates.filter { outcomes[$0] == nil }
        guard !stored.isEmpty else { return outcomes.map { $0 ?? .conflict } }
        let (unclaimed, recordedAt) = try await insert(stored, units: facts.units, tx)
        for index in stored where !unclaimed.contains(events[index].id) { outcomes[index] = .accepted(recordedAt: recordedAt) }
        // An id claimed by another transaction since the facts were read (it waited for that one to end).
        try await earlierOutcomes(stored.filter { outcomes[$0] == nil }, &outcomes, tx)
        return outcomes.map { $0 ?? .conflict }
    }

    /// `.duplicate` or `.conflict` for the events at `indices`, whose ids are stored already, in one statement;
    /// an event whose stored twin the caller cannot see is left `nil` (a conflict, for the caller).
    private func earlierOutcomes(_ indices: [Int], _ outcomes: inout [AppendOutcome?], _ tx: PostgresSession) async throws {
        guard !indices.isEmpty else { return }
        let payloads = try encodedPayloads()
        let named = indices.map { events[$0] }
        let rows = try await tx.query("""
            SELECT x.n::int, e.recorded_at,
                   (e.unit_id = x.unit_id AND e.type = x.type AND e.version = x.version AND e.author_id = x.author_id
                    AND e.occurred_at = x.occurred_at AND e.payload = p.payload) AS same
            FROM unnest(\(named.map(\.id)), \(named.map(\.unitID)), \(named.map(\.type.rawValue)), \(named.map(\.version)),
                        \(named.map(\.authorID)), \(named.map(\.occurredAt)))
                 WITH ORDINALITY AS x(id, unit_id, type, version, author_id, occurred_at, n)
            JOIN jsonb_array_elements(\(Self.jsonArray(indices.map { payloads[$0] }))::jsonb) WITH ORDINALITY AS p(payload, n) ON p.n = x.n
            JOIN event_ids k ON k.id = x.id
            JOIN events e ON e.province_id = k.province_id AND e.id = k.id
            """)
        for row in rows {
            let (position, recordedAt, same) = try row.decode((Int, Date, Bool).self)
            outcomes[indices[position - 1]] = same ? .duplicate(recordedAt: recordedAt) : .conflict
        }
    }

    /// Rejects visits and surveys of a household outside the unit's province or of another unit (unless
    /// the event's unit carries the household's on), and visits by members outside the province.
    private func checkHouseholdsAndMembers(_ outcomes: inout [AppendOutcome?], _ facts: RunFacts, _ tx: PostgresSession) async throws {
        for (index, event) in events.enumerated() where outcomes[index] == nil {
            guard let unit = facts.units[event.unitID] else { continue }
            guard let named = Self.household(visitedOrSurveyedIn: event) else { continue }
            let householdID = named.household, members = named.members
            guard let household = facts.households[householdID], household.province == unit.provinceID else {
                outcomes[index] = .rejected(AppendRules.householdOutsideProvince)
                continue
            }
            if household.unit != unit.id, !(try await AppendRules.carriesOn(household.unit, in: unit.id, tx)) {
                outcomes[index] = .rejected(AppendRules.notTheHouseholdsUnit(household.unit))
                continue
            }
            if let missing = members.firstIndex(where: { facts.memberProvinces[$0] != unit.provinceID }) {
                outcomes[index] = .rejected(AppendRules.memberOutsideProvince(missing))
            }
        }
    }

    /// Refuses the events naming a member (as author or visitor) their recorder may not change, or
    /// occurring further back than the recorder's roles allow (see ``EventAuthority``).
    private func checkAuthorities(_ outcomes: inout [AppendOutcome?], _ facts: RunFacts) {
        for index in events.indices where outcomes[index] == nil && authorities[index] != nil {
            guard let unit = facts.units[events[index].unitID] else { continue }
            if let failure = AppendRules.refusal(of: events[index], in: unit, by: authorities[index], places: facts.places, now: now) {
                outcomes[index] = .forbidden(failure)
            }
        }
    }

    /// The household a visit or survey names, with the members who visited; `nil` for a module's event.
    static func household(visitedOrSurveyedIn event: DomainEvent) -> (household: ID<Household>, members: [ID<Member>])? {
        switch event.payload {
        case .householdVisited(let body): (body.householdId, body.memberIds)
        case .householdSurveyed(let body): (body.householdId, [])
        default: nil
        }
    }

    private struct ClaimsToUndo: Error {}

    /// Claims the ids of the events at `indices` in the ledger of ids; an id already there was stored by
    /// another transaction (committed since the facts were read, or in a province the caller cannot see),
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

    /// Payloads sent as one JSON array, parsed by PostgreSQL in one pass (`jsonb_array_elements`): as a text
    /// array each was quoted and escaped here, unescaped by the array's parser there, then parsed as JSON.
    static func jsonArray(_ payloads: [String]) -> String {
        var json = "["
        json.reserveCapacity(payloads.reduce(2) { $0 + $1.utf8.count + 1 })
        for (index, payload) in payloads.enumerated() {
            if index > 0 { json += "," }
            json += payload
        }
        return json + "]"
    }

    /// Claims the ids of the events at `indices` and stores those claimed, in the log and, for those someone
    /// records, with one audit line each (its unit's province and path as read with the run's facts), in one
    /// statement (INSERT: row-level security refuses COPY). Returns
    /// the ids not claimed (usually none) and the others' `recorded_at` (the transaction's `now()`); an id not
    /// claimed is stored already, by a transaction that committed after the facts were read (the claim waits
    /// for one still running). Only those ids come back: every id claimed, as text, was a thousand `uuid_out`
    /// there and a thousand ids parsed and hashed here for each batch.
    private func insert(_ indices: [Int], units: [ID<AdministrativeUnit>: StoredUnit], _ tx: PostgresSession) async throws
        -> (unclaimed: Set<ID<DomainEvent>>, recordedAt: Date) {
        let payloads = try encodedPayloads()
        let stored = indices.map { events[$0] }, storedRecorders = indices.map { recorders[$0] }
        let rows = try await tx.query("""
            WITH x AS (
                SELECT * FROM unnest(\(stored.map(\.id)), \(stored.map { units[$0.unitID]!.provinceID }), \(stored.map(\.unitID)),
                                     \(stored.map(\.type.rawValue)), \(stored.map(\.version)), \(stored.map(\.authorID)), \(stored.map(\.occurredAt)),
                                     \(storedRecorders.map { $0 != nil }), \(storedRecorders.map { $0?.accountID }), \(storedRecorders.map { $0?.clientAddress }),
                                     \(stored.map { units[$0.unitID]!.path }))
                     WITH ORDINALITY AS x(id, province_id, unit_id, type, version, author_id, occurred_at, audited, account_id, client_address, unit_path, n)
            ), claimed AS (
                INSERT INTO event_ids (id, province_id)
                SELECT id, province_id FROM x
                ORDER BY id  -- every run claims in one order, so two runs sharing ids wait for each other instead of deadlocking
                ON CONFLICT (id) DO NOTHING RETURNING id
            ), stored AS (
                INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
                SELECT x.id, x.province_id, x.unit_id, x.type, x.version, x.author_id, x.occurred_at, now(), p.payload
                FROM x JOIN claimed c ON c.id = x.id
                JOIN jsonb_array_elements(\(Self.jsonArray(indices.map { payloads[$0] }))::jsonb) WITH ORDINALITY AS p(payload, n) ON p.n = x.n
                ORDER BY x.n
            ), audited AS (
                INSERT INTO audit_log (account_id, client_address, action, target, province_id, unit_path, details)
                SELECT x.account_id, x.client_address, 'event.recorded', x.id::text, x.province_id, x.unit_path,
                       jsonb_build_object('type', x.type)
                FROM x JOIN claimed c ON c.id = x.id
                WHERE x.audited
                ORDER BY x.n
            )
            SELECT now(), ARRAY(SELECT x.id FROM x WHERE NOT EXISTS (SELECT FROM claimed c WHERE c.id = x.id))
            """)
        guard let row = rows.first else { throw PostgresError(code: .decoding, message: "the run's write returned no row") }
        let (recordedAt, unclaimed) = try row.decode((Date, [ID<DomainEvent>]).self)
        return (Set(unclaimed), recordedAt)
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
