import CDTDomain
import CDTModuleKit
import Hummingbird
import Testing

/// A module route's documentation: the schemas it names must be registered (the registry refuses to
/// start otherwise), and the typed schemas render as the JSON Schema `/openapi.json` carries.
@Suite struct RouteDocumentationTests {
    /// A module whose one route answers `answer`, with `schemas` registered.
    struct DocumentedModule: FeatureModule {
        var answer: APISchema
        var schemas: [String: APISchema] = [:]

        var manifest: ModuleManifest {
            ModuleManifest(id: "documented", name: LocalizedName(vietnamese: "Có tài liệu", english: "Documented"), version: ModuleVersion(1, 0, 0))
        }

        func addRoutes(to routes: inout ModuleRoutes) {
            for (name, schema) in schemas { routes.schema(name, schema) }
            routes.get("notes/{id}", access: .view, documentation: RouteDocumentation(
                summary: "A note", parameters: [.path("id", .uuid, "The note.")], answer: .json(answer, "The note."))) { _, _ in "{}" }
        }
    }

    @Test func aRouteNamingASchemaTheModuleDidNotRegisterStopsStartUp() throws {
        #expect(throws: ModuleRegistryError.invalidPart(module: "documented", "route GET notes/{id} names the schema 'Note', which the module does not register")) {
            try ModuleRegistry([DocumentedModule(answer: .reference("Note"))])
        }
        #expect(throws: ModuleRegistryError.invalidPart(module: "documented", "schema 'Note' names the schema 'Author', which the module does not register")) {
            try ModuleRegistry([DocumentedModule(answer: .reference("Note"), schemas: ["Note": .object(["by": .reference("Author")])])])
        }
        let registry = try ModuleRegistry([DocumentedModule(answer: .array(of: .reference("Note")), schemas: ["Note": .object(["text": .string])])])
        #expect(registry.schemas["documented"]?.keys.sorted() == ["Note"])
        #expect(registry.routes["documented"]?.first?.documentation.summary == "A note")
    }

    @Test func schemasRenderAsJSONSchema() {
        let schema = APISchema.object([
            "id": .uuid,
            "title": APISchema.text(maximumLength: 200).described("What it is called."),
            "status": .oneOf(["open", "done"]),
            "count": .integer(0...10),
            "author": .reference("Author"),
            "name": .core("LocalizedName"),
        ], optional: ["count"], closed: true)
        let json = schema.json { "#/components/schemas/notes.\($0)" }
        #expect(json == .object([
            "type": .string("object"),
            "properties": .object([
                "id": .object(["type": .string("string"), "format": .string("uuid")]),
                "title": .object(["type": .string("string"), "maxLength": .number(200), "description": .string("What it is called.")]),
                "status": .object(["type": .string("string"), "enum": .array([.string("open"), .string("done")])]),
                "count": .object(["type": .string("integer"), "minimum": .number(0), "maximum": .number(10)]),
                "author": .object(["$ref": .string("#/components/schemas/notes.Author")]),
                "name": .object(["$ref": .string("#/components/schemas/LocalizedName")]),
            ]),
            "required": .array(["id", "title", "status", "author", "name"].map(JSONValue.string)),
            "additionalProperties": .boolean(false),
        ]))
    }
}
