public import CDTDomain
public import Foundation
public import Hummingbird
import NIOCore

/// Reads JSON request bodies strictly: malformed JSON, wrong types, missing fields and unknown fields
/// are each reported as a ``Violation`` naming the field's path and the rule. Module routes use it through
/// ``ModuleRequestContext/decode(_:from:limit:)``.
public enum JSONInput {
    /// The rule named when the input is not JSON at all.
    public static let malformedRule = "must be well-formed JSON"

    /// Collects the body, refusing more than `limit` bytes with 413.
    public static func body(of request: Request, limit: Int) async throws -> Data {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw ProblemDetails(status: .unsupportedMediaType, detail: "Send the body as application/json.")
        }
        let buffer = try await request.body.collect(upTo: limit)
        return Data(buffer.readableBytesView)
    }

    /// Parses `data` as JSON without giving it a type yet, refusing what ``JSONScan`` finds (a key given
    /// twice, a string holding NUL, nesting too deep) as well as malformed JSON.
    public static func parse(_ data: Data) throws(ValidationFailure) -> Any {
        let (value, problems) = try parseKeepingProblems(data)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return value
    }

    /// Parses `data` as JSON and returns what ``JSONScan`` finds beside the value, for a caller that
    /// refuses parts of the input (one event of a batch) rather than the whole. Malformed JSON, and nesting
    /// deeper than ``JSONScan/maximumDepth``, still throw.
    public static func parseKeepingProblems(_ data: Data) throws(ValidationFailure) -> (value: Any, problems: [Violation]) {
        // Scanned first, so nesting too deep is refused before any parser recurses into it.
        let problems = JSONScan.problems(in: data)
        if let deep = problems.first(where: { $0.rule.hasPrefix("must not nest") }) { throw ValidationFailure([deep]) }
        do {
            return (try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), problems)
        } catch {
            throw ValidationFailure(field: "", rule: malformedRule)
        }
    }

    /// Decodes a JSON body as `T` in one parse: the document is scanned once (``JSONScan``'s refusals and
    /// the fields it gives), decoded once, and what `T` understood is compared with what was given, so an
    /// unknown field is refused as in ``decode(_:from:prefix:)``. Malformed JSON, a refusal of the scan, a
    /// wrong type and an unknown field are each a ``ValidationFailure`` naming the field, in that order.
    /// Paths are under `prefix` (`events[3]` for an event of a batch).
    public static func decode<T: Codable>(_ type: T.Type, fromJSON data: Data, prefix: String = "") throws(ValidationFailure) -> T {
        do {
            return try decodeOnce(type, fromJSON: data)
        } catch {
            throw prefix.isEmpty ? error : ValidationFailure(error.violations.map { $0.nested(under: prefix) })
        }
    }

    private static func decodeOnce<T: Codable>(_ type: T.Type, fromJSON data: Data) throws(ValidationFailure) -> T {
        let (problems, given) = JSONScan.problemsAndShape(in: data)
        if let deep = problems.first(where: { $0.rule.hasPrefix("must not nest") }) { throw ValidationFailure([deep]) }
        let decoded: T
        do {
            decoded = try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            // The decoder says malformed input is corrupt data at the top; the types here never do.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw ValidationFailure(field: "", rule: malformedRule)
            }
            if !problems.isEmpty { throw ValidationFailure(problems) }
            throw ValidationFailure([violation(for: error)])
        } catch {
            throw ValidationFailure(field: "", rule: malformedRule)
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        // The fields the type understood, as it would write them: any field of the input missing from them is unknown.
        let known = JSONShapeEncoder.shape(of: decoded)
        let unknown = given.keys.filter { field in
            // A key (not an element, whose array may differ in length) whose object the type understood.
            !field.path.isEmpty && !field.isElement && known[field.path] == nil && known[field.parent] == .object
        }
        if !unknown.isEmpty {
            throw ValidationFailure(unknown.map(\.path).sorted().map { Violation(field: $0, rule: "is not a known field") })
        }
        return decoded
    }

    /// Decodes `value` (a parsed JSON value) as `T`, reporting unknown fields too. Paths are under `prefix`.
    public static func decode<T: Codable>(_ type: T.Type, from value: Any, prefix: String = "") throws(ValidationFailure) -> T {
        let decoded: T
        do {
            let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
            decoded = try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ValidationFailure([violation(for: error).nested(under: prefix)])
        } catch {
            throw ValidationFailure(field: prefix, rule: malformedRule)
        }
        // What the type understood, written back out: any field of the input missing from it is unknown.
        if let known = try? JSONSerialization.jsonObject(with: encoder.encode(decoded), options: [.fragmentsAllowed]) {
            let unknown = unknownFields(in: value, comparedWith: known, path: prefix)
            if !unknown.isEmpty { throw ValidationFailure(unknown) }
        }
        return decoded
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an ISO 8601 time with an offset, such as 2025-10-02T09:30:00+07:00")
            }
            return date
        }
        return decoder
    }()

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    /// Fields present in `input` (with a non-null value) but absent from `known`.
    private static func unknownFields(in input: Any, comparedWith known: Any, path: String) -> [Violation] {
        switch (input, known) {
        case (let object as [String: Any], let knownObject as [String: Any]):
            return object.keys.sorted().flatMap { key -> [Violation] in
                let field = path.isEmpty ? key : path + "." + key
                guard let knownValue = knownObject[key] else {
                    return object[key] is NSNull ? [] : [Violation(field: field, rule: "is not a known field")]
                }
                return unknownFields(in: object[key]!, comparedWith: knownValue, path: field)
            }
        case (let array as [Any], let knownArray as [Any]) where array.count == knownArray.count:
            return zip(array, knownArray).enumerated().flatMap { index, pair in
                unknownFields(in: pair.0, comparedWith: pair.1, path: "\(path)[\(index)]")
            }
        default:
            return []
        }
    }

    /// The field and rule a decoding error is about.
    public static func violation(for error: DecodingError) -> Violation {
        switch error {
        case .keyNotFound(let key, let context):
            return Violation(field: path(context.codingPath + [key]), rule: "is required")
        case .valueNotFound(let type, let context):
            return Violation(field: path(context.codingPath), rule: "must be \(describe(type)), not null")
        case .typeMismatch(let type, let context):
            return Violation(field: path(context.codingPath), rule: "must be \(describe(type))")
        case .dataCorrupted(let context):
            return Violation(field: path(context.codingPath), rule: rule(from: context.debugDescription))
        @unknown default:
            return Violation(field: "", rule: "is malformed")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else if key.stringValue != "super" {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "a value of type \(type)"
        }
    }

    /// Rewords the decoder's messages for enum values and ids into a rule.
    private static func rule(from description: String) -> String {
        if description.hasPrefix("Cannot initialize "), let range = description.range(of: "from invalid String value ") {
            let typeName = description.dropFirst("Cannot initialize ".count).prefix { $0 != " " }
            return "must be one of: " + allowedValues(ofTypeNamed: String(typeName)) + " (got \(description[range.upperBound...]))"
        }
        if description.contains("UUID") { return "must be a UUID" }
        if description.hasPrefix("must ") { return description }
        if description.contains("YYYY-MM-DD") { return "must be a date of the form YYYY-MM-DD" }
        return description
    }

    private static let enumValues: [String: [String]] = [
        "GuidanceOutcome": GuidanceOutcome.allCases.map(\.rawValue),
        "TeamRole": TeamRole.allCases.map(\.rawValue),
        "Gender": Gender.allCases.map(\.rawValue),
        "Affiliation": Affiliation.allCases.map(\.rawValue),
        "AgeBand": AgeBand.allCases.map(\.rawValue),
        "NotApplicableReason": NotApplicableReason.allCases.map(\.rawValue),
        "TrainingFormat": TrainingFormat.allCases.map(\.rawValue),
        "BasicSkill": BasicSkill.allCases.map(\.rawValue),
        "DigitalService": DigitalService.allCases.map(\.rawValue),
        "InternetConnection": InternetConnection.allCases.map(\.rawValue),
        "CampaignMetric": CampaignMetric.allCases.map(\.rawValue),
    ]

    private static func allowedValues(ofTypeNamed name: String) -> String {
        enumValues[name]?.joined(separator: ", ") ?? "the documented values"
    }
}
