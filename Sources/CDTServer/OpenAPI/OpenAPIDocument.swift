import CDTModuleKit
import Foundation
import Hummingbird

/// The OpenAPI document `/openapi.json` serves, assembled when the router is built: the core's part,
/// kept as `Sources/CDTServer/Documents/openapi.json` (embedded at build time), and each installed
/// module's routes and schemas, from the documentation the module gives them (``RouteDocumentation``),
/// under `/api/v1/modules/<id>/…`, tagged with the module's name, its schemas as `<id>.<name>`, and the
/// event types the modules declare.
///
/// The core's part stays a file: it is 43 operations written and reviewed by hand, and a typed copy
/// would be a second description to keep true; modules, written by others and more often, describe
/// theirs in code, checked by the compiler and by the registry when the server starts.
enum OpenAPIDocument {
    /// The document as JSON text.
    static func text(modules: ModuleRegistry) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(assemble(core: core, modules: modules)) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The core's part, parsed once a process (parsing takes 0.2 s in a debug build, assembling and
    /// encoding 10 ms; tests build many routers).
    static let core: [String: JSONValue] = {
        let text = EmbeddedDocuments.files["openapi.json"] ?? "{}"
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return [:] }
        return object
    }()

    /// The core's part with every module's paths, tags and schemas added.
    static func assemble(core: [String: JSONValue], modules: ModuleRegistry) -> JSONValue {
        var document = core
        var paths = document["paths"]?.objectValue ?? [:]
        var tags = document["tags"]?.arrayValue ?? []
        var components = document["components"]?.objectValue ?? [:]
        var schemas = components["schemas"]?.objectValue ?? [:]
        for module in modules.modules {
            let id = module.manifest.id
            let tag = "Module: \(module.manifest.name.english)"
            tags.append(.object([
                "name": .string(tag),
                "description": .string("The routes of the `\(id)` module (\(module.manifest.name.vietnamese)), mounted under `/api/v1/modules/\(id)/`. "
                                       + "A caller who reaches no province where the module is enabled gets 404 from each of them."),
            ]))
            let reference = { (name: String) in "#/components/schemas/\(schemaName(name, of: id))" }
            for (name, schema) in modules.schemas[id] ?? [:] {
                schemas[schemaName(name, of: id)] = schema.json(reference: reference)
            }
            for route in modules.routes[id] ?? [] {
                let path = "/api/v1/modules/\(id)/\(route.path)"
                var item = paths[path]?.objectValue ?? [:]
                item[route.method.rawValue.lowercased()] = operation(route, moduleID: id, tag: tag, reference: reference)
                paths[path] = .object(item)
            }
        }
        addModuleEvents(modules, to: &schemas)
        document["paths"] = .object(paths)
        document["tags"] = .array(tags)
        components["schemas"] = .object(schemas)
        document["components"] = .object(components)
        return .object(document)
    }

    /// The event types the installed modules declare, in `EventType` (which `GET /api/v1/modules` lists
    /// in `consumes`) and as kinds of `StoredEvent` (and of `NewEvent` for those clients may submit):
    /// the envelope with a payload the module checks, described as an object.
    static func addModuleEvents(_ modules: ModuleRegistry, to schemas: inout [String: JSONValue]) {
        for module in modules.modules {
            for declaration in module.manifest.events {
                let type = declaration.type.rawValue
                if case .object(var eventType)? = schemas["EventType"], case .array(var values)? = eventType["enum"] {
                    for name in [type] + declaration.formerNames where !values.contains(.string(name)) { values.append(.string(name)) }
                    eventType["enum"] = .array(values)
                    schemas["EventType"] = .object(eventType)
                }
                let name = "\(type).event"
                schemas[name] = .object([
                    "description": .string("`\(type)`: an event of the `\(module.manifest.id)` module, its payload checked by the module"
                                           + (declaration.submittedByClients ? "." : "; recorded by the module's routes, not submitted by clients.")),
                    "allOf": .array([.object(["$ref": .string("#/components/schemas/EventEnvelope")])]),
                    "properties": .object([
                        "type": .object(["enum": .array(([type] + declaration.formerNames).map(JSONValue.string))]),
                        "payload": declaration.payloadSchema.map { schema in
                            schema.json(reference: { "#/components/schemas/\(schemaName($0, of: module.manifest.id))" })
                        } ?? .object(["type": .string("object")]),
                    ]),
                    "required": .array([.string("type"), .string("payload")]),
                    "unevaluatedProperties": .boolean(false),
                ])
                for union in declaration.submittedByClients ? ["StoredEvent", "NewEvent"] : ["StoredEvent"] {
                    guard case .object(var object)? = schemas[union], case .array(var oneOf)? = object["oneOf"] else { continue }
                    oneOf.append(.object(["$ref": .string("#/components/schemas/\(name)")]))
                    object["oneOf"] = .array(oneOf)
                    if case .object(var discriminator)? = object["discriminator"], case .object(var mapping)? = discriminator["mapping"] {
                        // A former name is read (and may be sent) as the same kind.
                        for alias in [type] + declaration.formerNames { mapping[alias] = .string("#/components/schemas/\(name)") }
                        discriminator["mapping"] = .object(mapping)
                        object["discriminator"] = .object(discriminator)
                    }
                    schemas[union] = .object(object)
                }
            }
        }
    }

    /// A module schema's name among the document's components.
    static func schemaName(_ name: String, of moduleID: String) -> String { "\(moduleID).\(name)" }

    /// The core's shared answers, by the status they are for.
    static let sharedResponses: [Int: String] = [
        400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 413: "ContentTooLarge",
        415: "UnsupportedMediaType", 422: "UnprocessableContent", 429: "TooManyRequests", 500: "InternalServerError", 503: "ServiceUnavailable",
    ]

    /// One module route as an OpenAPI operation.
    static func operation(_ route: ModuleRoute, moduleID: String, tag: String, reference: (String) -> String) -> JSONValue {
        let documentation = route.documentation
        var operation: [String: JSONValue] = [
            "operationId": .string(operationID(route, moduleID: moduleID)),
            "tags": .array([.string(tag)]),
            "summary": .string(documentation.summary.isEmpty ? "\(route.method) \(route.path)" : documentation.summary),
        ]
        let rule = route.access == .externalActor
            ? "Called by an actor outside the hierarchy with an API key the module issued (`Authorization: Bearer cdtk_…`)."
            : "Needs a session whose roles allow: \(route.access), in a province where the module is enabled (403 otherwise); "
              + "a caller who reaches no province where it is enabled gets 404."
        operation["description"] = .string([documentation.description, rule].compactMap { $0 }.joined(separator: "\n\n"))
        if route.access == .externalActor { operation["security"] = .array([.object(["moduleActorKey": .array([])])]) }

        var parameters = documentation.parameters
        let templated = route.path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
        for name in templated where !parameters.contains(where: { $0.location == .path && $0.name == name }) {
            parameters.append(.path(name, .string, "The `\(name)` of the path."))
        }
        if !parameters.isEmpty {
            operation["parameters"] = .array(parameters.map { parameter in
                .object([
                    "name": .string(parameter.name), "in": .string(parameter.location.rawValue), "required": .boolean(parameter.required),
                    "description": .string(parameter.summary), "schema": parameter.schema.json(reference: reference),
                ])
            })
        }
        if let body = documentation.body {
            operation["requestBody"] = .object([
                "required": .boolean(true),
                "content": .object([documentation.bodyMediaType: .object(["schema": body.json(reference: reference)])]),
            ])
        }

        var responses: [String: JSONValue] = [:]
        var statuses: Set<Int> = [401, 403, 404, 500, 503]
        if documentation.body != nil { statuses.formUnion([400, 413, 415]) }
        statuses.formUnion(documentation.errors.map(\.code))
        for status in statuses {
            guard let name = sharedResponses[status] else { continue }
            responses[String(status)] = .object(["$ref": .string("#/components/responses/\(name)")])
        }
        let answer = documentation.answer
        var success: [String: JSONValue] = [
            "description": .string(answer.summary),
            "headers": .object(["X-Request-ID": .object(["$ref": .string("#/components/headers/X-Request-ID")])]),
        ]
        if let mediaType = answer.mediaType {
            success["content"] = .object([mediaType: .object(["schema": (answer.schema ?? .anything).json(reference: reference)])])
        }
        responses[String(answer.status.code)] = .object(success)
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    /// `coverage_getFigures`, `goodPractices_postPracticesIdEndorsement`: unique within the document.
    static func operationID(_ route: ModuleRoute, moduleID: String) -> String {
        func camel(_ words: [Substring]) -> String {
            words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
        let module = camel(moduleID.split(separator: "-"))
        let path = camel(route.path.split(whereSeparator: { "/-_{}".contains($0) }))
        return (module.prefix(1).lowercased() + module.dropFirst()) + "_" + route.method.rawValue.lowercased() + path
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}
