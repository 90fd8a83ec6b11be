/// Why a unit or a lineage link was refused, precisely enough to name the field and the rule.
public enum HierarchyError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownType(String, level: UnitLevel, allowed: [String])
    case emptyValidity(from: CalendarDate, until: CalendarDate)
    case emptyName(code: String)
    case malformedCode(String, level: UnitLevel, digits: Int?)
    case missingParent(code: String)
    case unknownParent(code: String)
    case parentNotAbove(code: String, parentLevel: UnitLevel, level: UnitLevel)
    case parentNotValid(code: String, parentValidity: ValidityPeriod, validity: ValidityPeriod)
    case overlappingCode(String, level: UnitLevel, existing: ValidityPeriod, new: ValidityPeriod)
    case duplicateID(ID<AdministrativeUnit>)
    case unknownUnit(ID<AdministrativeUnit>)
    case selfLineage(ID<AdministrativeUnit>)
    case invalidShare(Double)

    /// The request field the error concerns.
    public var field: String {
        switch self {
        case .unknownType: "type"
        case .emptyValidity: "validUntil"
        case .emptyName: "name"
        case .malformedCode, .overlappingCode, .duplicateID: "code"
        case .missingParent, .unknownParent, .parentNotAbove, .parentNotValid: "parentCode"
        case .unknownUnit, .selfLineage: "unit"
        case .invalidShare: "share"
        }
    }

    public var description: String {
        switch self {
        case .unknownType(let type, let level, let allowed):
            "'\(type)' is not a type of \(level) unit; expected one of: \(allowed.joined(separator: ", "))"
        case .emptyValidity(let from, let until): "the validity ends (\(until)) on or before it starts (\(from))"
        case .emptyName(let code): "unit \(code) has an empty name"
        case .malformedCode(let code, let level, let digits?): "'\(code)' is not a \(level) code: it must be \(digits) digits"
        case .malformedCode(let code, let level, nil): "'\(code)' is not a \(level) code: it must be 1 to 32 characters"
        case .missingParent(let code): "unit \(code) needs a parent"
        case .unknownParent(let code): "the parent of unit \(code) does not exist"
        case .parentNotAbove(let code, let parentLevel, let level):
            "unit \(code) is a \(level) and cannot sit under a \(parentLevel)"
        case .parentNotValid(let code, let parentValidity, let validity):
            "unit \(code) is valid \(validity), outside its parent's validity \(parentValidity)"
        case .overlappingCode(let code, let level, let existing, let new):
            "a \(level) with code \(code) already exists over \(existing), which overlaps \(new)"
        case .duplicateID(let id): "a unit with id \(id) already exists"
        case .unknownUnit(let id): "no unit has id \(id)"
        case .selfLineage(let id): "unit \(id) cannot succeed itself"
        case .invalidShare(let share): "a split's share must be above 0 and at most 1, not \(share)"
        }
    }
}
