public import CDTDomain
import Foundation

/// Loads many events at once with COPY, for data known to follow the rules: the demo's generated
/// season, the benchmarks' national data set. Each call is one transaction: the events go into the log
/// and the tables built from it together, or nothing does.
///
/// Unlike ``PostgresEventLog/append(_:)`` it does not check events one by one against stored data
/// (which is what makes it fast); the database's own constraints (one team per village, one head per
/// team, keys) still hold, so data that breaks them fails the whole call. Resending an event already
/// stored also fails it: use the log's append for anything that may be a resend.
///
/// Supported event types: team established, member joined (a new member with their details),
/// household registered, household visited or surveyed, training held, campaign launched, practice shared.
public struct PostgresEventBulkLoader: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Where a unit sits, as the loader needs it.
    struct Placement: Sendable {
        let province: ID<AdministrativeUnit>
        let level: UnitLevel
    }

    /// Stores `events` and their effects in one transaction and returns how many were stored.
    /// - Throws: ``ValidationFailure`` naming the event (`events[i]`) whose type is not supported or
    ///   whose unit does not exist; ``PostgresError`` when a constraint is broken. Nothing is stored then.
    @discardableResult
    public func load(_ events: [DomainEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let unitIDs = Array(Set(events.map(\.unitID)))
        return try await client.withTransaction { tx in
            var placements: [ID<AdministrativeUnit>: Placement] = [:]
            for row in try await tx.query("""
                SELECT id, coalesce(province_id, id), level FROM administrative_units WHERE id = ANY(\(unitIDs))
                """) {
                let (id, province, level) = try row.decode((ID<AdministrativeUnit>, ID<AdministrativeUnit>, String).self)
                placements[id] = Placement(province: province, level: UnitLevel(rawValue: level) ?? .village)
            }
            let rows = try BulkRows(events: events, placements: placements)
            try await rows.copy(into: tx)
            return events.count
        }
    }
}
