import Foundation

/// One broken rule on one field: `members[2].phone` "must be a Vietnamese phone number".
///
/// The domain reports every rule a command or event breaks this way; the server turns them into the
/// `errors` of a problem+json answer without rewording them.
public struct Violation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The field's path in the JSON the client sent, such as `payload.skills.onlinePayment`.
    public var field: String
    /// The rule, in words a client can show.
    public var rule: String

    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    /// The same violation under a parent path: `payload` + `teamId` gives `payload.teamId`.
    public func nested(under parent: String) -> Violation {
        Violation(field: parent.isEmpty ? field : field.isEmpty ? parent : parent + "." + field, rule: rule)
    }

    public var description: String { "\(field): \(rule)" }
}

/// The error the domain throws when input breaks its rules: every violation found, not just the first.
public struct ValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var violations: [Violation]

    public init(_ violations: [Violation]) {
        self.violations = violations
    }

    public init(field: String, rule: String) {
        self.violations = [Violation(field: field, rule: rule)]
    }

    public var description: String { violations.map(\.description).joined(separator: "; ") }
}

/// Collects violations while checking a value, with the path of the part being checked.
///
/// ```swift
/// var check = Validator()
/// check.require(!name.isEmpty, "name", "must not be empty")
/// try check.finish()   // throws ValidationFailure when anything was recorded
/// ```
public struct Validator: Sendable {
    public private(set) var violations: [Violation] = []
    private var prefix: String

    public init(prefix: String = "") {
        self.prefix = prefix
    }

    /// Records `rule` on `field` unless `condition` holds.
    public mutating func require(_ condition: Bool, _ field: String, _ rule: String) {
        if !condition { record(field, rule) }
    }

    /// Records `rule` on `field`.
    public mutating func record(_ field: String, _ rule: String) {
        violations.append(Violation(field: field, rule: rule).nested(under: prefix))
    }

    /// Checks a part of the value under `field` (`payload`, `residents[1]`).
    public mutating func nested(_ field: String, _ body: (inout Validator) -> Void) {
        var inner = Validator(prefix: prefix.isEmpty ? field : field.hasPrefix("[") ? prefix + field : prefix + "." + field)
        body(&inner)
        violations += inner.violations
    }

    /// Checks a text field: trimmed, not empty unless optional, at most `maximumLength` characters, storable.
    public mutating func text(_ value: String?, _ field: String, required: Bool = true, maximumLength: Int = 200) {
        guard let value else {
            if required { record(field, "is required") }
            return
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { record(field, "must not be empty") }
        if value.count > maximumLength { record(field, "must be at most \(maximumLength) characters") }
        storable(value, field)
    }

    /// Records a violation when `value` holds the NUL character, which PostgreSQL cannot store in text or JSON.
    public mutating func storable(_ value: String?, _ field: String) {
        if let value, value.utf8.contains(0) { record(field, Self.nulRule) }
    }

    /// The rule a text holding the NUL character breaks.
    public static let nulRule = "must not contain the NUL character (\\u0000)"

    /// Throws the violations recorded so far, if any.
    public func finish() throws(ValidationFailure) {
        if !violations.isEmpty { throw ValidationFailure(violations) }
    }
}
