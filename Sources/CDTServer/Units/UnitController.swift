import CDTModuleKit
import CDTDomain
import Foundation
import Hummingbird

/// The administrative units, read-only, under `/api/v1/units`:
/// - `GET /api/v1/units?asOf=&q=&level=&parent=&under=&limit=&cursor=`: units in force on a day (today in
///   Vietnam by default), filtered by name without diacritics, level, parent or subtree, in Vietnamese order.
/// - `GET /api/v1/units/{id}?asOf=`: one unit with its ancestors, named as on that day (today by default),
///   and every name and type it bore (a unit keeps its id through a respelling or a change of type).
/// - `GET /api/v1/units/{id}/successors?asOf=`: the units carrying on its territory on that day.
/// - `GET /api/v1/units/{id}/predecessors`: the units whose territory it carries on.
struct UnitController: Sendable {
    let store: any HierarchyStore
    let today: @Sendable () -> CalendarDate

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("", on: group, access: .publicReferenceData, use: list)
        checkpoint.get("{id}", on: group, access: .publicReferenceData, use: detail)
        checkpoint.get("{id}/successors", on: group, access: .publicReferenceData, use: successors)
        checkpoint.get("{id}/predecessors", on: group, access: .publicReferenceData, use: predecessors)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<UnitResponse> {
        var parameters = QueryParameters(request)
        let filter = UnitFilter(
            asOf: parameters.date("asOf", default: today()),
            text: parameters.text("q"),
            level: parameters.unitLevel("level"),
            parentID: parameters.id("parent", of: AdministrativeUnit.self),
            underID: parameters.id("under", of: AdministrativeUnit.self))
        let page = parameters.page(cursor: [.hex, .uuid])
        try parameters.validate()
        let result = try await store.units(matching: filter, page: page)
        return PageResponse(items: result.items.map(UnitResponse.init), nextCursor: result.next?.token)
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> UnitDetailResponse {
        var parameters = QueryParameters(request)
        let date = parameters.date("asOf", default: today())
        try parameters.validate()
        let unit = try await existingUnit(context)
        let names = try await store.names(of: unit.id)
        var ancestors: [UnitResponse] = []
        for ancestor in try await store.ancestors(of: unit.id) {
            ancestors.append(UnitResponse(ancestor.named(on: date, names: try await store.names(of: ancestor.id))))
        }
        return UnitDetailResponse(unit: UnitResponse(unit.named(on: date, names: names)), ancestors: ancestors,
                                  names: names.map(UnitNameResponse.init))
    }

    @Sendable func successors(_ request: Request, context: AppRequestContext) async throws -> ListResponse<SuccessorResponse> {
        var parameters = QueryParameters(request)
        let date = parameters.date("asOf", default: today())
        try parameters.validate()
        let unit = try await existingUnit(context)
        let heirs = try await store.lineage(around: unit.id).successors(of: unit.id, asOf: date)
        return ListResponse(items: heirs.map { SuccessorResponse(unit: UnitResponse($0.unit), share: $0.share) })
    }

    @Sendable func predecessors(_ request: Request, context: AppRequestContext) async throws -> ListResponse<UnitResponse> {
        let unit = try await existingUnit(context)
        return ListResponse(items: try await store.lineage(around: unit.id).predecessors(of: unit.id).map(UnitResponse.init))
    }

    /// The unit named by the path, or a 400 for a malformed id, or a 404.
    private func existingUnit(_ context: AppRequestContext) async throws -> AdministrativeUnit {
        let text = context.parameters.get("id") ?? ""
        guard let id = ID<AdministrativeUnit>(text) else {
            throw ProblemDetails(status: .badRequest, detail: "The unit id is malformed.", errors: [.init(field: "id", rule: "must be a UUID")])
        }
        guard let unit = try await store.unit(id) else {
            throw ProblemDetails(status: .notFound, detail: "No unit has id \(id).")
        }
        return unit
    }
}
