public import CDTDomain
public import Foundation

/// A module's settings: typed fields with defaults, set per province and validated before they are stored.
///
/// ```swift
/// var settings: SettingsSchema {
///     SettingsSchema([
///         .boolean("endorsedFirst", SettingLabel(vietnamese: "Mô hình được công nhận lên đầu", english: "Endorsed practices first"), default: true),
///         .integer("pageSize", SettingLabel(vietnamese: "Số mục mỗi trang", english: "Items per page"), range: 5...100, default: 20),
///         .choice("period", SettingLabel(vietnamese: "Kỳ mặc định", english: "Default period"), among: ["week", "month"], default: "month"),
///     ])
/// }
/// ```
public struct SettingsSchema: Sendable, Hashable {
    public let fields: [SettingField]

    public init(_ fields: [SettingField] = []) {
        self.fields = fields
    }

    /// The settings a province has before anyone sets them.
    public var defaults: ModuleSettings { ModuleSettings(schema: self, values: [:]) }

    /// What is wrong with the schema itself (a key twice, a default its own rule refuses), if anything.
    public var problem: String? {
        var keys: Set<String> = []
        for field in fields {
            guard !field.key.isEmpty, field.key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                return "setting key '\(field.key)' must be letters and digits"
            }
            guard keys.insert(field.key).inserted else { return "setting '\(field.key)' is declared twice" }
            if let rule = field.problem(with: field.defaultValue) { return "the default of '\(field.key)' \(rule)" }
        }
        return nil
    }

    /// Applies `changes` (a JSON object, as a client sends it) over `current`: every key must be a
    /// setting and every value must keep its rule; `null` restores the default.
    /// - Throws: ``ValidationFailure`` naming `settings.<key>` and the rule for each problem.
    public func apply(_ changes: [String: JSONValue], to current: ModuleSettings) throws(ValidationFailure) -> ModuleSettings {
        var values = current.values
        var violations: [Violation] = []
        for key in changes.keys.sorted() {
            let path = "settings.\(key)"
            guard let field = fields.first(where: { $0.key == key }) else {
                violations.append(Violation(field: path, rule: "is not a setting of this module"))
                continue
            }
            let raw = changes[key]!
            if raw == .null {
                values[key] = nil
                continue
            }
            guard let value = field.value(from: raw) else {
                violations.append(Violation(field: path, rule: "must be \(field.kind.expected)"))
                continue
            }
            if let rule = field.problem(with: value) {
                violations.append(Violation(field: path, rule: rule))
                continue
            }
            values[key] = value
        }
        if !violations.isEmpty { throw ValidationFailure(violations) }
        return ModuleSettings(schema: self, values: values)
    }

    /// The settings stored as `json` (a JSON object), keeping only values the schema still accepts, so
    /// a module upgrade that changed a rule falls back to the default rather than failing.
    public func settings(fromStored json: String) -> ModuleSettings {
        let object = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))) ?? [:]
        var values: [String: SettingValue] = [:]
        for field in fields {
            if let raw = object[field.key], let value = field.value(from: raw), field.problem(with: value) == nil {
                values[field.key] = value
            }
        }
        return ModuleSettings(schema: self, values: values)
    }
}

/// A setting's name as people read it, in Vietnamese and English.
public typealias SettingLabel = LocalizedName

/// One setting of a module.
public struct SettingField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case boolean
        case integer(ClosedRange<Int>)
        /// One of the values.
        case choice([String])
        /// Any number of the values, without repeats.
        case choices([String])
        /// Text up to a length.
        case text(maximumLength: Int)
        /// A date, `YYYY-MM-DD`.
        case date

        var expected: String {
            switch self {
            case .boolean: "true or false"
            case .integer: "a whole number"
            case .choice: "a string"
            case .choices: "an array of strings"
            case .text: "a string"
            case .date: "a date of the form YYYY-MM-DD"
            }
        }
    }

    public let key: String
    public let label: SettingLabel
    public let kind: Kind
    public let defaultValue: SettingValue

    public static func boolean(_ key: String, _ label: SettingLabel, default value: Bool) -> SettingField {
        SettingField(key: key, label: label, kind: .boolean, defaultValue: .boolean(value))
    }

    public static func integer(_ key: String, _ label: SettingLabel, range: ClosedRange<Int>, default value: Int) -> SettingField {
        SettingField(key: key, label: label, kind: .integer(range), defaultValue: .integer(value))
    }

    public static func choice(_ key: String, _ label: SettingLabel, among values: [String], default value: String) -> SettingField {
        SettingField(key: key, label: label, kind: .choice(values), defaultValue: .text(value))
    }

    public static func choices(_ key: String, _ label: SettingLabel, among values: [String], default chosen: [String]) -> SettingField {
        SettingField(key: key, label: label, kind: .choices(values), defaultValue: .list(chosen))
    }

    public static func text(_ key: String, _ label: SettingLabel, maximumLength: Int = 200, default value: String = "") -> SettingField {
        SettingField(key: key, label: label, kind: .text(maximumLength: maximumLength), defaultValue: .text(value))
    }

    public static func date(_ key: String, _ label: SettingLabel, default value: CalendarDate) -> SettingField {
        SettingField(key: key, label: label, kind: .date, defaultValue: .date(value))
    }

    /// The typed value of a JSON value, if it has the right type.
    func value(from raw: JSONValue) -> SettingValue? {
        switch (kind, raw) {
        case (.boolean, .boolean(let value)): return .boolean(value)
        case (.integer, .number(let value)): return Int(exactly: value).map(SettingValue.integer)
        case (.choice, .string(let text)), (.text, .string(let text)): return .text(text)
        case (.choices, .array(let items)):
            let texts = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            return texts.count == items.count ? .list(texts) : nil
        case (.date, .string(let text)): return CalendarDate(text).map(SettingValue.date)
        default: return nil
        }
    }

    /// The rule `value` breaks, if any.
    func problem(with value: SettingValue) -> String? {
        switch (kind, value) {
        case (.boolean, .boolean), (.date, .date): return nil
        case (.integer(let range), .integer(let integer)):
            return range.contains(integer) ? nil : "must be from \(range.lowerBound) to \(range.upperBound)"
        case (.choice(let allowed), .text(let text)):
            return allowed.contains(text) ? nil : "must be one of: \(allowed.joined(separator: ", "))"
        case (.choices(let allowed), .list(let chosen)):
            if let unknown = chosen.first(where: { !allowed.contains($0) }) { return "may hold only: \(allowed.joined(separator: ", ")) (got \(unknown))" }
            return Set(chosen).count == chosen.count ? nil : "must not repeat a value"
        case (.text(let maximumLength), .text(let text)):
            return text.count <= maximumLength ? nil : "must be at most \(maximumLength) characters"
        default:
            return "must be \(kind.expected)"
        }
    }
}

/// A setting's value.
public enum SettingValue: Sendable, Hashable {
    case boolean(Bool)
    case integer(Int)
    case text(String)
    case list([String])
    case date(CalendarDate)

    /// The value as JSON.
    public var json: JSONValue {
        switch self {
        case .boolean(let value): .boolean(value)
        case .integer(let value): .number(Double(value))
        case .text(let value): .string(value)
        case .list(let value): .array(value.map(JSONValue.string))
        case .date(let value): .string(value.description)
        }
    }
}

/// A province's settings of a module: what was set, over the schema's defaults.
public struct ModuleSettings: Sendable, Hashable {
    public let schema: SettingsSchema
    /// The values set, by key; missing keys take their default.
    public let values: [String: SettingValue]

    public init(schema: SettingsSchema, values: [String: SettingValue]) {
        self.schema = schema
        self.values = values
    }

    /// The value of `key`, set or default (`nil` only for a key the schema does not have).
    public func value(_ key: String) -> SettingValue? {
        values[key] ?? schema.fields.first { $0.key == key }?.defaultValue
    }

    public func bool(_ key: String) -> Bool {
        if case .boolean(let value)? = value(key) { return value }
        return false
    }

    public func integer(_ key: String) -> Int {
        if case .integer(let value)? = value(key) { return value }
        return 0
    }

    public func string(_ key: String) -> String {
        if case .text(let value)? = value(key) { return value }
        return ""
    }

    public func strings(_ key: String) -> [String] {
        if case .list(let value)? = value(key) { return value }
        return []
    }

    public func date(_ key: String) -> CalendarDate? {
        if case .date(let value)? = value(key) { return value }
        return nil
    }

    /// Every setting, set or default, as a JSON object.
    public var json: [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for field in schema.fields { object[field.key] = value(field.key)?.json }
        return object
    }

    /// Only the values set, as stored JSON text.
    public var storedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(values.mapValues(\.json))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
