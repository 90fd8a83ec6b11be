import CDTModuleKit
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

/// Answers a list of work: reads the filters the list `supports` and the page (cursor parts of the given
/// kinds), refuses anything malformed with one 400, fetches, and maps each item to its response.
/// The list holds only what lies in the caller's view scope.
func workList<Item, Response: Encodable & Sendable>(
    _ request: Request, _ context: AppRequestContext, supports: Set<WorkFilterParameter>, cursor: [CursorPart],
    fetch: (WorkFilter, PageRequest) async throws -> Page<Item>, as response: (Item) -> Response
) async throws -> PageResponse<Response> {
    var parameters = QueryParameters(request)
    var filter = parameters.workFilter(supports)
    filter.within = try context.requireCaller().access.scope(for: .view)
    let page = parameters.page(cursor: cursor)
    try parameters.validate()
    let result = try await fetch(filter, page)
    return PageResponse(items: result.items.map(response), nextCursor: result.next?.token)
}

/// Answers a detail route: the item, or a 404.
func found<Item, Response>(_ item: Item?, _ name: String, _ id: some CustomStringConvertible, _ response: (Item) -> Response) throws -> Response {
    guard let item else { throw ProblemDetails(status: .notFound, detail: "No \(name) has id \(id).") }
    return response(item)
}
