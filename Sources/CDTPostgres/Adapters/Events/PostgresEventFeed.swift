public import CDTDomain
public import Foundation

/// A subscriber's checkpoint in one province.
public struct FeedCheckpoint: Sendable, Hashable {
    public let position: FeedPosition
    /// How many events were delivered to it in this province since it started (or was rebuilt).
    public let delivered: Int64
}

/// Delivers the event log to subscribers (the modules), province by province, with a checkpoint each
/// (`module_checkpoints`) that moves in the same transaction as the subscriber's own writes.
///
/// Every function works inside the caller's transaction, under a row scope that includes the province.
public enum PostgresEventFeed {
    /// Locks the subscriber's checkpoint in `province` for the rest of the transaction (creating it at the
    /// start when missing) and returns it. Two processes delivering to the same subscriber wait for each
    /// other here, so neither applies an event twice.
    public static func lockCheckpoint(_ subscriber: String, province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws -> FeedCheckpoint {
        try await tx.execute("""
            INSERT INTO module_checkpoints (module_id, province_id) VALUES (\(subscriber), \(province))
            ON CONFLICT (module_id, province_id) DO NOTHING
            """)
        let rows = try await tx.query("""
            SELECT transaction_id::text, position, delivered FROM module_checkpoints
            WHERE module_id = \(subscriber) AND province_id = \(province) FOR UPDATE
            """)
        guard let row = rows.first else {
            throw PostgresError(code: .decoding, message: "checkpoint of \(subscriber) in \(province) vanished while it was being locked")
        }
        let (transaction, position, delivered) = try row.decode((String, Int64, Int64).self)
        return FeedCheckpoint(position: FeedPosition(transactionID: UInt64(transaction) ?? 0, position: position), delivered: delivered)
    }

    /// Up to `limit` events of `types` in `province` after `position`, in delivery order, taking only
    /// those of transactions older than every transaction still running, so none can appear before them;
    /// and how far the read looked. It looks at most `window` events of the log (of any type), so a
    /// subscriber to rare types does not scan the whole province's log on every pass: with fewer than
    /// `limit` events found, `scannedTo` is the last event looked at, which the checkpoint may move to
    /// (`nil` when none was). Reads from one checkpoint must use one window, so a read of one event finds
    /// the first event a larger read found.
    ///
    /// One statement reads the events: it walks the log in order and stops at the `limit`-th event of
    /// `types` or after `window` events, whichever comes first, so a subscriber to most types (coverage,
    /// catching up) reads about `limit` index entries, not `window`. Only when it finds fewer than `limit`
    /// does a second statement find where the window ends, bounded by the first statement's oldest running
    /// transaction: what lies below that bound was final when the first statement ran, so both see the
    /// same window, and the checkpoint never moves over an event the first did not see.
    ///
    /// The bounds on `transaction_id` alone repeat what the row comparisons say: PostgreSQL estimates a
    /// row comparison's selectivity poorly, and on an analyzed log of millions of events, a subscriber to
    /// rare types was planned as a sequential scan of the whole partition on every pass.
    public static func events(
        in province: ID<AdministrativeUnit>, after position: FeedPosition, types: [EventType], limit: Int, window: Int, _ tx: PostgresSession
    ) async throws -> (events: [FeedEvent], scannedTo: FeedPosition?) {
        let rows = try await tx.query("""
            SELECT \(unsafeSQL: Self.eventColumns), b.below::text
            FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS below) b
            LEFT JOIN LATERAL (
                SELECT * FROM (\(Self.window(window, in: province, after: position, below: "b.below", columns: "e.*"))) w
                WHERE w.type = ANY(\(types.map(\.rawValue)))
                ORDER BY w.transaction_id, w.position
                LIMIT \(limit)
            ) e ON true
            """)
        guard let below = try rows.first?.decode(String.self, at: 10) else { return ([], nil) }
        var events: [FeedEvent] = []
        events.reserveCapacity(rows.count)
        for row in rows where try row.decode(Int64?.self, at: 9) != nil {
            events.append(FeedEvent(
                event: try PostgresEventLog.event(from: row), provinceID: province,
                feedPosition: FeedPosition(transactionID: UInt64(try row.decode(String.self, at: 8)) ?? 0, position: try row.decode(Int64.self, at: 9))))
        }
        if events.count == limit { return (events, events.last?.feedPosition) }
        // Ordered by the columns, not by the output's text (`ORDER BY transaction_id` names the text column
        // first): as text, transaction 999 sorts after 1000, and the end found was short of the events read.
        let end = try await tx.query("""
            SELECT transaction_id::text, position
            FROM (\(Self.window(window, in: province, after: position, below: "\(below)::xid8", columns: "e.transaction_id, e.position"))) w
            ORDER BY w.transaction_id DESC, w.position DESC LIMIT 1
            """).decode((String, Int64).self).first.map { FeedPosition(transactionID: UInt64($0.0) ?? 0, position: $0.1) }
        return (events, end)
    }

    /// The first `size` events of the province's log after `position` (of any type), of transactions below
    /// `below`, in delivery order: the window both of ``events(in:after:types:limit:window:_:)``'s statements read.
    private static func window(_ size: Int, in province: ID<AdministrativeUnit>, after position: FeedPosition, below: PostgresQuery,
                               columns: String) -> PostgresQuery {
        let after = String(position.transactionID)
        return """
            SELECT \(unsafeSQL: columns) FROM events e
            WHERE e.province_id = \(province)
              AND (e.transaction_id, e.position) > (\(after)::xid8, \(position.position))
              AND e.transaction_id >= \(after)::xid8
              AND e.transaction_id < \(below)
            ORDER BY e.transaction_id, e.position
            LIMIT \(size)
            """
    }

    /// ``PostgresEventLog/columns`` and the feed position, of the read's `e`.
    static let eventColumns = PostgresEventLog.columns + ", e.transaction_id::text, e.position"

    /// Of `provinces`, those where an event the subscriber could be delivered lies after its checkpoint: of
    /// any type (a delivery moves the checkpoint over the types it does not consume too), of a transaction
    /// older than every one still running (as ``events(in:after:types:limit:window:_:)`` takes them). One
    /// index probe a province and nothing written: a dispatcher with nothing to deliver reads once a
    /// module per pass, where locking each checkpoint cost a committed transaction per module and province
    /// (at 34 provinces and two modules, 46 commits a second on an idle server). Needs a row scope holding them.
    /// A province that has no checkpoint yet is always among them.
    public static func provincesWithDeliverableEvents(
        _ subscriber: String, among provinces: [ID<AdministrativeUnit>], _ session: PostgresSession
    ) async throws -> Set<ID<AdministrativeUnit>> {
        // Provinces without a checkpoint yet count as having work (their first delivery makes it). The bounds
        // come straight from the checkpoint's columns: wrapped in coalesce (as a LEFT JOIN would need) they
        // are not used as index conditions under row-level security, and each probe read a whole province.
        let ids = provinces.map(\.rawValue)
        let rows = try await session.query("""
            SELECT p.id FROM unnest(\(ids)::uuid[]) AS p(id)
            WHERE NOT EXISTS (SELECT 1 FROM module_checkpoints c WHERE c.module_id = \(subscriber) AND c.province_id = p.id)
            UNION ALL
            SELECT c.province_id FROM module_checkpoints c
            CROSS JOIN LATERAL (
                SELECT 1 FROM events e WHERE e.province_id = c.province_id
                  AND e.transaction_id >= c.transaction_id
                  AND (e.transaction_id, e.position) > (c.transaction_id, c.position)
                  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                LIMIT 1) later
            WHERE c.module_id = \(subscriber) AND c.province_id = ANY(\(ids))
            """).decode(ID<AdministrativeUnit>.self)
        return Set(rows)
    }

    /// Whether any committed event of `types` in `province` lies after the subscriber's checkpoint, including
    /// those ``events(in:after:types:limit:_:)`` still holds back because an older transaction is running.
    public static func hasPending(_ subscriber: String, in province: ID<AdministrativeUnit>, types: [EventType], _ session: PostgresSession) async throws -> Bool {
        try await session.query("""
            SELECT EXISTS (
                SELECT 1 FROM events e
                LEFT JOIN module_checkpoints c ON c.module_id = \(subscriber) AND c.province_id = e.province_id
                WHERE e.province_id = \(province) AND e.type = ANY(\(types.map(\.rawValue)))
                  AND e.transaction_id >= coalesce(c.transaction_id, '0'::xid8)
                  AND (e.transaction_id, e.position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.position, 0)))
            """).decode(Bool.self)[0]
    }

    /// Moves the checkpoint (locked by ``lockCheckpoint(_:province:_:)``) to `position`.
    public static func advance(_ subscriber: String, province: ID<AdministrativeUnit>, to position: FeedPosition, delivered: Int, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            UPDATE module_checkpoints
            SET transaction_id = \(String(position.transactionID))::xid8, position = \(position.position),
                delivered = delivered + \(delivered), updated_at = now()
            WHERE module_id = \(subscriber) AND province_id = \(province)
            """)
    }

    /// Sets `event` aside with the error that stopped it and moves the checkpoint past it.
    public static func park(_ subscriber: String, _ event: FeedEvent, attempts: Int, error: String, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            INSERT INTO module_parked_events (module_id, province_id, event_id, position, event_type, attempts, error)
            VALUES (\(subscriber), \(event.provinceID), \(event.event.id), \(event.feedPosition.position), \(event.event.type.rawValue),
                    \(attempts), \(String(error.prefix(2000))))
            ON CONFLICT (module_id, event_id) DO UPDATE SET attempts = EXCLUDED.attempts, error = EXCLUDED.error, parked_at = now()
            """)
        try await advance(subscriber, province: event.provinceID, to: event.feedPosition, delivered: 0, tx)
    }
}
