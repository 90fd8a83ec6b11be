import CDTCoverage
import CDTGoodPractices
import CDTModuleKit
import CDTPartnerDiscounts
import CDTPostgres
import CDTRewards
import CDTServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The OpenAPI document served at `/openapi.json` describes exactly the routes the router serves, the
/// core's and the installed modules' (this drift test mounts both modules of the repository, and a
/// module documented by its summaries alone), and is well-formed enough for client generators: OpenAPI
/// 3.1, one unique `operationId` and a success response per operation, every path parameter declared,
/// every `$ref` resolving.
///
/// No database is needed: the router is built over a client that is never connected (building routes
/// and serving the document open no connection).
@Suite struct OpenAPITests {
    /// One operation: a method and a path in OpenAPI form, such as `GET /api/v1/units/{id}`.
    struct Operation: Hashable, Comparable, CustomStringConvertible {
        var method: String
        var path: String

        var description: String { "\(method) \(path)" }

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
    }

    /// The methods an OpenAPI path item may hold operations under.
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The modules of the repository, as `cdt` installs them.
    static let installedModules: [any FeatureModule] = [GoodPracticesModule(), CoverageModule(), RewardsModule(), PartnerDiscountsModule()]

    /// The routes the router serves with `modules` installed, and the document it serves at `/openapi.json` (as raw JSON).
    private func routesAndDocument(modules: [any FeatureModule] = installedModules) async throws -> (routes: Set<Operation>, document: Data) {
        let client = PostgresClient(configuration: .init(
            conninfo: "postgresql://127.0.0.1:1/never-connected", maximumConnections: 1, leaseTimeout: .seconds(1), connectTimeoutSeconds: 1))
        let logger = Logger(label: "test")
        let registry = try ModuleRegistry(modules)
        let router = buildRouter(dependencies: AppDependencies(database: client, modules: registry), logger: logger)
        let routes = Set(router.routes.map { Operation(method: $0.method.rawValue.uppercased(), path: Self.normalized($0.path.description)) })
        let app = Application(router: router, logger: logger)
        let document: Data
        do {
            document = try await app.test(.router) { http in
                try await http.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    let contentType = response.headers[.contentType] ?? ""
                    #expect(contentType.hasPrefix("application/json"), "content type is \(contentType)")
                    return Data(String(buffer: response.body).utf8)
                }
            }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return (routes, document)
    }

    /// A route's path in OpenAPI form: a leading slash, no trailing slash, captures as `{name}`
    /// (Hummingbird renders them so already; `:name` is accepted too).
    static func normalized(_ path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map { component in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }
        return "/" + components.joined(separator: "/")
    }

    /// The document parsed as a JSON object.
    private func parse(_ data: Data) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: data)
        return try #require(object as? [String: Any], "the document is not a JSON object")
    }

    /// Every operation of the document, with its object.
    private func operations(of document: [String: Any]) -> [(operation: Operation, object: [String: Any], pathItem: [String: Any])] {
        let paths = document["paths"] as? [String: Any] ?? [:]
        return paths.keys.sorted().flatMap { path -> [(operation: Operation, object: [String: Any], pathItem: [String: Any])] in
            let item = paths[path] as? [String: Any] ?? [:]
            return item.keys.filter(Self.methods.contains).sorted().map { method in
                (Operation(method: method.uppercased(), path: path), item[method] as? [String: Any] ?? [:], item)
            }
        }
    }

    @Test(arguments: [
        ("the installed modules", installedModules),
        ("no module", []),
        ("a module documented by its summaries alone", [SummaryOnlyModule()]),
    ] as [(String, [any FeatureModule])])
    func theDocumentDescribesExactlyTheRoutesTheRouterServes(_ name: String, _ modules: [any FeatureModule]) async throws {
        let (routes, data) = try await routesAndDocument(modules: modules)
        let documented = Set(try operations(of: parse(data)).map(\.operation))
        #expect(routes.count > 20, "the router serves \(routes.sorted())")
        let undocumented = routes.subtracting(documented).sorted()
        let unserved = documented.subtracting(routes).sorted()
        #expect(undocumented.isEmpty, "served but missing from openapi.json: \(undocumented)")
        #expect(unserved.isEmpty, "in openapi.json but not served: \(unserved)")
        let moduleRoutes = routes.filter { $0.path.hasPrefix("/api/v1/modules/") && !$0.path.hasPrefix("/api/v1/modules/{id}") }
        let expected = try ModuleRegistry(modules).routes.values.reduce(0) { $0 + $1.count }
        #expect(moduleRoutes.count == expected, "module routes served: \(moduleRoutes.sorted())")
    }

    /// The installed modules' routes say what they answer (a schema, not "any JSON") and their schemas
    /// are in the document under the module's prefix.
    @Test func theInstalledModulesDocumentTheirAnswers() async throws {
        let document = try parse(try await routesAndDocument().document)
        let modules = operations(of: document).filter { $0.operation.path.hasPrefix("/api/v1/modules/") && !$0.operation.path.hasPrefix("/api/v1/modules/{id}") }
        #expect(modules.count == 70, "\(modules.map(\.operation))")
        for (operation, object, _) in modules {
            let responses = object["responses"] as? [String: Any] ?? [:]
            let success = (responses["200"] ?? responses["201"] ?? responses["204"]) as? [String: Any] ?? [:]
            let content = success["content"] as? [String: Any] ?? [:]
            let schemas = content.values.compactMap { ($0 as? [String: Any])?["schema"] as? [String: Any] }
            // A form route that succeeds sends the browser on (303) to the page that shows the change.
            #expect(responses["204"] != nil || responses["303"] != nil || schemas.contains { !$0.isEmpty }, "\(operation) documents no answer schema")
            #expect(responses["401"] != nil && responses["404"] != nil, "\(operation) does not document the module guard's 401 and 404")
            #expect((object["tags"] as? [String])?.first?.hasPrefix("Module: ") == true, "\(operation) is not tagged with its module")
        }
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        #expect(schemas["coverage.Figures"] != nil && schemas["good-practices.Practice"] != nil)
        // The modules' event types: in EventType (GET /api/v1/modules lists them) and among stored events.
        let eventTypes = (schemas["EventType"] as? [String: Any])?["enum"] as? [String] ?? []
        #expect(eventTypes.contains("good-practices.practice_shared") && eventTypes.contains("good-practices.practice_endorsed"))
        let stored = ((schemas["StoredEvent"] as? [String: Any])?["discriminator"] as? [String: Any])?["mapping"] as? [String: String] ?? [:]
        #expect(stored["good-practices.practice_endorsed"] == "#/components/schemas/good-practices.practice_endorsed.event")
        // A kind's payload as the module documents it; its former name maps to the same schema.
        let shared = schemas["good-practices.practice_shared.event"] as? [String: Any] ?? [:]
        let payload = (shared["properties"] as? [String: Any])?["payload"] as? [String: Any] ?? [:]
        #expect(((payload["properties"] as? [String: Any])?.keys).map(Set.init) == ["title", "summary", "link"])
        #expect(stored["practice.shared"] == "#/components/schemas/good-practices.practice_shared.event")
        let endorse = try #require(modules.first { $0.operation.path == "/api/v1/modules/good-practices/practices/{id}/endorsement" })
        let body = ((endorse.object["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        #expect((body?["schema"] as? [String: Any])?["additionalProperties"] as? Bool == false)
    }

    @Test func everyOperationHasAUniqueIdAndASuccessResponse() async throws {
        let document = try parse(try await routesAndDocument().document)
        let openapi = document["openapi"] as? String ?? ""
        #expect(openapi.hasPrefix("3.1"), "openapi is \(openapi)")
        let info = document["info"] as? [String: Any] ?? [:]
        #expect(info["title"] as? String == "CDT platform API")
        #expect(info["version"] as? String == "1.0.0")

        var seen: [String: Operation] = [:]
        for (operation, object, _) in operations(of: document) {
            let id = object["operationId"] as? String ?? ""
            #expect(!id.isEmpty, "\(operation) has no operationId")
            if let earlier = seen[id] {
                Issue.record("operationId \(id) is used by both \(earlier) and \(operation)")
            }
            seen[id] = operation
            let responses = object["responses"] as? [String: Any] ?? [:]
            // 303 is the success of the browser sign-in form (a redirect to the page asked for).
            #expect(responses["200"] != nil || responses["201"] != nil || responses["204"] != nil || responses["303"] != nil,
                    "\(operation) documents no 200, 201, 204 or 303 response")
        }
    }

    @Test func everyPathParameterIsDeclared() async throws {
        let document = try parse(try await routesAndDocument().document)
        for (operation, object, pathItem) in operations(of: document) {
            let declared = Set(((pathItem["parameters"] as? [Any] ?? []) + (object["parameters"] as? [Any] ?? []))
                .compactMap { $0 as? [String: Any] }
                .filter { $0["in"] as? String == "path" }
                .compactMap { $0["name"] as? String })
            let templated = Set(operation.path.split(separator: "/")
                .filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
                .map { String($0.dropFirst().dropLast()) })
            #expect(declared == templated, "\(operation): path parameters \(templated.sorted()), declared \(declared.sorted())")
        }
    }

    @Test func everyReferenceResolvesToAComponent() async throws {
        let document = try parse(try await routesAndDocument().document)
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in Set(references).sorted() {
            #expect(reference.hasPrefix("#/components/"), "\(reference) does not point into components")
            #expect(Self.resolve(reference, in: document) != nil, "\(reference) does not resolve")
        }
    }

    /// The value a local JSON pointer reference (`#/components/schemas/Unit`) names, or `nil`.
    static func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: Any = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let object = current as? [String: Any], let next = object[key] else { return nil }
            current = next
        }
        return current
    }
}

/// A module whose routes carry only a summary, as a first draft does: they are documented all the same.
private struct SummaryOnlyModule: FeatureModule {
    var manifest: ModuleManifest {
        ModuleManifest(id: "drafts", name: LocalizedName(vietnamese: "Bản nháp", english: "Drafts"), version: ModuleVersion(0, 1, 0))
    }

    func addRoutes(to routes: inout ModuleRoutes) {
        routes.get("notes", access: .view, summary: "The notes") { _, _ in "[]" }
        routes.post("notes/{id}/done", access: .change, summary: "Mark a note done") { _, _ in "{}" }
        routes.delete("notes/{id}", access: .change) { _, _ in "{}" }
    }
}
