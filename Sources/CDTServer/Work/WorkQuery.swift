import CDTDomain
import Hummingbird

extension QueryParameters {
    /// The filters lists of work share: `under`, `activeOn`, `from`, `until`, `q`.
    mutating func workFilter() -> WorkFilter {
        WorkFilter(
            underUnitID: id("under", of: AdministrativeUnit.self),
            activeOn: optionalDate("activeOn"),
            from: optionalDate("from"),
            until: optionalDate("until"),
            text: text("q"))
    }
}

/// Answers a detail route: the item, or a 404.
func found<Item, Response>(_ item: Item?, _ name: String, _ id: some CustomStringConvertible, _ response: (Item) -> Response) throws -> Response {
    guard let item else { throw ProblemDetails(status: .notFound, detail: "No \(name) has id \(id).") }
    return response(item)
}
