public import Foundation

/// One change or piece of work, as recorded in the event log.
///
/// The id is made by the client (a mobile app offline in a village makes it when the visit happens),
/// so sending the same event again is recognised: the log stores it once.
///
/// JSON form:
/// ```json
/// {"id": "…", "type": "household.visited", "version": 1, "unitId": "…", "authorId": "…",
///  "occurredAt": "2025-10-02T09:30:00+07:00", "payload": {"householdId": "…", …}}
/// ```
public struct DomainEvent: Hashable, Sendable {
    public let id: ID<DomainEvent>
    /// The unit it happened in (a village for a visit, the team's unit for a team event).
    public let unitID: ID<AdministrativeUnit>
    /// Who did the work or made the change: a member or an account.
    public let authorID: UUID
    public let occurredAt: Date
    /// When the log stored it; `nil` until it is stored.
    public let recordedAt: Date?
    /// The payload's version for its type.
    public let version: Int
    public let payload: EventPayload

    public var type: EventType { payload.type }

    public init(
        id: ID<DomainEvent>, unitID: ID<AdministrativeUnit>, authorID: UUID, occurredAt: Date,
        recordedAt: Date? = nil, version: Int = 1, payload: EventPayload
    ) {
        self.id = id
        self.unitID = unitID
        self.authorID = authorID
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.version = version
        self.payload = payload
    }

    /// The day it occurred in Vietnam: the effective date of the change it records.
    public var occurredOn: CalendarDate { CalendarDate(occurredAt) }

    /// The same event as stored at `date`.
    public func recorded(at date: Date) -> DomainEvent {
        DomainEvent(id: id, unitID: unitID, authorID: authorID, occurredAt: occurredAt, recordedAt: date, version: version, payload: payload)
    }

    /// The earliest day an event may have occurred on.
    public static let earliestDay = CalendarDate(year: 2020, month: 1, day: 1)!
    /// How far ahead of the server's clock a device's clock may run.
    public static let allowedClockSkew: TimeInterval = 3600

    /// Checks the rules that need no stored data: the occurrence time, the version, and the payload's fields.
    /// - Parameter now: the server's clock, so that events from the future are refused.
    public func validate(now: Date) throws(ValidationFailure) {
        var check = Validator()
        check.require(!id.isNil, "id", "must not be the nil UUID")
        check.require(occurredOn >= Self.earliestDay, "occurredAt", "must be on or after \(Self.earliestDay)")
        check.require(occurredAt <= now.addingTimeInterval(Self.allowedClockSkew), "occurredAt", "must not be in the future")
        // A module's kinds say their own versions; the module checks them.
        if type.isCore {
            check.require(type.supportedVersions.contains(version), "version", "must be \(type.supportedVersions.lowerBound) for \(type.rawValue)")
        }
        check.nested("payload") { payload.body.validate(into: &$0) }
        try check.finish()
    }
}

extension DomainEvent: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, version, unitId, authorId, occurredAt, recordedAt, payload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ID.self, forKey: .id)
        let type = try container.decode(EventType.self, forKey: .type)
        version = try container.decode(Int.self, forKey: .version)
        unitID = try container.decode(ID.self, forKey: .unitId)
        authorID = try container.decode(UUID.self, forKey: .authorId)
        occurredAt = try container.decode(Date.self, forKey: .occurredAt)
        recordedAt = try container.decodeIfPresent(Date.self, forKey: .recordedAt)
        guard container.contains(.payload) else {
            throw DecodingError.keyNotFound(CodingKeys.payload, .init(codingPath: container.codingPath, debugDescription: "payload is required"))
        }
        payload = try EventPayload.decode(type, from: try container.superDecoder(forKey: .payload))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(version, forKey: .version)
        try container.encode(unitID, forKey: .unitId)
        try container.encode(authorID.lowercasedText, forKey: .authorId)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encodeIfPresent(recordedAt, forKey: .recordedAt)
        try payload.body.encode(to: container.superEncoder(forKey: .payload))
    }
}
