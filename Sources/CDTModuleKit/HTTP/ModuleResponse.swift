public import Hummingbird
import NIOCore

/// Answers a module's pages give: an HTML page under the platform's strict content security policy, and
/// the redirect after a form succeeded (post, redirect, get).
///
/// ```swift
/// routes.get("rounds", access: .view, documentation: …) { request, context in
///     ModuleResponse.page(RoundsPage(rounds, context).html)
/// }
/// routes.form("nominations/{id}/endorse", access: .permission("rewards.review"), summary: …) { request, context in
///     …
///     return ModuleResponse.seeOther("/api/v1/modules/rewards/nominations/\(id)/page")
/// }
/// ```
public enum ModuleResponse {
    /// The policy every module page is served under: nothing from outside the server, no script, styles
    /// inline, images from the server or `data:` (inline SVG needs neither), forms posted to this server only.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// An HTML page (`text/html; charset=utf-8`) with ``contentSecurityPolicy``. A form shown again with
    /// the messages beside its fields answers `.unprocessableContent`.
    public static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other to `location` (a path of this server): where a browser goes after a form succeeded,
    /// so reloading that page does not post the form again.
    public static func seeOther(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
