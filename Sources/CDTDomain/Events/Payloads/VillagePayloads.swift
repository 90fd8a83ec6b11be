/// The province's own villages (thôn, bản, ấp, tổ dân phố, …), which no public list names: a province
/// administrator adds, renames, moves and closes them as events. Each takes effect on the day it occurred.

/// `village.added`: a village opens under the event's unit, a commune in force that day.
public struct VillageAdded: EventBody {
    /// The new village's id, made by the client like an event id.
    public var villageId: ID<AdministrativeUnit>
    /// A code local to the commune (`7`, `06001.3`): unique among its villages in force.
    public var code: String
    /// The full name with its type word, `Thôn Nà Lầu`.
    public var name: String
    /// The type word: `Thôn`, `Bản`, `Ấp`, `Tổ dân phố`, …
    public var type: String

    public init(villageId: ID<AdministrativeUnit>, code: String, name: String, type: String) {
        self.villageId = villageId
        self.code = code
        self.name = name
        self.type = type
    }

    public func validate(into check: inout Validator) {
        check.text(code, "code", maximumLength: 32)
        check.text(name, "name")
        VillageType.validate(type, into: &check)
    }
}

/// `village.renamed`: the event's unit, a village, bears a new name (and type word) from that day; the
/// old one stays its name for the days before. Its id, teams and households do not change.
public struct VillageRenamed: EventBody {
    public var name: String
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }

    public func validate(into check: inout Validator) {
        check.text(name, "name")
        VillageType.validate(type, into: &check)
    }
}

/// `village.moved`: the event's unit, a village, goes to another commune of its province. It closes that
/// day and opens again under the new commune as `newVillageId` (linked `moved`), so figures stay with the
/// old commune for the days before; its team, households and role assignments go with it.
public struct VillageMoved: EventBody {
    public var communeId: ID<AdministrativeUnit>
    /// The village's id under its new commune, made by the client.
    public var newVillageId: ID<AdministrativeUnit>
    /// Its code under the new commune; the old code when absent.
    public var code: String?

    public init(communeId: ID<AdministrativeUnit>, newVillageId: ID<AdministrativeUnit>, code: String? = nil) {
        self.communeId = communeId
        self.newVillageId = newVillageId
        self.code = code
    }

    public func validate(into check: inout Validator) {
        check.text(code, "code", required: false, maximumLength: 32)
    }
}

/// `village.closed`: the event's unit, a village, closes that day. Its work goes to `successorId`, a village
/// of the same province in force that day (linked `merged`); without one it may hold no active team,
/// household or role assignment, since closing must orphan nothing.
public struct VillageClosed: EventBody {
    public var successorId: ID<AdministrativeUnit>?

    public init(successorId: ID<AdministrativeUnit>? = nil) {
        self.successorId = successorId
    }

    public func validate(into check: inout Validator) {}
}

/// The type word of a village: local names vary, so any non-empty word, checked like the hierarchy does.
enum VillageType {
    static func validate(_ type: String, into check: inout Validator) {
        do {
            _ = try UnitKind(level: .village, type: type)
            check.text(type, "type", maximumLength: 40)
        } catch {
            check.record("type", "must be a village type word such as \(UnitKind.knownTypes[.village]!.prefix(6).joined(separator: ", "))")
        }
    }
}
