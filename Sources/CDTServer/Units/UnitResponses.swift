import CDTDomain
import Hummingbird

/// A unit as the API shows it.
struct UnitResponse: ResponseEncodable, Decodable, Equatable {
    var id: String
    var code: String
    var name: String
    var level: String
    var type: String
    var parentId: String?
    var validFrom: String
    var validUntil: String?

    init(_ unit: AdministrativeUnit) {
        id = unit.id.description
        code = unit.code
        name = unit.name
        level = unit.kind.level.rawValue
        type = unit.kind.type
        parentId = unit.parentID?.description
        validFrom = unit.validity.from.description
        validUntil = unit.validity.until?.description
    }
}

/// A page of a list: the items and the cursor of the next page (`null` on the last).
struct PageResponse<Item: Encodable & Sendable>: ResponseEncodable {
    var items: [Item]
    var nextCursor: String?

    enum CodingKeys: CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Sealed for the list being answered (see CursorSeal); null, not absent, on the last page.
        try container.encode(CursorSeal.sealForCurrentList(nextCursor), forKey: .nextCursor)
    }
}

/// A unit with its parents, nearest first.
struct UnitDetailResponse: ResponseEncodable {
    var unit: UnitResponse
    var ancestors: [UnitResponse]
    /// Every name and type the unit bore, oldest first.
    var names: [UnitNameResponse]
}

/// A name and type a unit bore over a period.
struct UnitNameResponse: ResponseEncodable, Decodable, Equatable {
    var name: String
    var type: String
    var validFrom: String
    var validUntil: String?

    init(_ name: UnitName) {
        self.name = name.name
        type = name.kind.type
        validFrom = name.validity.from.description
        validUntil = name.validity.until?.description
    }
}

/// A unit that carries on another's territory, and the share it carries when known.
struct SuccessorResponse: ResponseEncodable {
    var unit: UnitResponse
    var share: Double?
}

struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable {
    var items: [Item]
}
