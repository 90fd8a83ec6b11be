import Foundation

/// How high a unit sits. Depth varies by branch and by date (before July 2025 a commune sat under a
/// district; after, directly under its province), so code never assumes a fixed number of levels.
public enum UnitLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case nation, province, district, commune, village

    /// Nation 0, province 1, district 2, commune 3, village 4: a parent's rank is always lower.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: UnitLevel, rhs: UnitLevel) -> Bool { lhs.rank < rhs.rank }
}

/// A unit's level and its official type word, such as (`commune`, `Phường`).
public struct UnitKind: Hashable, Codable, Sendable, CustomStringConvertible {
    public let level: UnitLevel
    /// The type word as written in official names: `Tỉnh`, `Thành phố Trung ương`, `Xã`, `Đặc khu`, `Thôn`, …
    public let type: String

    /// The type words of each level. Village-level units have many local names; others are closed lists.
    public static let knownTypes: [UnitLevel: [String]] = [
        .nation: ["Quốc gia"],
        .province: ["Tỉnh", "Thành phố Trung ương"],
        .district: ["Huyện", "Quận", "Thị xã", "Thành phố"],
        .commune: ["Xã", "Phường", "Thị trấn", "Đặc khu"],
        .village: ["Thôn", "Bản", "Ấp", "Làng", "Buôn", "Sóc", "Tổ dân phố", "Khu phố", "Khóm", "Xóm", "Tổ", "Khu", "Plei", "Phum"],
    ]

    /// A kind whose type word belongs to its level; village types outside the list are accepted, since
    /// local names vary, as long as they are not empty.
    public init(level: UnitLevel, type: String) throws(HierarchyError) {
        let known = Self.knownTypes[level] ?? []
        guard known.contains(type) || (level == .village && !type.trimmingCharacters(in: .whitespaces).isEmpty) else {
            throw .unknownType(type, level: level, allowed: known)
        }
        self.level = level
        self.type = type
    }

    public var description: String { "\(level) (\(type))" }

    /// The words official names start with for this type: the type itself, except that a centrally-run
    /// city (`Thành phố Trung ương`) is written `Thành phố Hà Nội`.
    public var nameWord: String { type == "Thành phố Trung ương" ? "Thành phố" : type }
}
