/// One row of a unit file (`code,name,level,parent_code,type`), as read, with its line number.
public struct IncomingUnit: Hashable, Sendable {
    public var line: Int
    public var code: String
    public var name: String
    public var level: String
    public var parentCode: String
    public var type: String

    public init(line: Int, code: String, name: String, level: String, parentCode: String, type: String) {
        self.line = line
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
        self.type = type
    }
}

/// A row of an import file that breaks a rule: the line, the field, and the rule.
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var field: String
    public var message: String

    public init(line: Int, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String { "line \(line), \(field): \(message)" }
}

/// What importing a complete tree changes: a tree file says "from this day on, these are the units".
public struct TreeImportPlan: Sendable {
    /// New units, valid from the effective day, parents before children.
    public var created: [AdministrativeUnit] = []
    /// Units that started on the effective day and are corrected in place (a re-import of a fixed file).
    public var corrected: [AdministrativeUnit] = []
    /// Units that carry on with their identity under a new spelling or type (same code, same parent,
    /// same name once the type word and diacritics are set aside): their new values, ids unchanged.
    /// The name and type in force before the effective day stay answerable as of those days.
    public var renamed: [UnitRenaming] = []
    /// Units that stop on the effective day: not in the file any more, changed, or under a unit that stops.
    public var closed: [ID<AdministrativeUnit>] = []
    /// Units that carry on unchanged.
    public var unchanged = 0

    public init() {}

    /// Whether applying the plan would change nothing (a re-import of the same file).
    public var isEmpty: Bool { created.isEmpty && corrected.isEmpty && closed.isEmpty && renamed.isEmpty }
}

/// A unit that keeps its identity through a respelling or a change of type.
public struct UnitRenaming: Hashable, Sendable {
    /// The unit as it was in force the day before.
    public let before: AdministrativeUnit
    /// The unit from the effective day: same id, code, parent and validity; the new name and type.
    public let after: AdministrativeUnit

    public init(before: AdministrativeUnit, after: AdministrativeUnit) {
        self.before = before
        self.after = after
    }

    /// Whether only the spelling changed (tone-mark placement, a corrected letter, case), not the type.
    public var isRespelling: Bool { before.kind == after.kind }
}

/// Plans the import of a complete tree (provinces, districts, communes) taking effect on one day.
///
/// A unit of the same level and code that is in force that day with the same name, type and parent
/// carries on as it is: re-importing a file changes nothing. One with the same code and parent whose name
/// is the same words in another spelling or with another type word (`Xã Lộc Ninh` → `Phường Lộc Ninh`,
/// `Tỉnh Khánh Hòa` → `Tỉnh Khánh Hoà`) keeps its identity and is renamed: nothing under it changes.
/// One that differs otherwise is closed and a new unit starts, since identity is code plus period
/// (`00004` was Phường Trúc Bạch, is now Phường Ba Đình). Provinces, districts and communes that the file
/// no longer lists are closed (the file is the whole official tree), and so are the official units under
/// a closed unit. Villages are not in such files and are never closed here: where their commune closes,
/// the store moves them to its successor or refuses the import (see `HierarchyImport`). All rows are
/// checked before anything is planned; the first error names its line.
public enum TreeImport {
    public static func plan(
        _ rows: [IncomingUnit],
        inForce existing: [AdministrativeUnit],
        effective: CalendarDate,
        makeID: () -> ID<AdministrativeUnit> = { ID() }
    ) throws(ImportError) -> TreeImportPlan {
        let ordered = try validated(rows)
        var existingByKey: [UnitKey: AdministrativeUnit] = [:]
        for unit in existing where unit.validity.contains(effective) { existingByKey[UnitKey(unit.kind.level, unit.code)] = unit }

        var plan = TreeImportPlan()
        var resolved: [UnitKey: ID<AdministrativeUnit>] = [:]
        var kept: Set<ID<AdministrativeUnit>> = []
        for row in ordered {
            let key = UnitKey(row.level.level, row.row.code)
            let parentID = row.parentKey.flatMap { resolved[$0] }
            if let current = existingByKey[key] {
                if current.name == row.row.name, current.kind == row.level, current.parentID == parentID {
                    plan.unchanged += 1
                    resolved[key] = current.id
                    kept.insert(current.id)
                    continue
                }
                if current.parentID == parentID {
                    let renamed = try unit(row, id: current.id, parentID: parentID, validity: current.validity)
                    if renamed.name == current.name, renamed.kind == current.kind {
                        plan.unchanged += 1  // the file differs only in the case of the type word
                        resolved[key] = current.id
                        kept.insert(current.id)
                        continue
                    }
                    if renamed.isSamePlaceName(as: current) {
                        plan.renamed.append(UnitRenaming(before: current, after: renamed))
                        resolved[key] = current.id
                        kept.insert(current.id)
                        continue
                    }
                }
                if current.validity.from == effective {
                    plan.corrected.append(try unit(row, id: current.id, parentID: parentID, validity: current.validity))
                    resolved[key] = current.id
                    kept.insert(current.id)
                    continue
                }
            }
            let validity = try! ValidityPeriod(from: effective)
            let created = try unit(row, id: makeID(), parentID: parentID, validity: validity)
            plan.created.append(created)
            resolved[key] = created.id
        }

        // Close the official units the file no longer lists (or lists differently): a district level that
        // is gone is gone. Villages are not in such files; the store moves or refuses them.
        var closing: Set<ID<AdministrativeUnit>> = []
        for unit in existingByKey.values where unit.kind.level != .village && !kept.contains(unit.id) {
            closing.insert(unit.id)
        }
        let inForce = existing.filter { $0.validity.contains(effective) }
        var grew = true
        while grew {
            grew = false
            for unit in inForce where unit.kind.level != .village && !closing.contains(unit.id) && !kept.contains(unit.id) {
                if let parentID = unit.parentID, closing.contains(parentID) {
                    closing.insert(unit.id)
                    grew = true
                }
            }
        }
        plan.closed = inForce.map(\.id).filter(closing.contains)
        return plan
    }

    private struct CheckedRow {
        let row: IncomingUnit
        let level: UnitKind
        let parentKey: UnitKey?
    }

    /// Checks every row, and orders them parents first.
    private static func validated(_ rows: [IncomingUnit]) throws(ImportError) -> [CheckedRow] {
        var levelByCode: [String: [UnitLevel]] = [:]
        var seen: [UnitKey: Int] = [:]
        var checked: [CheckedRow] = []
        for row in rows {
            guard let level = UnitLevel(rawValue: row.level), level != .nation else {
                throw ImportError(line: row.line, field: "level", message: "'\(row.level)' is not one of province, district, commune, village")
            }
            let kind: UnitKind
            do { kind = try UnitKind(level: level, type: row.type) } catch { throw ImportError(line: row.line, field: "type", message: error.description) }
            if let digits = AdministrativeUnit.codeDigits[level], row.code.count != digits || !row.code.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw ImportError(line: row.line, field: "code", message: "'\(row.code)' is not a \(level) code: it must be \(digits) digits")
            }
            if row.name.allSatisfy(\.isWhitespace) { throw ImportError(line: row.line, field: "name", message: "is empty") }
            let key = UnitKey(level, row.code)
            if let first = seen[key] {
                throw ImportError(line: row.line, field: "code", message: "\(level) \(row.code) is listed twice (first on line \(first))")
            }
            seen[key] = row.line
            levelByCode[row.code, default: []].append(level)
            checked.append(CheckedRow(row: row, level: kind, parentKey: nil))
        }
        let withParents = try checked.map { (entry: CheckedRow) throws(ImportError) -> CheckedRow in
            let row = entry.row
            if entry.level.level == .province {
                guard row.parentCode.isEmpty else {
                    throw ImportError(line: row.line, field: "parent_code", message: "a province has no parent, but '\(row.parentCode)' is given")
                }
                return entry
            }
            guard !row.parentCode.isEmpty else {
                throw ImportError(line: row.line, field: "parent_code", message: "a \(entry.level.level) needs a parent")
            }
            guard let parentLevel = levelByCode[row.parentCode]?.filter({ $0 < entry.level.level }).max() else {
                throw ImportError(line: row.line, field: "parent_code", message: "no unit above a \(entry.level.level) has code '\(row.parentCode)' in this file")
            }
            return CheckedRow(row: row, level: entry.level, parentKey: UnitKey(parentLevel, row.parentCode))
        }
        return withParents.sorted { ($0.level.level.rank, $0.row.line) < ($1.level.level.rank, $1.row.line) }
    }

    private static func unit(_ row: CheckedRow, id: ID<AdministrativeUnit>, parentID: ID<AdministrativeUnit>?, validity: ValidityPeriod) throws(ImportError) -> AdministrativeUnit {
        do {
            return try AdministrativeUnit(id: id, code: row.row.code, name: row.row.name, kind: row.level, parentID: parentID, validity: validity)
        } catch {
            throw ImportError(line: row.row.line, field: error.field == "parentCode" ? "parent_code" : error.field, message: error.description)
        }
    }
}

/// An official unit's level and code: what names it at one moment (codes are reused over time).
struct UnitKey: Hashable {
    let level: UnitLevel
    let code: String

    init(_ level: UnitLevel, _ code: String) {
        self.level = level
        self.code = code
    }
}
