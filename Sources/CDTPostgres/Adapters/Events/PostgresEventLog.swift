public import CDTDomain
public import Foundation

/// The event log in PostgreSQL (`events`, `event_ids`; see `sql/core/0003_work.sql`), with the
/// tables built from it (teams, members, memberships, households, campaigns, trainings) kept up to
/// date in the same transaction.
///
/// The one write path of every event, the core's and the modules': the domain's checks
/// (`DomainEvent.validate`, then the rules that need stored facts and the recorder's ``EventAuthority``),
/// then the projections and the log, in one savepoint per event. There is no `EventLog` protocol: the
/// rules that need stored facts run in the same transaction as the write, and a second implementation
/// would have to copy them; the domain's own rules are tested without a database.
public struct PostgresEventLog: Sendable {
    public let client: PostgresClient
    /// The server's clock, for refusing events from the future.
    public let now: Clock

    public init(client: PostgresClient, now: @escaping Clock = { Date() }) {
        self.client = client
        self.now = now
    }

    /// Appends the events in one transaction, in order: a rejected event is rolled back alone, and the
    /// accepted ones become durable together at commit. Runs of visits, surveys and practices shared are
    /// appended a run at a time (``ReadOnlyEventRun``); every other event inside a savepoint of its own.
    public func append(_ events: [DomainEvent]) async throws -> [AppendOutcome] {
        try await append(events, recordedBy: nil)
    }

    /// Appends as ``append(_:)`` does and, for each event accepted, writes one `event.recorded` line to the
    /// audit log in the same savepoint, so the log and the audit log never disagree.
    public func append(_ events: [DomainEvent], recordedBy recorder: AuditEntry?) async throws -> [AppendOutcome] {
        try await append(events, recordedBy: Array(repeating: recorder, count: events.count))
    }

    /// Appends as ``append(_:)`` does, each event's audit line naming its own recorder (`recorders[i]` for
    /// `events[i]`): how the server shares one commit between single events sent by different people.
    public func append(_ events: [DomainEvent], recordedBy recorders: [AuditEntry?]) async throws -> [AppendOutcome] {
        try await append(events, recordedBy: recorders, authorities: Array(repeating: nil, count: events.count))
    }

    /// Appends as ``append(_:recordedBy:)`` does, each event also held to what its recorder may name
    /// (`authorities[i]` for `events[i]`; `nil`: the importer, who may name anything): an event naming
    /// something outside is ``AppendOutcome/forbidden(_:)``.
    public func append(_ events: [DomainEvent], recordedBy recorders: [AuditEntry?], authorities: [EventAuthority?]) async throws -> [AppendOutcome] {
        precondition(recorders.count == events.count && authorities.count == events.count, "one recorder and one authority (or nil) per event")
        let now = now()
        // Two batches that share ids in different runs can each wait for the other; PostgreSQL then fails
        // one, which starts again from the beginning (its outcomes are decided anew).
        for attempt in 1... {
            do {
                return try await appendOnce(events, now: now, recorders: recorders, authorities: authorities)
            } catch let error as PostgresError where error.sqlState == SQLState.deadlockDetected && attempt < 3 {
                continue
            }
        }
        fatalError("unreachable")
    }

    private func appendOnce(_ events: [DomainEvent], now: Date, recorders: [AuditEntry?], authorities: [EventAuthority?]) async throws -> [AppendOutcome] {
        let parts = try Self.parts(of: events)
        if parts.count == 1, parts[0].isRun {
            return try await appendWholeRun(events, now: now, recorders: recorders, authorities: authorities)
        }
        return try await client.withTransaction { tx in
            var outcomes: [AppendOutcome] = []
            outcomes.reserveCapacity(events.count)
            for part in parts {
                if part.isRun {
                    outcomes += try await Self.append(run: Array(events[part.range]), now: now, recorders: Array(recorders[part.range]),
                                                      authorities: Array(authorities[part.range]), tx)
                } else {
                    let index = part.range.lowerBound
                    outcomes.append(try await Self.append(events[index], now: now, recorder: recorders[index], authority: authorities[index], tx))
                }
            }
            return outcomes
        }
    }

    /// Appends events that make one run as the whole transaction, without a savepoint around the run: when the
    /// database refuses a statement of the run for something in one event's data, the transaction is rolled back
    /// (leaving nothing behind) and the events are appended again in a new one, one at a time, so that event
    /// alone is rejected, as ``append(run:now:recorders:authorities:_:)`` does inside a savepoint.
    private func appendWholeRun(_ events: [DomainEvent], now: Date, recorders: [AuditEntry?], authorities: [EventAuthority?]) async throws -> [AppendOutcome] {
        do {
            return try await client.withTransaction { tx in
                try await ReadOnlyEventRun(events: events, now: now, recorders: recorders, authorities: authorities).append(tx)
            }
        } catch let error as PostgresError where error.isStatementError {
            return try await client.withTransaction { tx in
                try await Self.appendOneAtATime(events, now: now, recorders: recorders, authorities: authorities, tx)
            }
        }
    }

    /// How `events` are appended, in order: runs of visits, surveys and practices shared (``ReadOnlyEventRun``),
    /// and every other event alone. A resend of an event earlier in a run joins it; an id reused with another
    /// body ends the run.
    static func parts(of events: [DomainEvent]) throws -> [(range: Range<Int>, isRun: Bool)] {
        var parts: [(range: Range<Int>, isRun: Bool)] = []
        var next = 0
        while next < events.count {
            let start = next
            var seen: [ID<DomainEvent>: DomainEvent] = [:]
            while next < events.count, ReadOnlyEventRun.takes(events[next].type) {
                let event = events[next]
                if let earlier = seen[event.id], !(try ReadOnlyEventRun.same(earlier, event)) { break }
                seen[event.id] = event
                next += 1
            }
            if next == start {
                next += 1
                parts.append((start..<next, false))
            } else {
                parts.append((start..<next, true))
            }
        }
        return parts
    }

    public func event(_ id: ID<DomainEvent>) async throws -> DomainEvent? {
        try await client.query("""
            SELECT \(unsafeSQL: Self.columns) FROM event_ids k JOIN events e ON e.province_id = k.province_id AND e.id = k.id
            WHERE k.id = \(id)
            """).map(Self.event(from:)).first
    }

    public func events(matching filter: EventFilter, page: PageRequest) async throws -> Page<DomainEvent> {
        let after = page.after.flatMap { Int64($0.parts[0]) }
        let from = filter.occurredFrom.map(Self.startOfDay)
        let until = filter.occurredUntil.map { Self.startOfDay($0.adding(days: 1)) }
        let types = filter.types.isEmpty ? nil : filter.types.map(\.rawValue)
        let subtree = try await SubtreeScope.resolve(filter.underUnitID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let province = subtree.scope?.provinceID, under = subtree.scope?.pattern
        let rows = try await client.query("""
            SELECT \(unsafeSQL: Self.columns), e.position FROM events e
            WHERE (\(province)::uuid IS NULL
                   OR (e.province_id = \(province) AND e.unit_id IN (SELECT id FROM administrative_units WHERE path LIKE \(under))))
              AND \(filter.readScope.condition("e"))
              AND (\(types)::text[] IS NULL OR e.type = ANY(\(types)))
              AND (\(from)::timestamptz IS NULL OR e.occurred_at >= \(from))
              AND (\(until)::timestamptz IS NULL OR e.occurred_at < \(until))
              AND (\(after)::bigint IS NULL OR e.position > \(after))
            ORDER BY e.position
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: Self.event(from:)) { _, row in
            [String(try row.decode(Int64.self, column: "position"))]
        }
    }

    /// Appends a run of visits, surveys and practices in a savepoint; when the database refuses a statement
    /// of the run for something in one event's data, the run is appended again one event at a time, so that
    /// event alone is rejected.
    static func append(run: [DomainEvent], now: Date, recorders: [AuditEntry?], authorities: [EventAuthority?],
                       _ tx: PostgresSession) async throws -> [AppendOutcome] {
        do {
            return try await tx.withTransaction { savepoint in
                try await ReadOnlyEventRun(events: run, now: now, recorders: recorders, authorities: authorities).append(savepoint)
            }
        } catch let error as PostgresError where error.isStatementError {
            return try await appendOneAtATime(run, now: now, recorders: recorders, authorities: authorities, tx)
        }
    }

    /// Appends `events` one at a time in `tx`, each in a savepoint of its own: what a run falls back to when
    /// the database refuses one of its statements, so only the event it refused is rejected.
    private static func appendOneAtATime(_ events: [DomainEvent], now: Date, recorders: [AuditEntry?], authorities: [EventAuthority?],
                                         _ tx: PostgresSession) async throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        for (index, event) in events.enumerated() {
            outcomes.append(try await append(event, now: now, recorder: recorders[index], authority: authorities[index], tx))
        }
        return outcomes
    }

    /// The rule of an event the database refused for its data, without the database's words (which may
    /// name tables and values of provinces the caller cannot see).
    static func refused(_ error: PostgresError) -> ValidationFailure {
        ValidationFailure(field: "", rule: "could not be stored: the database refused it (SQLSTATE \(error.sqlState ?? "unknown"))")
    }

    // MARK: Appending one event

    /// Appends one event inside the caller's transaction (in a savepoint of its own), as ``append(_:recordedBy:authorities:)``
    /// does for each event: a module's route records its event and writes its own tables in one transaction.
    public static func append(_ event: DomainEvent, recordedBy recorder: AuditEntry?, authority: EventAuthority?, now: Date,
                              in transaction: PostgresSession) async throws -> AppendOutcome {
        try await append(event, now: now, recorder: recorder, authority: authority, transaction)
    }

    /// Thrown inside an event's savepoint when its recorder may not name something in it.
    struct Forbidden: Error { let failure: ValidationFailure }

    static func append(_ event: DomainEvent, now: Date, recorder: AuditEntry?, authority: EventAuthority? = nil,
                       _ tx: PostgresSession) async throws -> AppendOutcome {
        do {
            try event.validate(now: now)
            guard event.type.isSubmittedByClients else {
                throw ValidationFailure(field: "type", rule: "\(event.type.rawValue) is recorded by the importer, not submitted")
            }
        } catch let failure as ValidationFailure {
            // In a savepoint: the payload of an invalid event may be one the database cannot even compare.
            do {
                if let earlier = try await tx.withTransaction({ savepoint in try await earlierOutcome(of: event, savepoint) }) { return earlier }
            } catch let error as PostgresError where error.isStatementError {}
            return .rejected(failure)
        }
        let payload = try EventPayloadCodec.encode(event.payload)
        do {
            return try await tx.withTransaction { savepoint in
                if let earlier = try await earlierOutcome(of: event, payload: payload, savepoint) { return earlier }
                let unit = try await StoredUnit.load(event.unitID, savepoint)
                if let failure = AppendRules.unitFailure(unit, for: event) { throw failure }
                guard let unit else { throw AppendRules.unknownUnit }
                if let authority, let failure = AppendRules.refusal(
                    of: event, in: unit, by: authority, places: try await AppendRules.places(for: [event], savepoint), now: now) {
                    throw Forbidden(failure: failure)
                }
                let claimed = try await savepoint.query("""
                    INSERT INTO event_ids (id, province_id) VALUES (\(event.id), \(unit.provinceID)) ON CONFLICT (id) DO NOTHING RETURNING id
                    """)
                guard !claimed.isEmpty else {
                    // Another transaction stored the same id meanwhile and has committed.
                    return try await earlierOutcome(of: event, payload: payload, savepoint) ?? .conflict
                }
                try await EventProjection(event: event, unit: unit, session: savepoint).apply()
                let recordedAt = try await savepoint.query("""
                    INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
                    VALUES (\(event.id), \(unit.provinceID), \(event.unitID), \(event.type.rawValue), \(event.version), \(event.authorID),
                            \(event.occurredAt), now(), \(payload)::jsonb)
                    RETURNING recorded_at
                    """).decode(Date.self)[0]
                if var entry = recorder {
                    entry.action = "event.recorded"
                    entry.target = event.id.description
                    entry.unitID = event.unitID
                    entry.details = ["type": event.type.rawValue]
                    try await PostgresAuditLog.record(entry, in: savepoint)
                }
                return .accepted(recordedAt: recordedAt)
            }
        } catch let failure as ValidationFailure {
            return .rejected(failure)
        } catch let forbidden as Forbidden {
            return .forbidden(forbidden.failure)
        } catch let error as PostgresError where error.sqlState == SQLState.exclusionViolation || error.sqlState == SQLState.uniqueViolation {
            // A rule the checks above passed was broken by a concurrent transaction; the constraint caught it.
            return .rejected(ConstraintViolations.failure(for: error))
        } catch let error as PostgresError where error.isStatementError {
            // Anything else the database refuses in this event's data rejects this event alone, never the batch.
            return .rejected(refused(error))
        }
    }

    /// `.duplicate` or `.conflict` when an event with this id is stored already, else `nil`.
    static func earlierOutcome(of event: DomainEvent, payload: String? = nil, _ session: PostgresSession) async throws -> AppendOutcome? {
        let payload = try payload ?? EventPayloadCodec.encode(event.payload)
        let rows = try await session.query("""
            SELECT e.recorded_at,
                   (e.unit_id = \(event.unitID) AND e.type = \(event.type.rawValue) AND e.version = \(event.version)
                    AND e.author_id = \(event.authorID) AND e.occurred_at = \(event.occurredAt) AND e.payload = \(payload)::jsonb) AS same
            FROM event_ids k JOIN events e ON e.province_id = k.province_id AND e.id = k.id
            WHERE k.id = \(event.id)
            """)
        guard let row = rows.first else { return nil }
        let (recordedAt, same) = try row.decode((Date, Bool).self)
        return same ? .duplicate(recordedAt: recordedAt) : .conflict
    }

    // MARK: Reading

    static let columns = "e.id, e.unit_id, e.author_id, e.occurred_at, e.recorded_at, e.version, e.type, e.payload::text"

    static func event(from row: PostgresRow) throws -> DomainEvent {
        let (id, unitID, authorID, occurredAt, recordedAt, version, type, payload) = try row.decode(
            (ID<DomainEvent>, ID<AdministrativeUnit>, UUID, Date, Date, Int, String, String).self)
        guard let eventType = EventType(rawValue: type) else {
            throw PostgresError(code: .decoding, message: "stored event \(id) has unknown type \(type)", column: "type")
        }
        do {
            return DomainEvent(
                id: id, unitID: unitID, authorID: authorID, occurredAt: occurredAt, recordedAt: recordedAt, version: version,
                payload: try EventPayloadCodec.decode(eventType, json: payload))
        } catch {
            throw PostgresError(code: .decoding, message: "stored event \(id) has a payload this build cannot read: \(error)", column: "payload")
        }
    }

    /// The instant a day starts in Vietnam.
    static func startOfDay(_ date: CalendarDate) -> Date {
        Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 - CalendarDate.vietnamUTCOffsetSeconds))
    }
}
