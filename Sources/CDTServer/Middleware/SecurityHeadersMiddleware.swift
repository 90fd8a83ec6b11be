import Hummingbird

/// Headers every answer carries: no content sniffing, no framing, no referrer, nothing cached (answers
/// hold personal data), and a content security policy that lets an API answer run nothing (a page sets its own, no scripts either). No CORS
/// header is ever sent, so browsers keep other sites' pages from reading the API (CORS closed by default).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        // A page a module renders may set its own policy (still without scripts); every other answer runs nothing.
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'" }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
