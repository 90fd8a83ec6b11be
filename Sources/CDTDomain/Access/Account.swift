public import Foundation

/// Someone who signs in: by username or phone number, with roles assigned in the hierarchy.
public struct Account: Hashable, Codable, Sendable {
    public let id: ID<Account>
    /// Lower case, 3 to 40 of `a-z 0-9 . _ -`.
    public var username: String?
    /// National form, `0` and nine digits.
    public var phone: String?
    public var displayName: String
    public var assignments: [RoleAssignment]
    public var isDisabled: Bool
    public var hasTwoFactor: Bool

    public init(id: ID<Account>, username: String?, phone: String?, displayName: String, assignments: [RoleAssignment],
                isDisabled: Bool = false, hasTwoFactor: Bool = false) {
        self.id = id
        self.username = username
        self.phone = phone
        self.displayName = displayName
        self.assignments = assignments
        self.isDisabled = isDisabled
        self.hasTwoFactor = hasTwoFactor
    }

    /// Whether `text` is a valid username.
    public static func isValidUsername(_ text: String) -> Bool {
        (3...40).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || ".-_".contains($0)) }
    }

    /// Whether a username could be taken for a phone number at sign-in (digits with at most `.`, `-`, `_`),
    /// which would make a login ambiguous: such usernames are refused.
    public static func looksLikePhone(_ username: String) -> Bool {
        Member.normalizedPhone(username) != nil || username.allSatisfy { $0.isNumber || ".-_".contains($0) }
    }

    /// The rules a new account's details follow; violations are named by field.
    public static func validate(username: String?, phone: String?, displayName: String, password: String?, into check: inout Validator) {
        if let username { check.require(isValidUsername(username), "username", "must be 3 to 40 of a-z, 0-9, '.', '_' and '-'") }
        if let username, isValidUsername(username) {
            check.require(!looksLikePhone(username), "username", "must not look like a phone number (sign in by phone with the phone field)")
        }
        if let phone { check.require(Member.normalizedPhone(phone) != nil, "phone", "must be a Vietnamese phone number (0 and 9 digits, or +84)") }
        check.require(username != nil || phone != nil, "username", "a username or a phone number is required")
        check.text(displayName, "displayName")
        if let password { Password.validate(password, into: &check) }
    }
}

/// A role at a unit (or at the nation for national roles).
public struct RoleAssignment: Hashable, Codable, Sendable {
    public var role: Role
    public var unitID: ID<AdministrativeUnit>?

    public init(role: Role, unitID: ID<AdministrativeUnit>?) {
        self.role = role
        self.unitID = unitID
    }

    enum CodingKeys: String, CodingKey {
        case role
        case unitID = "unitId"
    }
}

/// The rules passwords follow.
public enum Password {
    public static let minimumLength = 12
    public static let maximumLength = 72  // bcrypt reads at most 72 bytes

    public static func validate(_ password: String, into check: inout Validator, field: String = "password") {
        check.require(password.count >= minimumLength, field, "must be at least \(minimumLength) characters")
        check.require(password.utf8.count <= maximumLength, field, "must be at most \(maximumLength) bytes")
    }
}
