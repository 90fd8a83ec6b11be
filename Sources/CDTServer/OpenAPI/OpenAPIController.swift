import Hummingbird

/// Serves the OpenAPI 3.1 description of the API at `/openapi.json`: the core's part with the installed
/// modules' routes (``OpenAPIDocument``), assembled once when the router is built. A test checks that it
/// describes exactly the routes the router serves.
struct OpenAPIController: Sendable {
    /// The document's text.
    let document: String

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let document = document
        group.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: .init(string: document)))
        }
    }
}
