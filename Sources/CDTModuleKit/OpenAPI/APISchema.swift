/// A JSON Schema (as OpenAPI 3.1 uses it) for a module route's parameters, body or answer; the server
/// writes it into `/openapi.json`. Build it from the static members:
///
/// ```swift
/// routes.schema("Practice", .object([
///     "id": .uuid,
///     "title": .text(maximumLength: 200),
///     "sharedOn": .date,
///     "endorsement": .reference("Endorsement"),
/// ], optional: ["endorsement"]))
/// ```
///
/// ``reference(_:)`` names a schema of the same module (registered with ``ModuleRoutes/schema(_:_:)``);
/// ``core(_:)`` one of the core's document (`LocalizedName`, `Problem`…).
public struct APISchema: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        case string(format: String?, values: [String]?, maximumLength: Int?, pattern: String?)
        case integer(minimum: Int?, maximum: Int?)
        case number(minimum: Double?, maximum: Double?)
        case boolean
        case array(APISchema)
        case object([APIProperty], closed: Bool)
        case map(APISchema)
        case reference(String)
        case core(String)
        case either([APISchema])
        case anything
    }

    let kind: Kind
    /// What the value means, for a reader of the document.
    public private(set) var summary: String?

    init(_ kind: Kind) {
        self.kind = kind
    }

    /// The same schema with a description.
    public func described(_ text: String) -> APISchema {
        var copy = self
        copy.summary = text
        return copy
    }

    /// Any string.
    public static let string = APISchema(.string(format: nil, values: nil, maximumLength: nil, pattern: nil))
    /// A string of at most `maximumLength` characters.
    public static func text(maximumLength: Int) -> APISchema { APISchema(.string(format: nil, values: nil, maximumLength: maximumLength, pattern: nil)) }
    /// One of `values`.
    public static func oneOf(_ values: [String]) -> APISchema { APISchema(.string(format: nil, values: values, maximumLength: nil, pattern: nil)) }
    /// A string matching the regular expression `pattern`.
    public static func matching(_ pattern: String) -> APISchema { APISchema(.string(format: nil, values: nil, maximumLength: nil, pattern: pattern)) }
    /// A UUID, lower case.
    public static let uuid = APISchema(.string(format: "uuid", values: nil, maximumLength: nil, pattern: nil))
    /// A day, `YYYY-MM-DD`.
    public static let date = APISchema(.string(format: "date", values: nil, maximumLength: nil, pattern: nil))
    /// A time, ISO 8601 with an offset.
    public static let dateTime = APISchema(.string(format: "date-time", values: nil, maximumLength: nil, pattern: nil))
    /// A whole number.
    public static let integer = APISchema(.integer(minimum: nil, maximum: nil))
    /// A whole number in `range`.
    public static func integer(_ range: ClosedRange<Int>) -> APISchema { APISchema(.integer(minimum: range.lowerBound, maximum: range.upperBound)) }
    /// Any number.
    public static let number = APISchema(.number(minimum: nil, maximum: nil))
    /// A number in `range`.
    public static func number(_ range: ClosedRange<Double>) -> APISchema { APISchema(.number(minimum: range.lowerBound, maximum: range.upperBound)) }
    public static let boolean = APISchema(.boolean)
    /// Any JSON value.
    public static let anything = APISchema(.anything)

    /// An array of `element`.
    public static func array(of element: APISchema) -> APISchema { APISchema(.array(element)) }
    /// An object with string keys and values of `value`.
    public static func map(of value: APISchema) -> APISchema { APISchema(.map(value)) }
    /// Either of `schemas` (`anyOf`).
    public static func either(_ schemas: APISchema...) -> APISchema { APISchema(.either(schemas)) }

    /// An object with these properties in this order; every one is present in an answer unless named in
    /// `optional`. `closed` refuses other properties (`additionalProperties: false`): right for a request
    /// body the module decodes strictly; an answer usually stays open, so adding a field breaks no client.
    public static func object(_ properties: KeyValuePairs<String, APISchema>, optional: Set<String> = [], closed: Bool = false) -> APISchema {
        APISchema(.object(properties.map { APIProperty(name: $0.key, schema: $0.value, required: !optional.contains($0.key)) }, closed: closed))
    }

    /// A schema of the same module, by the name it was registered under.
    public static func reference(_ name: String) -> APISchema { APISchema(.reference(name)) }
    /// A schema of the core's document, such as `LocalizedName`, `CalendarDate` or `Problem`.
    public static func core(_ name: String) -> APISchema { APISchema(.core(name)) }

    /// The schema as JSON; `reference` turns a module schema's name into its `$ref` target.
    public func json(reference: (String) -> String) -> JSONValue {
        var object: [String: JSONValue]
        switch kind {
        case .string(let format, let values, let maximumLength, let pattern):
            object = ["type": .string("string")]
            if let format { object["format"] = .string(format) }
            if let values { object["enum"] = .array(values.map(JSONValue.string)) }
            if let maximumLength { object["maxLength"] = .number(Double(maximumLength)) }
            if let pattern { object["pattern"] = .string(pattern) }
        case .integer(let minimum, let maximum):
            object = ["type": .string("integer")]
            if let minimum { object["minimum"] = .number(Double(minimum)) }
            if let maximum { object["maximum"] = .number(Double(maximum)) }
        case .number(let minimum, let maximum):
            object = ["type": .string("number")]
            if let minimum { object["minimum"] = .number(minimum) }
            if let maximum { object["maximum"] = .number(maximum) }
        case .boolean:
            object = ["type": .string("boolean")]
        case .array(let element):
            object = ["type": .string("array"), "items": element.json(reference: reference)]
        case .object(let properties, let closed):
            object = ["type": .string("object")]
            // A name given twice keeps its last schema (never a trap at start-up).
            object["properties"] = .object(Dictionary(properties.map { ($0.name, $0.schema.json(reference: reference)) }, uniquingKeysWith: { _, last in last }))
            var seen: Set<String> = []
            let required = properties.filter(\.required).map(\.name).filter { seen.insert($0).inserted }
            if !required.isEmpty { object["required"] = .array(required.map(JSONValue.string)) }
            if closed { object["additionalProperties"] = .boolean(false) }
        case .map(let value):
            object = ["type": .string("object"), "additionalProperties": value.json(reference: reference)]
        case .reference(let name):
            object = ["$ref": .string(reference(name))]
        case .core(let name):
            object = ["$ref": .string("#/components/schemas/\(name)")]
        case .either(let schemas):
            object = ["anyOf": .array(schemas.map { $0.json(reference: reference) })]
        case .anything:
            object = [:]
        }
        if let summary { object["description"] = .string(summary) }
        return .object(object)
    }

    /// The names of the module's schemas this one refers to, directly or inside.
    var references: Set<String> {
        switch kind {
        case .reference(let name): [name]
        case .array(let element), .map(let element): element.references
        case .object(let properties, _): properties.reduce(into: Set()) { $0.formUnion($1.schema.references) }
        case .either(let schemas): schemas.reduce(into: Set()) { $0.formUnion($1.references) }
        default: []
        }
    }
}

/// One property of an object schema.
public struct APIProperty: Sendable, Hashable {
    public let name: String
    public let schema: APISchema
    public let required: Bool
}
