import Foundation

/// A unit of the administrative hierarchy as it existed over one validity period.
///
/// Identity is the id, not the code: codes are reused across reorganizations (`24` was Bắc Giang
/// until 30 June 2025 and is Bắc Ninh since), so the same code over two periods is two units.
public struct AdministrativeUnit: Hashable, Codable, Sendable {
    public let id: ID<AdministrativeUnit>
    /// The General Statistics Office code (2 digits for a province, 3 for a district, 5 for a commune),
    /// or a local code for a village.
    public let code: String
    /// The official name with its type word and diacritics, such as `Phường Phúc Xá`.
    public let name: String
    public let kind: UnitKind
    /// The unit above it during its validity; `nil` only for the nation and for provinces.
    public let parentID: ID<AdministrativeUnit>?
    public let validity: ValidityPeriod

    /// - Throws: ``HierarchyError`` when the code does not fit the level or the name is empty.
    public init(
        id: ID<AdministrativeUnit>, code: String, name: String, kind: UnitKind,
        parentID: ID<AdministrativeUnit>?, validity: ValidityPeriod
    ) throws(HierarchyError) {
        let trimmedName = Self.withTypeWord(Self.trimmed(name), kind: kind)
        guard !trimmedName.isEmpty else { throw .emptyName(code: code) }
        if let digits = Self.codeDigits[kind.level] {
            guard code.count == digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .malformedCode(code, level: kind.level, digits: digits)
            }
        } else if code.isEmpty || code.count > 32 {
            throw .malformedCode(code, level: kind.level, digits: nil)
        }
        if kind.level > .province, parentID == nil { throw .missingParent(code: code) }
        self.id = id
        self.code = code
        self.name = trimmedName
        self.kind = kind
        self.parentID = parentID
        self.validity = validity
    }

    /// `name` without white space at either end; itself, without a copy, when it has none there (as every
    /// stored name: units are read by the thousand, and Foundation's trimming went through `NSString`).
    static func trimmed(_ name: String) -> String {
        let spaces = CharacterSet.whitespacesAndNewlines
        guard let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
              spaces.contains(first) || spaces.contains(last) else { return name }
        return name.trimmingCharacters(in: spaces)
    }

    /// How many digits an official code has at each level.
    public static let codeDigits: [UnitLevel: Int] = [.province: 2, .district: 3, .commune: 5]

    /// The name to search by: no diacritics, lower case (`phuong phuc xa`).
    public var searchKey: String { VietnameseText.searchKey(name) }

    /// The name without its type word (`Phúc Xá` for `Phường Phúc Xá`), which lists sort by, so that
    /// `Thành phố Đà Nẵng` sorts among the provinces at Đ rather than with the other cities at T.
    public var shortName: String { Self.shortName(of: name, kind: kind) }

    /// ``shortName`` of any name of a kind.
    public static func shortName(of name: String, kind: UnitKind) -> String {
        let prefix = kind.nameWord + " "
        return name.hasPrefix(prefix) && name.count > prefix.count ? String(name.dropFirst(prefix.count)) : name
    }

    /// ``sortKey`` of any name of a kind.
    public static func sortKey(name: String, kind: UnitKind) -> VietnameseText.SortKey {
        VietnameseText.sortKey(shortName(of: name, kind: kind) + "\u{1}" + name)
    }

    /// A name whose type word the source wrote in other case (`xã Bắc Sơn`) displays with the type word as
    /// it is written (`Xã Bắc Sơn`); the rest of the name stays as the source spells it.
    static func withTypeWord(_ name: String, kind: UnitKind) -> String {
        let word = kind.nameWord
        guard !name.hasPrefix(word + " "), name.count > word.count + 1 else { return name }
        let head = String(name.prefix(word.count))
        guard head.lowercased() == word.lowercased(), name.dropFirst(word.count).first == " " else { return name }
        return word + name.dropFirst(word.count)
    }

    /// Whether `other` is this unit respelled or retyped rather than another place: the same name once the
    /// type word is set aside, compared without diacritics or case (`Xã Lộc Ninh` and `Phường Lộc Ninh`,
    /// `Xã Phó Bảng` and `Xã Phố Bảng`, `Tỉnh Khánh Hòa` and `Tỉnh Khánh Hoà`).
    public func isSamePlaceName(as other: AdministrativeUnit) -> Bool {
        VietnameseText.searchKey(shortName) == VietnameseText.searchKey(other.shortName)
    }

    /// The key lists sort by: Vietnamese order of ``shortName``, then of the full name.
    public var sortKey: VietnameseText.SortKey { Self.sortKey(name: name, kind: kind) }
}

/// A name and type a unit bore over a period: a unit keeps its identity through a respelling or a change
/// of type, and answers "as of" a day with the name of that day.
public struct UnitName: Hashable, Codable, Sendable {
    public let name: String
    public let kind: UnitKind
    public let validity: ValidityPeriod

    public init(name: String, kind: UnitKind, validity: ValidityPeriod) {
        self.name = name
        self.kind = kind
        self.validity = validity
    }
}

extension AdministrativeUnit {
    /// The unit as it was named on `date`, given its names over time (``UnitName``); itself when none
    /// covers the day.
    public func named(on date: CalendarDate, names: [UnitName]) -> AdministrativeUnit {
        guard let name = names.first(where: { $0.validity.contains(date) }), name.name != self.name || name.kind != kind,
              let renamed = try? AdministrativeUnit(id: id, code: code, name: name.name, kind: name.kind, parentID: parentID, validity: validity)
        else { return self }
        return renamed
    }
}
