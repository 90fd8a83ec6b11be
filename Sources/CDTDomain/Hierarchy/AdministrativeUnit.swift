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
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
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

    /// How many digits an official code has at each level.
    public static let codeDigits: [UnitLevel: Int] = [.province: 2, .district: 3, .commune: 5]

    /// The name to search by: no diacritics, lower case (`phuong phuc xa`).
    public var searchKey: String { VietnameseText.searchKey(name) }

    /// The name without its type word (`Phúc Xá` for `Phường Phúc Xá`), which lists sort by, so that
    /// `Thành phố Đà Nẵng` sorts among the provinces at Đ rather than with the other cities at T.
    public var shortName: String {
        let prefix = kind.type + " "
        return name.hasPrefix(prefix) && name.count > prefix.count ? String(name.dropFirst(prefix.count)) : name
    }

    /// The key lists sort by: Vietnamese order of ``shortName``, then of the full name.
    public var sortKey: VietnameseText.SortKey { VietnameseText.sortKey(shortName + "\u{1}" + name) }
}
