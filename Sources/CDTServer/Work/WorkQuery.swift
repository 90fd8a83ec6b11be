import CDTDomain
import Hummingbird

extension QueryParameters {
    /// The filters lists of work share (`under`, `activeOn`, `from`, `until`, `q`), of which a list
    /// takes those in `supported`; any other is refused with a 400 rather than silently ignored.
    mutating func workFilter(_ supported: Set<WorkFilterParameter>) -> WorkFilter {
        for parameter in WorkFilterParameter.allCases where !supported.contains(parameter) && has(parameter.rawValue) {
            refuse(parameter.rawValue, "is not a filter of this list")
        }
        return WorkFilter(
            underUnitID: id("under", of: AdministrativeUnit.self),
            activeOn: supported.contains(.activeOn) ? optionalDate("activeOn") : nil,
            from: supported.contains(.from) ? optionalDate("from") : nil,
            until: supported.contains(.until) ? optionalDate("until") : nil,
            text: supported.contains(.q) ? text("q") : nil)
    }
}

/// The query parameters of ``WorkFilter``.
enum WorkFilterParameter: String, CaseIterable {
    case under, activeOn, from, until, q
}

/// Answers a detail route: the item, or a 404.
func found<Item, Response>(_ item: Item?, _ name: String, _ id: some CustomStringConvertible, _ response: (Item) -> Response) throws -> Response {
    guard let item else { throw ProblemDetails(status: .notFound, detail: "No \(name) has id \(id).") }
    return response(item)
}
