import CDTModuleKit
import CDTDomain
import CDTPostgres
import Foundation
import Hummingbird
import HummingbirdOTP

/// Signing in and out, under `/api/v1/auth`:
/// - `POST /login` `{"login": "<username or phone>", "password": "…", "code": "123456"?}` → `{"token", "expiresAt", "twoFactorSetupRequired"}`.
///   Every failure answers the same 401, whether the account exists or not, after the same bcrypt work;
///   too many failures for a login or from an address answer 429 before any hashing.
/// - `POST /logout` ends this session; `POST /logout-everywhere` ends all of the account's sessions.
/// - `GET /me`: the account and its roles.
/// - `POST /two-factor` starts TOTP set-up (returns the secret and an `otpauth://` link);
///   `POST /two-factor/confirm` `{"code"}` turns it on.
/// - `GET /signin` and `POST /signin`: the same sign-in as an HTML form for pages modules serve
///   (``SignInPage``); the session travels in an HttpOnly cookie that only GET requests accept.
struct AuthController: Sendable {
    let accounts: PostgresAccountStore
    let audit: PostgresAuditLog
    let throttle: LoginThrottle
    let sessionLifetime: TimeInterval = 12 * 3600

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.post("login", on: group, access: .signIn, use: login)
        checkpoint.post("logout", on: group, access: .signedIn, use: logout)
        checkpoint.post("logout-everywhere", on: group, access: .signedIn, use: logoutEverywhere)
        checkpoint.get("me", on: group, access: .signedIn, use: me)
        checkpoint.post("two-factor", on: group, access: .signedIn, use: startTwoFactor)
        checkpoint.post("two-factor/confirm", on: group, access: .signedIn, use: confirmTwoFactor)
        let page = SignInPage(controller: self)
        checkpoint.get("signin", on: group, access: .signIn, use: page.show)
        checkpoint.post("signin", on: group, access: .signIn, use: page.submit)
    }

    struct LoginRequest: Codable { var login: String; var password: String; var code: String? }
    struct LoginResponse: ResponseEncodable { var token: String; var expiresAt: Date; var twoFactorSetupRequired: Bool }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> LoginResponse {
        let input = try await JSONBody.decode(LoginRequest.self, from: request, limit: 4096)
        return try await signIn(input, address: SessionPolicy.clientAddress(request, context))
    }

    /// Checks the credentials (with throttling and audit) and opens a session.
    func signIn(_ input: LoginRequest, address: String) async throws -> LoginResponse {
        guard input.login.count <= 100, input.password.utf8.count <= 200 else { throw Self.failed }
        guard throttle.allows(login: input.login, address: address) else {
            try await audit.record(AuditEntry(accountID: nil, clientAddress: address, action: "login.throttled", target: input.login))
            throw ProblemDetails(status: .tooManyRequests, detail: "Too many failed sign-ins; wait a few minutes and try again.")
        }
        let credentials = try await accounts.credentials(login: input.login)
        let passwordMatches = try await Passwords.verify(input.password, hash: credentials?.passwordHash ?? Passwords.decoy)
        guard let credentials, passwordMatches, !credentials.account.isDisabled,
              codeMatches(input.code, credentials) else {
            throttle.recordFailure(login: input.login, address: address)
            try await audit.record(AuditEntry(accountID: credentials?.account.id, clientAddress: address, action: "login.failed", target: input.login))
            throw Self.failed
        }
        throttle.recordSuccess(login: input.login)
        let access = CallerAccess(assignments: credentials.placedAssignments)
        let enrollmentOnly = access.requiresTwoFactor && !credentials.account.hasTwoFactor
        let token = SessionTokens.make()
        let expiresAt = Date().addingTimeInterval(enrollmentOnly ? 900 : sessionLifetime)
        try await accounts.createSession(tokenHash: SessionTokens.hash(token), account: credentials.account.id, expiresAt: expiresAt,
                                         enrollmentOnly: enrollmentOnly, clientAddress: address)
        try await audit.record(AuditEntry(accountID: credentials.account.id, clientAddress: address, action: "login.succeeded", target: input.login))
        return LoginResponse(token: token, expiresAt: expiresAt, twoFactorSetupRequired: enrollmentOnly)
    }

    /// With two-factor sign-in on, the code must be the current one (or the one just before or after).
    private func codeMatches(_ code: String?, _ credentials: PostgresAccountStore.Credentials) -> Bool {
        guard credentials.account.hasTwoFactor else { return true }
        guard let code, let secret = credentials.totpSecret else { return false }
        return Self.totpMatches(code, secret: secret)
    }

    static func totpMatches(_ code: String, secret: String, at date: Date = Date()) -> Bool {
        [-30.0, 0, 30].contains { TwoFactorCodes.code(secret: secret, at: date.addingTimeInterval($0)) == code }
    }

    static let failed = ProblemDetails(status: .unauthorized, detail: "The login, password or code is wrong.")

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await accounts.revoke(tokenHash: caller.sessionTokenHash)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "logout"))
        return Response(status: .noContent)
    }

    @Sendable func logoutEverywhere(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await accounts.revokeAll(of: caller.account.id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "logout.everywhere"))
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> AccountResponse {
        AccountResponse(try context.requireCaller().account, showPhone: true)
    }

    struct TwoFactorSetup: ResponseEncodable { var secret: String; var otpauthURL: String }

    @Sendable func startTwoFactor(_ request: Request, context: AppRequestContext) async throws -> TwoFactorSetup {
        let caller = try context.requireCaller()
        guard !caller.account.hasTwoFactor else {
            throw ProblemDetails(status: .conflict, detail: "Two-factor sign-in is already on; an administrator can reset it.")
        }
        let secret = SessionTokens.makeTOTPSecret()
        try await accounts.setTOTPSecret(caller.account.id, secret: secret)
        let label = caller.account.username ?? caller.account.phone ?? caller.account.id.description
        return TwoFactorSetup(secret: secret, otpauthURL: TOTP(secret: secret).createAuthenticatorURL(label: label, issuer: "CDT"))
    }

    struct CodeRequest: Codable { var code: String }

    @Sendable func confirmTwoFactor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let input = try await JSONBody.decode(CodeRequest.self, from: request, limit: 1024)
        guard let secret = try await accounts.totpSecret(of: caller.account.id) else {
            throw ProblemDetails(status: .conflict, detail: "Start two-factor set-up first (POST /api/v1/auth/two-factor).")
        }
        guard Self.totpMatches(input.code, secret: secret) else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The code is wrong.", errors: [.init(field: "code", rule: "must be the current 6-digit code of the authenticator")])
        }
        try await accounts.enableTOTP(caller.account.id)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "two-factor.enabled"))
        return Response(status: .noContent)
    }
}

extension AppRequestContext {
    /// The caller the checkpoint set; routes that need one always have one.
    func requireCaller() throws -> Caller {
        guard let caller else { throw SessionPolicy.unauthorized }
        return caller
    }
}

/// HummingbirdOTP's TOTP, in one place.
enum TOTPCode {
    static func compute(secret: String, date: Date) -> Int {
        TOTP(secret: secret).compute(date: date)
    }
}
