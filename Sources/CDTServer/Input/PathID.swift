import CDTModuleKit
import CDTDomain
import Hummingbird

/// Reads the `{id}` of a path.
enum PathID {
    /// The typed id in the path, or a 400 naming it when it is not a UUID.
    static func parse<Entity>(_ context: AppRequestContext, as: Entity.Type, name: String) throws -> ID<Entity> {
        guard let id = context.parameters.get("id").flatMap(ID<Entity>.init) else {
            throw ProblemDetails(status: .badRequest, detail: "The \(name) id is malformed.", errors: [.init(field: "id", rule: "must be a UUID")])
        }
        return id
    }
}
