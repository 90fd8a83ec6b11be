import CDTModuleKit
import CDTDomain
import Foundation
import Hummingbird

/// Reads query parameters, collecting every broken rule so one 400 names them all.
struct QueryParameters {
    /// The request's query, decoded once.
    private let query: [String: String]
    private(set) var errors: [ProblemDetails.FieldError] = []
    /// The parameters the route has read: any other the query holds is refused by ``validate()``.
    private var read: Set<String> = []

    init(_ request: Request) {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { values[String(key)] = String(value) }
        self.query = values
    }

    mutating func date(_ name: String, default fallback: CalendarDate) -> CalendarDate {
        optionalDate(name) ?? fallback
    }

    mutating func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = value(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            errors.append(.init(field: name, rule: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return fallback
        }
        return value
    }

    /// Free text; `+` reads as a space, as in HTML forms (a literal plus is `%2B`).
    mutating func text(_ name: String, maximumLength: Int = 200) -> String? {
        guard let text = value(name)?.replacingOccurrences(of: "+", with: " ") else { return nil }
        guard text.count <= maximumLength else {
            errors.append(.init(field: name, rule: "must be at most \(maximumLength) characters"))
            return nil
        }
        guard !text.utf8.contains(0) else {
            errors.append(.init(field: name, rule: Validator.nulRule))
            return nil
        }
        return text
    }

    mutating func unitLevel(_ name: String) -> UnitLevel? {
        guard let text = value(name) else { return nil }
        guard let level = UnitLevel(rawValue: text) else {
            errors.append(.init(field: name, rule: "must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return level
    }

    mutating func id<Entity>(_ name: String, of: Entity.Type) -> ID<Entity>? {
        guard let text = value(name) else { return nil }
        guard let id = ID<Entity>(text) else {
            errors.append(.init(field: name, rule: "must be a UUID"))
            return nil
        }
        return id
    }

    /// The parameter's text, noting that the route reads it.
    private mutating func value(_ name: String) -> String? {
        read.insert(name)
        return query[name]
    }

    /// Whether the query has the parameter.
    func has(_ name: String) -> Bool { query[name] != nil }

    /// Records that the parameter breaks `rule`.
    mutating func refuse(_ name: String, _ rule: String) {
        errors.append(.init(field: name, rule: rule))
    }

    /// A cursor of `parts` parts, each of which must have the form of its kind (so a forged cursor is a
    /// 400, never a database error), sealed by this server for this list (``CursorSeal``).
    mutating func cursor(_ name: String, parts: Int, kinds: [CursorPart]? = nil) -> PageCursor? {
        guard let text = value(name) else { return nil }
        guard let token = CursorSeal.openForCurrentList(text), let cursor = PageCursor(token: token, partCount: parts),
              zip(cursor.parts, kinds ?? []).allSatisfy({ $1.accepts($0) }) else {
            errors.append(.init(field: name, rule: "must be a nextCursor value from a previous page of this list, with the same filters"))
            return nil
        }
        return cursor
    }

    /// A date that may be left out.
    mutating func optionalDate(_ name: String) -> CalendarDate? {
        guard let text = value(name) else { return nil }
        guard let date = CalendarDate(text) else {
            errors.append(.init(field: name, rule: "must be a date of the form YYYY-MM-DD"))
            return nil
        }
        return date
    }

    /// Event types, comma-separated (`type=household.visited,training.held`).
    mutating func eventTypes(_ name: String) -> [EventType] {
        guard let text = value(name) else { return [] }
        var types: [EventType] = []
        for part in text.split(separator: ",") {
            guard let type = EventType(rawValue: String(part)) else {
                errors.append(.init(field: name, rule: "must be event types separated by commas, from: \(EventType.core.map(\.rawValue).joined(separator: ", ")) or a module's <module-id>.<name>"))
                return []
            }
            types.append(type)
        }
        return types
    }

    /// `limit` (1 to 500, 50 by default) and `cursor`, whose parts have the given kinds.
    mutating func page(cursor kinds: [CursorPart]) -> PageRequest {
        PageRequest(
            limit: integer("limit", default: 50, in: 1...PageRequest.maximumLimit),
            after: cursor("cursor", parts: kinds.count, kinds: kinds))
    }

    /// Throws a 400 naming every broken rule, if any, and every parameter the route does not read (a
    /// misspelt or unsupported filter is refused, never silently ignored).
    func validate() throws {
        var errors = errors
        let named = Set(errors.map(\.field))
        for name in query.keys.sorted() where !read.contains(name) && !named.contains(name) {
            errors.append(.init(field: name, rule: "is not a parameter of this route"))
        }
        guard errors.isEmpty else {
            throw ProblemDetails(status: .badRequest, detail: "The query has invalid parameters.", errors: errors)
        }
    }
}

/// The kinds of value a cursor's parts hold.
enum CursorPart {
    case hex, uuid, date, integer

    func accepts(_ text: String) -> Bool {
        switch self {
        case .hex: !text.isEmpty && text.count % 2 == 0 && text.allSatisfy(\.isHexDigit)
        case .uuid: UUID(uuidString: text) != nil
        case .date: CalendarDate(text) != nil
        case .integer: Int64(text) != nil
        }
    }
}
