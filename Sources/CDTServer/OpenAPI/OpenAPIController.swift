import Hummingbird

/// Serves the OpenAPI 3.1 description of the API at `/openapi.json`. The document is kept in the
/// repository as `Sources/CDTServer/Documents/openapi.json` and embedded in the binary at build time;
/// a test checks that it describes exactly the routes the router serves.
struct OpenAPIController: Sendable {
    /// The document's text.
    static var document: String { EmbeddedDocuments.files["openapi.json"] ?? "{}" }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: .init(string: Self.document)))
        }
    }
}
