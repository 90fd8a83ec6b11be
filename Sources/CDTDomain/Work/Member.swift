import Foundation

/// A person on one or more teams. The platform keeps only what the work needs: a name, a phone
/// number, a gender, a birth year and affiliations.
public struct Member: Hashable, Codable, Sendable {
    public let id: ID<Member>
    public var name: String
    /// In national form, `0` and nine digits (`0912345678`).
    public var phone: String
    public var gender: Gender
    public var birthYear: Int
    public var affiliations: [Affiliation]

    public init(id: ID<Member>, name: String, phone: String, gender: Gender, birthYear: Int, affiliations: [Affiliation]) {
        self.id = id
        self.name = name
        self.phone = phone
        self.gender = gender
        self.birthYear = birthYear
        self.affiliations = affiliations
    }

    /// A Vietnamese mobile or landline number in national form, or `nil`: `+84 912 345 678`,
    /// `84912345678` and `0912.345.678` all give `0912345678`.
    public static func normalizedPhone(_ text: String) -> String? {
        var digits = text.filter { !" .-()".contains($0) }
        if digits.hasPrefix("+84") { digits = "0" + digits.dropFirst(3) }
        else if digits.hasPrefix("84"), digits.count == 11 { digits = "0" + digits.dropFirst(2) }
        guard digits.count == 10, digits.hasPrefix("0"), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }
}

public enum Gender: String, Codable, Sendable, Hashable, CaseIterable {
    case female, male, other
}

/// The organisations and roles members come from.
public enum Affiliation: String, Codable, Sendable, Hashable, CaseIterable {
    case villageHead
    case residentialGroupLeader
    case youthUnion
    case womensUnion
    case farmersUnion
    case veteransAssociation
    case fatherlandFront
    case police
    case teacher
    case postalStaff
    case telecomStaff
    case itEnterpriseStaff
    case volunteer
    case other
}
