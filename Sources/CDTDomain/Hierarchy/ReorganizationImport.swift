/// One row of a reorganization map (`old_code,new_code,level,part`), with its line number.
public struct IncomingLineage: Hashable, Sendable {
    public var line: Int
    public var oldCode: String
    public var newCode: String
    /// The old unit's level.
    public var level: String
    /// `full` when the whole old unit went into the new one, `partial` when it was split.
    public var part: String

    public init(line: Int, oldCode: String, newCode: String, level: String, part: String) {
        self.line = line
        self.oldCode = oldCode
        self.newCode = newCode
        self.level = level
        self.part = part
    }
}

/// Turns a reorganization map into lineage links between the tree in force the day before it took
/// effect and the tree in force from that day.
///
/// The new unit's level follows from its code (2 digits a province, 5 a commune): five island districts
/// became special zones (đặc khu), which are communes. A unit that carried on unchanged across the
/// reorganization (same code, name and parent) needs no link and gets none.
public enum ReorganizationImport {
    public static func plan(
        _ rows: [IncomingLineage],
        before: [AdministrativeUnit],
        after: [AdministrativeUnit],
        effective: CalendarDate
    ) throws(ImportError) -> [LineageLink] {
        let dayBefore = effective.adding(days: -1)
        let old = index(before.filter { $0.validity.contains(dayBefore) })
        let new = index(after.filter { $0.validity.contains(effective) })
        var links: [LineageLink] = []
        var seen: [String: Int] = [:]
        for row in rows {
            guard let level = UnitLevel(rawValue: row.level) else {
                throw ImportError(line: row.line, field: "level", message: "'\(row.level)' is not one of province, district, commune, village")
            }
            let kind: LineageKind
            switch row.part {
            case "full": kind = .merged
            case "partial": kind = .split(share: nil)
            default: throw ImportError(line: row.line, field: "part", message: "'\(row.part)' is not full or partial")
            }
            guard let predecessor = old[UnitKey(level, row.oldCode)] else {
                throw ImportError(line: row.line, field: "old_code", message: "no \(level) \(row.oldCode) was in force on \(dayBefore)")
            }
            guard let newLevel = AdministrativeUnit.codeDigits.first(where: { $0.value == row.newCode.count })?.key,
                  let successor = new[UnitKey(newLevel, row.newCode)]
            else {
                throw ImportError(line: row.line, field: "new_code", message: "no unit with code \(row.newCode) is in force on \(effective)")
            }
            let pair = "\(row.oldCode)→\(row.newCode)/\(level)"
            if let first = seen[pair] {
                throw ImportError(line: row.line, field: "new_code", message: "\(pair) is listed twice (first on line \(first))")
            }
            seen[pair] = row.line
            guard predecessor.id != successor.id else { continue }
            do {
                links.append(try LineageLink(predecessor: predecessor.id, successor: successor.id, kind: kind, effective: effective))
            } catch {
                throw ImportError(line: row.line, field: "new_code", message: error.description)
            }
        }
        return links
    }

    private static func index(_ units: [AdministrativeUnit]) -> [UnitKey: AdministrativeUnit] {
        var result: [UnitKey: AdministrativeUnit] = [:]
        for unit in units { result[UnitKey(unit.kind.level, unit.code)] = unit }
        return result
    }
}
