import CDTModuleKit
import CDTDomain
import CDTPostgres
import Hummingbird

/// Checks that the units a request touches lie where the caller may act: objects outside the view
/// scope are 404 (their existence is not told), writes outside the change scope 403.
struct Visibility: Sendable {
    let hierarchy: PostgresHierarchyStore

    /// Throws 404 `notFound` unless the unit lies in the caller's view scope.
    func requireVisible(_ unitID: ID<AdministrativeUnit>, to caller: Caller, notFound: String) async throws {
        let scope = caller.access.scope(for: .view)
        if scope.isNationwide { return }
        guard let path = try await hierarchy.paths(of: [unitID])[unitID], scope.contains(path: path) else {
            throw ProblemDetails(status: .notFound, detail: notFound)
        }
    }

    /// The ids among `units` that lie outside the caller's change scope.
    func outsideChangeScope(_ units: [ID<AdministrativeUnit>], of caller: Caller) async throws -> Set<ID<AdministrativeUnit>> {
        try await outsideScope(units, of: caller, for: .change)
    }

    /// The units among `units` outside where the caller holds `capability` (villages: ``Capability/manageUnits``).
    func outsideScope(_ units: [ID<AdministrativeUnit>], of caller: Caller, for capability: Capability) async throws -> Set<ID<AdministrativeUnit>> {
        let scope = caller.access.scope(for: capability)
        if scope.isNationwide { return [] }
        let paths = try await hierarchy.paths(of: units)
        return Set(units.filter { unit in paths[unit].map { !scope.contains(path: $0) } ?? false })
    }
}
