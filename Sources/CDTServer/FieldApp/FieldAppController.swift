import CDTFieldApp
import CDTModuleKit
import Foundation
import Hummingbird

/// Serves the field app (``CDTFieldApp/FieldAppFiles``) to anyone: the files hold no data (the app signs
/// in and reads the API with a bearer token, like any client).
/// - `GET /app` → 308 to `/app/`; `GET /app/` → the app's page; `GET /app/{file}` → one of its files, 404 else.
///
/// Each answer carries an entity tag (a `304` answers an `If-None-Match` that matches), `Cache-Control:
/// no-cache` (the phone keeps the files through the service worker, and asks again when online) and the
/// app's content security policy: scripts, styles, images and connections from this server only, nothing
/// inline, no frames.
struct FieldAppController: Sendable {
    /// What a page of the app may load and run.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "manifest-src 'self'", "worker-src 'self'", "font-src 'self'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// The routes this controller adds, none through the access checkpoint (they are public).
    static let routeCount = 2

    func addRoutes(to router: Router<AppRequestContext>) {
        // The router takes `/app` and `/app/` for one path; the app's relative links need the slash.
        router.get("app") { request, _ in
            request.uri.path.hasSuffix("/") ? try Self.serve("index.html", request) : Response(status: .permanentRedirect, headers: [.location: "/app/"])
        }
        router.get("app/{file}") { request, context in
            try Self.serve(context.parameters.get("file") ?? "", request)
        }
    }

    static func serve(_ name: String, _ request: Request) throws -> Response {
        guard let file = FieldAppFiles.file(named: name) else {
            throw ProblemDetails(status: .notFound, detail: "The field app has no file \(name.prefix(100)).")
        }
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.etag, .cacheControl: "no-cache",
            .contentSecurityPolicy: contentSecurityPolicy,
        ]
        if name == "sw.js" { headers[.init("Service-Worker-Allowed")!] = "/app/" }
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: file.body)))
    }
}
