public import CDTDomain
public import CDTPostgres
public import Foundation
public import Hummingbird

/// How far delivery of the log to a module has reached in each province where it has a state, and the
/// events it parked: what operators read through the API and `cdt modules status`.
public struct ModuleDeliveryReport: Sendable, Encodable {
    public struct Province: Sendable, Encodable {
        public let provinceID: ID<AdministrativeUnit>
        public let enabled: Bool
        public let position: Int64
        public let delivered: Int64
        /// Events of the types it consumes not yet delivered, counted up to 100,000.
        public let pending: Int64
        public let updatedAt: Date?

        enum CodingKeys: String, CodingKey { case provinceID = "provinceId", enabled, position, delivered, pending, updatedAt }
    }

    public struct Parked: Sendable, Encodable {
        public let eventID: ID<DomainEvent>
        public let provinceID: ID<AdministrativeUnit>
        public let eventType: String
        public let position: Int64
        public let attempts: Int
        public let error: String
        public let parkedAt: Date

        enum CodingKeys: String, CodingKey {
            case eventID = "eventId", provinceID = "provinceId", eventType, position, attempts, error, parkedAt
        }
    }

    public let moduleID: String
    public let provinces: [Province]
    /// The 100 most recent, newest first.
    public let parked: [Parked]

    enum CodingKeys: String, CodingKey { case moduleID = "moduleId", provinces, parked }

    /// Reads the report across provinces (the caller has checked the reader is national).
    public static func load(_ moduleID: String, consuming types: [EventType], _ database: PostgresClient) async throws -> ModuleDeliveryReport {
        try await RowScope.$current.withValue(.everyProvince) {
            let provinces = try await database.query("""
                SELECT m.province_id, m.enabled, coalesce(c.position, 0), coalesce(c.delivered, 0),
                       (SELECT count(*) FROM (SELECT 1 FROM events e
                            WHERE e.province_id = m.province_id AND e.type = ANY(\(types.map(\.rawValue)))
                              AND (e.transaction_id, e.position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.position, 0))
                            LIMIT 100000) pending),
                       c.updated_at
                FROM module_enablements m
                LEFT JOIN module_checkpoints c ON c.module_id = m.module_id AND c.province_id = m.province_id
                WHERE m.module_id = \(moduleID) ORDER BY m.province_id
                """).decode((ID<AdministrativeUnit>, Bool, Int64, Int64, Int64, Date?).self)
            let parked = try await database.query("""
                SELECT event_id, province_id, event_type, position, attempts, error, parked_at FROM module_parked_events
                WHERE module_id = \(moduleID) ORDER BY parked_at DESC LIMIT 100
                """).decode((ID<DomainEvent>, ID<AdministrativeUnit>, String, Int64, Int, String, Date).self)
            return ModuleDeliveryReport(
                moduleID: moduleID,
                provinces: provinces.map { Province(provinceID: $0.0, enabled: $0.1, position: $0.2, delivered: $0.3, pending: $0.4, updatedAt: $0.5) },
                parked: parked.map { Parked(eventID: $0.0, provinceID: $0.1, eventType: $0.2, position: $0.3, attempts: $0.4, error: $0.5, parkedAt: $0.6) })
        }
    }
}

/// `GET /api/v1/modules/{id}/status` answers the report as it is.
extension ModuleDeliveryReport: ResponseEncodable {}
