import CDTModuleKit
public import CDTDomain
public import CDTPostgres
import Foundation
public import Hummingbird

/// The access policy of the server: a bearer session token names the caller (or, for GET requests only,
/// the session cookie the sign-in page sets); the route's rule says what they need.
///
/// - No token, or one that is unknown, expired, idle longer than the idle timeout, revoked or of a disabled
///   account: 401 (the same answer for each, so a token's fate is not told).
/// - A session that may only turn on two-factor sign-in: 403 except on ``RouteAccess/signedIn`` routes.
///   Whether two-factor sign-in is required is read again on every request from the account's current
///   roles: a role that requires it, granted during a session without it, restricts that session at once.
/// - The session, account and roles may come from the server's ``SessionCache`` (a few seconds old at most),
///   which every revocation, account or role change empties first (see docs/security.md).
/// - A caller without the route's capability anywhere: 403. Whether the objects a request touches lie
///   inside the caller's scope is checked by the handler (lists are filtered, objects outside the view
///   scope are 404, writes outside the change scope 403).
public struct SessionPolicy: AccessPolicy {
    public let accounts: PostgresAccountStore
    public let settings: SignInSettings

    public init(accounts: PostgresAccountStore, settings: SignInSettings = SignInSettings()) {
        self.accounts = accounts
        self.settings = settings
    }

    public func authorize(_ access: RouteAccess, request: Request, context: AppRequestContext) async throws -> Caller? {
        guard access.needsCaller else { return nil }
        guard let token = presentedToken(request, context: context, access: access) else { throw Self.noSession(request) }
        let hash = SessionTokens.hash(token)
        guard let session = try await accounts.session(tokenHash: hash, idleTimeout: settings.idleTimeout) else { throw Self.noSession(request) }
        let callerAccess = session.access
        let caller = Caller(
            account: session.account, access: callerAccess, sessionTokenHash: hash,
            isEnrollmentOnly: session.isEnrollmentOnly || (callerAccess.requiresTwoFactor && !session.account.hasTwoFactor),
            clientAddress: Self.clientAddress(request, context, settings.trustedProxies))
        if caller.isEnrollmentOnly, access != .signedIn {
            throw ProblemDetails(status: .forbidden, detail: "Your role requires two-factor sign-in: turn it on at /api/v1/auth/two-factor first.")
        }
        if let capability = access.capability, caller.access.scope(for: capability).isEmpty {
            throw ProblemDetails(status: .forbidden, detail: "Your roles do not allow this (\(access)).")
        }
        return caller
    }

    /// The session token the request presents: its bearer token, or the session cookie on a GET (and on the
    /// post of a module's form, whose origin and form token the route guard checks).
    func presentedToken(_ request: Request, context: AppRequestContext, access: RouteAccess) -> String? {
        Self.bearerToken(request) ?? SignInPage.cookieToken(
            request, https: settings.trustedProxies.isHTTPS(request, peer: Self.peer(context)), acceptingPost: access == .moduleForm)
    }

    static let unauthorized = ProblemDetails(status: .unauthorized, detail: "Sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/login.")

    /// Without a live session: a browser asking a module's page goes to the sign-in form; anyone else gets 401.
    static func noSession(_ request: Request) -> any Error {
        SignInPage.redirect(request) ?? unauthorized
    }

    /// The scheme's name is matched in any case; the token is what follows it, without the spaces and tabs
    /// around it, and at most 200 bytes long. Read as bytes: on every request, Foundation's lowercasing and
    /// trimming were 2% of the server's CPU for single events.
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let bytes = header.utf8
        let scheme = "bearer ".utf8
        guard bytes.count > scheme.count,
              zip(bytes, scheme).allSatisfy({ given, expected in given == expected || given == expected &- 0x20 && expected >= UInt8(ascii: "a") }) else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let rest = bytes.dropFirst(scheme.count)
        guard let first = rest.firstIndex(where: { !isBlank($0) }), let last = rest.lastIndex(where: { !isBlank($0) }) else { return nil }
        let token = rest[first...last]
        return token.count > 200 ? nil : String(decoding: token, as: UTF8.self)
    }

    /// The client's address: the socket's peer, or what a trusted proxy says in `X-Forwarded-For`.
    static func clientAddress(_ request: Request, _ context: AppRequestContext, _ proxies: TrustedProxies) -> String {
        proxies.clientAddress(request, peer: peer(context))
    }

    /// The socket's peer address; `nil` in process (tests without a socket).
    static func peer(_ context: AppRequestContext) -> String? {
        context.remoteAddress.map { $0.ipAddress ?? "unknown" }
    }
}
