public import CDTDomain
public import CDTPostgres
public import Foundation

/// A small hierarchy for tests, all in force from 2025-07-01: two provinces, each with a commune, and with
/// ``secondCommunes`` a second commune in each (a module's test harness has them).
///
/// | province | commune | villages |
/// | --- | --- | --- |
/// | A, Thành phố Hà Nội | A, Phường Ba Đình | A1, A2 |
/// | | A2, Phường Hoàn Kiếm (second communes) | A3 |
/// | B, Thành phố Hồ Chí Minh | B, Phường Sài Gòn | B1 |
/// | | B2, Phường Bến Thành (second communes) | B2 |
public struct TestUnits: Sendable {
    /// Whether the second commune of each province (and its village) is added.
    public let secondCommunes: Bool
    public let provinceA = ID<AdministrativeUnit>(), provinceB = ID<AdministrativeUnit>()
    public let communeA = ID<AdministrativeUnit>(), communeB = ID<AdministrativeUnit>()
    public let communeA2 = ID<AdministrativeUnit>(), communeB2 = ID<AdministrativeUnit>()
    public let villageA1 = ID<AdministrativeUnit>(), villageA2 = ID<AdministrativeUnit>(), villageB1 = ID<AdministrativeUnit>()
    public let villageA3 = ID<AdministrativeUnit>(), villageB2 = ID<AdministrativeUnit>()

    /// Each village added with its commune, for making work in every one of them.
    public var villages: [(village: ID<AdministrativeUnit>, commune: ID<AdministrativeUnit>)] {
        [(villageA1, communeA), (villageA2, communeA), (villageB1, communeB)]
            + (secondCommunes ? [(villageA3, communeA2), (villageB2, communeB2)] : [])
    }

    public init(secondCommunes: Bool = false) {
        self.secondCommunes = secondCommunes
    }

    /// Adds the units to the database `client` (the tables' owner) reaches.
    public func add(to client: PostgresClient) async throws {
        let validity = try ValidityPeriod(from: CalendarDate("2025-07-01")!)
        func unit(_ id: ID<AdministrativeUnit>, _ code: String, _ name: String, _ level: UnitLevel, _ type: String, _ parent: ID<AdministrativeUnit>?) throws -> AdministrativeUnit {
            try AdministrativeUnit(id: id, code: code, name: name, kind: UnitKind(level: level, type: type), parentID: parent, validity: validity)
        }
        try await PostgresHierarchyStore(client: client).add([
            try unit(provinceA, "01", "Thành phố Hà Nội", .province, "Thành phố Trung ương", nil),
            try unit(provinceB, "79", "Thành phố Hồ Chí Minh", .province, "Thành phố Trung ương", nil),
            try unit(communeA, "00004", "Phường Ba Đình", .commune, "Phường", provinceA),
            try unit(communeB, "26734", "Phường Sài Gòn", .commune, "Phường", provinceB),
            try unit(villageA1, "00004.1", "Tổ dân phố 1", .village, "Tổ dân phố", communeA),
            try unit(villageA2, "00004.2", "Tổ dân phố 2", .village, "Tổ dân phố", communeA),
            try unit(villageB1, "26734.1", "Khu phố 1", .village, "Khu phố", communeB),
        ])
        guard secondCommunes else { return }
        try await PostgresHierarchyStore(client: client).add([
            try unit(communeA2, "00070", "Phường Hoàn Kiếm", .commune, "Phường", provinceA),
            try unit(communeB2, "26740", "Phường Bến Thành", .commune, "Phường", provinceB),
            try unit(villageA3, "00070.1", "Tổ dân phố 3", .village, "Tổ dân phố", communeA2),
            try unit(villageB2, "26740.1", "Khu phố 2", .village, "Khu phố", communeB2),
        ])
    }

}

/// Events in the test hierarchy, as a client would submit them, a minute apart from 2025-08-01 10:00
/// in Vietnam.
public struct TestEvents: Sendable {
    public let author = UUID()
    public static let start = Date(timeIntervalSince1970: 1_754_017_200)

    public init() {}

    /// An event in `unit` with `payload`, `minute` minutes after the start.
    public func event(_ unit: ID<AdministrativeUnit>, minute: Int = 0, _ payload: EventPayload) -> DomainEvent {
        DomainEvent(id: ID(), unitID: unit, authorID: author, occurredAt: Self.start.addingTimeInterval(TimeInterval(minute * 60)), payload: payload)
    }

    /// The type of the events ``shared(in:title:summary:minute:)`` makes: the good-practices module's.
    public static let sharedType = EventType(rawValue: "good-practices.practice_shared")!

    /// A `good-practices.practice_shared` event (a module's event, as the log stores it), the simplest event
    /// there is: it needs nothing else to exist. Appended straight to the log, it needs no module declaring it.
    public func shared(in unit: ID<AdministrativeUnit>, title: String, summary: String = "Cách làm và kết quả, để nơi khác học theo.", minute: Int = 0) -> DomainEvent {
        module(Self.sharedType, in: unit, minute: minute, ["title": .string(title), "summary": .string(summary)])
    }

    /// An event of a module's `type` with the JSON payload `fields`.
    public func module(_ type: EventType, in unit: ID<AdministrativeUnit>, minute: Int = 0, _ fields: [String: JSONValue]) -> DomainEvent {
        event(unit, minute: minute, .module(ModuleEventPayload(type: type, json: .object(fields))))
    }
}
