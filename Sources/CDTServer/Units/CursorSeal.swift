import Crypto
import Foundation
import Hummingbird

/// Signs the cursors a list hands out and binds each to that list: its path and its filter (every query
/// parameter but `cursor` and `limit`). A cursor that was altered, made up, or taken from another list (a
/// `/members` cursor sent to `/teams`, or one from `?q=lan` sent with `?q=hoa`) is a 400 naming `cursor`.
///
/// A sealed cursor is the store's token, a dot, and the first 16 bytes of an HMAC-SHA256 of the list and
/// the token, base64url. The key is the server's (``AppDependencies/cursorKey``): configured, so that every
/// instance behind a load balancer accepts the others' cursors, or made at start.
struct CursorSeal: Sendable {
    /// The HMAC key's bytes.
    let key: Data

    /// The seal and the list of the request being answered, set by ``CursorSealMiddleware``.
    @TaskLocal static var current: (seal: CursorSeal, list: String)?

    /// The list a request reads: its path and its filter, in a fixed order.
    static func list(of request: Request) -> String {
        let filter = request.uri.queryParameters
            .filter { $0.key != "cursor" && $0.key != "limit" }
            .map { "\($0.key)=\($0.value)" }
            .sorted()
        return ([request.uri.path] + filter).joined(separator: "\u{1F}")
    }

    func seal(_ token: String, list: String) -> String {
        token + "." + mac(token, list)
    }

    /// The token inside `sealed`, if this server sealed it for `list`.
    func open(_ sealed: String, list: String) -> String? {
        guard let dot = sealed.lastIndex(of: ".") else { return nil }
        let token = String(sealed[..<dot]), tag = String(sealed[sealed.index(after: dot)...])
        // Compared in constant time.
        let expected = Array(mac(token, list).utf8), given = Array(tag.utf8)
        guard expected.count == given.count, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return token
    }

    private func mac(_ token: String, _ list: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((list + "\n" + token).utf8), using: SymmetricKey(data: key))
        return Data(code.prefix(16)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Seals `token` for the request being answered (unchanged outside one).
    static func sealForCurrentList(_ token: String?) -> String? {
        guard let token, let (seal, list) = current else { return token }
        return seal.seal(token, list: list)
    }

    /// The store's token inside a cursor the client sent, or `nil` when this list did not make it.
    static func openForCurrentList(_ sealed: String) -> String? {
        guard let (seal, list) = current else { return sealed }
        return seal.open(sealed, list: list)
    }
}

/// Sets ``CursorSeal/current`` for each request.
struct CursorSealMiddleware<Context: RequestContext>: RouterMiddleware {
    let seal: CursorSeal

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await CursorSeal.$current.withValue((seal, CursorSeal.list(of: request))) {
            try await next(request, context)
        }
    }
}
