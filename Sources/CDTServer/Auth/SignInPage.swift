import CDTModuleKit
import Foundation
import Hummingbird
import NIOCore

/// Sign-in for people in a browser, for the pages modules serve (the coverage dashboard): an HTML form
/// posting the same credentials as `POST /api/v1/auth/login`, with the same throttling and audit.
///
/// The session token goes into a cookie that scripts cannot read (`HttpOnly`), that other sites' links
/// do not carry on anything but a plain navigation (`SameSite=Lax`), and that the server accepts on GET
/// requests and on the posts of modules' form routes only, where the route guard also asks for the
/// session's form token (``FormTokens``): every other change still needs the bearer token, so a forged
/// form cannot use it.
/// Served over HTTPS (TLS, or a trusted proxy's `X-Forwarded-Proto: https`) the cookie is
/// `__Host-cdt_session` with `Secure` and `Path=/`, and only that one is read.
///
/// The form refuses posts from another site (`Sec-Fetch-Site: cross-site`, or, from a browser that does
/// not send it, an `Origin` that is not this server's), so another site cannot sign a visitor in as an
/// account of its own ("login CSRF").
struct SignInPage: Sendable {
    let controller: AuthController

    static let cookieName = "cdt_session"
    static let secureCookieName = "__Host-cdt_session"
    static let path = "/api/v1/auth/signin"

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        page(next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), message: nil, status: .ok)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let https = controller.settings.trustedProxies.isHTTPS(request, peer: SessionPolicy.peer(context))
        guard Self.isFromThisSite(request, https: https) else {
            return page(next: "/api/v1/auth/me", message: "Biểu mẫu đến từ trang khác. · This form was sent from another site.", status: .forbidden)
        }
        let buffer = try await request.body.collect(upTo: 4096)
        guard let fields = Self.formFields(String(buffer: buffer)) else {
            return page(next: "/api/v1/auth/me", message: "Biểu mẫu không hợp lệ. · The form is malformed.", status: .badRequest)
        }
        let next = Self.safeNext(fields["next"])
        let code = fields["code"].flatMap { $0.isEmpty ? nil : $0 }
        guard let login = fields["login"], !login.isEmpty, let password = fields["password"], !password.isEmpty else {
            return page(next: next, message: "Nhập tên đăng nhập và mật khẩu. · Enter your login and password.", status: .badRequest)
        }
        do {
            let session = try await controller.signIn(
                AuthController.LoginRequest(login: login, password: password, code: code),
                address: controller.clientAddress(request, context))
            if session.twoFactorSetupRequired {
                return page(next: next, message: "Tài khoản này cần bật xác thực hai lớp trước (POST /api/v1/auth/two-factor). · Turn on two-factor sign-in first.",
                            status: .forbidden)
            }
            var headers = HTTPFields()
            headers[.location] = next
            let maxAge = Int(session.expiresAt.timeIntervalSinceNow.rounded())
            headers[.setCookie] = https
                ? "\(Self.secureCookieName)=\(session.token); Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)"
                : "\(Self.cookieName)=\(session.token); Path=/api/v1/; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)"
            return Response(status: .seeOther, headers: headers)
        } catch let throttled as SignInThrottled {
            var response = page(next: next, message: "Đăng nhập sai quá nhiều lần; hãy đợi \(throttled.retryAfter) giây. · Too many failed sign-ins; wait \(throttled.retryAfter) seconds.",
                                status: .tooManyRequests)
            response.headers[.retryAfter] = String(throttled.retryAfter)
            return response
        } catch let problem as ProblemDetails {
            return page(next: next, message: problem.status == 429
                        ? "Đăng nhập sai quá nhiều lần; hãy đợi vài phút. · Too many failed sign-ins; wait a few minutes."
                        : "Tên đăng nhập, mật khẩu hoặc mã không đúng. · The login, password or code is wrong.",
                        status: HTTPResponse.Status(code: problem.status))
        }
    }

    /// The fields of an `application/x-www-form-urlencoded` body, the last value of a repeated name;
    /// `nil` when one is not valid percent-encoding.
    static func formFields(_ body: String) -> [String: String]? {
        FormFields(urlEncoded: body).map { Dictionary($0.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }) }
    }

    /// Whether a form post comes from this server's site: `Sec-Fetch-Site` (sent by browsers) must not be
    /// `cross-site`; without it, an `Origin` must be this server's. A request with neither (not a browser)
    /// is let through: login CSRF needs a victim's browser.
    static func isFromThisSite(_ request: Request, https: Bool) -> Bool {
        if let site = request.headers[.init("Sec-Fetch-Site")!]?.lowercased() {
            return site == "same-origin" || site == "same-site" || site == "none"
        }
        guard let origin = request.headers[.init("Origin")!] else { return true }
        guard let host = request.head.authority ?? request.headers[.init("Host")!] else { return false }
        return origin == (https ? "https://" : "http://") + host
    }

    /// The session token of the cookie, on GET and HEAD requests only (and on a module form's post with
    /// `acceptingPost`); over HTTPS only the `__Host-` one.
    static func cookieToken(_ request: Request, https: Bool = false, acceptingPost: Bool = false) -> String? {
        guard request.method == .get || request.method == .head || (acceptingPost && request.method == .post) else { return nil }
        let name = https ? secureCookieName : cookieName
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix(name + "=") else { continue }
                let token = String(pair.dropFirst(name.count + 1))
                return token.isEmpty || token.count > 200 ? nil : token
            }
        }
        return nil
    }

    /// For a browser asking for a module's page without a session: go to the sign-in form, then back.
    static func redirect(_ request: Request) -> SignInRedirect? {
        guard request.method == .get, request.uri.path.hasPrefix("/api/v1/modules/"),
              let accept = request.headers[.accept], accept.contains("text/html") else { return nil }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        let next = request.uri.description.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
        return SignInRedirect(location: path + "?next=" + next)
    }

    /// Where to go after signing in: a path of this server's API, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/api/v1/"), !next.contains("//"), !next.contains("\\"), next.count <= 1000,
              !next.contains(where: { $0.isNewline }) else { return "/api/v1/auth/me" }
        return next
    }

    private func page(next: String, message: String?, status: HTTPResponse.Status) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Đăng nhập · Sign in</title>
            <style>body{font-family:system-ui,"DejaVu Sans",sans-serif;max-width:420px;margin:40px auto;padding:0 16px}
            label{display:block;margin-top:12px}input{width:100%;padding:8px;box-sizing:border-box}button{margin-top:16px;padding:8px 16px}
            .error{color:#b3261e}</style></head>
            <body><main><h1>Đăng nhập <small lang="en">· Sign in</small></h1>
            \(message.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? "")
            <form method="post" action="\(Self.path)">
            <input type="hidden" name="next" value="\(HTML.escape(next))">
            <label for="login">Tên đăng nhập hoặc số điện thoại · Login or phone</label>
            <input id="login" name="login" autocomplete="username" required maxlength="100">
            <label for="password">Mật khẩu · Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
            <label for="code">Mã xác thực (nếu có) · Two-factor code (if on)</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6">
            <button type="submit">Đăng nhập · Sign in</button>
            </form></main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

/// Sends a browser to the sign-in form (303), coming back to where it was going.
struct SignInRedirect: Error, Sendable {
    let location: String

    var response: Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
