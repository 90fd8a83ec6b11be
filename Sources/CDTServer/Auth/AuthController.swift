import CDTModuleKit
import CDTDomain
import CDTPostgres
import Foundation
import Hummingbird

/// Signing in and out, under `/api/v1/auth`:
/// - `POST /login` `{"login": "<username or phone>", "password": "…", "code": "123456" or a recovery code?,
///   "fieldDay": true?}` → `{"token", "expiresAt", "twoFactorSetupRequired"}`. With `fieldDay` (the field
///   app asks it), an account that need not use two-factor sign-in gets a session the idle timeout does not
///   end: it lasts the field day (12 hours) unless revoked. Every failure answers the same 401, whether the
///   account exists or not, after the same bcrypt work; repeated failures make the next attempt wait
///   (``LoginThrottle``): 429 with `Retry-After`, before any hashing.
/// - `POST /logout` ends this session; `POST /logout-everywhere` ends all of the account's sessions.
/// - `POST /password` `{"currentPassword", "newPassword"}` changes the password and ends the other sessions.
/// - `GET /me`: the account, its roles and `members`: who it is on the teams today (the member records with
///   its phone number, ``CallerMemberLookup``), `[]` when none.
/// - `POST /two-factor` `{"password", "code"?}` starts TOTP set-up (returns a base32 secret and an
///   `otpauth://` link; with two-factor sign-in already on, a current `code` is needed too, and the secret
///   in use is kept until the new one is confirmed); `POST /two-factor/confirm` `{"code"}` turns it on
///   and answers ten single-use recovery codes.
/// - `GET /signin` and `POST /signin`: the same sign-in as an HTML form for pages modules serve
///   (``SignInPage``); the session travels in an HttpOnly cookie that only GET requests accept.
struct AuthController: Sendable {
    let accounts: PostgresAccountStore
    let audit: PostgresAuditLog
    let throttle: LoginThrottle
    var settings = SignInSettings()
    /// Finds the signed-in account on the teams by its phone number (`GET /me`).
    let memberLookup: CallerMemberLookup
    /// Keeps `GET /me`'s memberships to teams the caller views.
    let visibility: Visibility
    /// Today in Vietnam: the day whose memberships `GET /me` lists.
    let today: @Sendable () -> CalendarDate
    let sessionLifetime: TimeInterval = 12 * 3600

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.post("login", on: group, access: .signIn, use: login)
        checkpoint.post("logout", on: group, access: .signedIn, use: logout)
        checkpoint.post("logout-everywhere", on: group, access: .signedIn, use: logoutEverywhere)
        checkpoint.post("password", on: group, access: .signedIn, use: changePassword)
        checkpoint.get("me", on: group, access: .signedIn, use: me)
        checkpoint.post("two-factor", on: group, access: .signedIn, use: startTwoFactor)
        checkpoint.post("two-factor/confirm", on: group, access: .signedIn, use: confirmTwoFactor)
        let page = SignInPage(controller: self)
        checkpoint.get("signin", on: group, access: .signIn, use: page.show)
        checkpoint.post("signin", on: group, access: .signIn, use: page.submit)
    }

    struct LoginRequest: Codable { var login: String; var password: String; var code: String?; var fieldDay: Bool? }
    struct LoginResponse: ResponseEncodable { var token: String; var expiresAt: Date; var twoFactorSetupRequired: Bool }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> LoginResponse {
        let input = try await JSONBody.decode(LoginRequest.self, from: request, limit: 4096)
        return try await signIn(input, address: clientAddress(request, context))
    }

    /// The client's address: the socket's peer, or what a trusted proxy forwarded.
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        SessionPolicy.clientAddress(request, context, settings.trustedProxies)
    }

    /// Checks the credentials (with throttling and audit) and opens a session.
    func signIn(_ input: LoginRequest, address: String) async throws -> LoginResponse {
        guard input.login.count <= 100, input.password.utf8.count <= 200 else { throw Self.failed }
        // The login and the address are checked before anything is read; the account once it is known.
        try await refuseIfThrottled(LoginThrottle.keys(login: input.login, account: nil, address: address), nil, target: input.login, address: address)
        let credentials = try await accounts.credentials(login: input.login)
        let keys = LoginThrottle.keys(login: input.login, account: credentials?.account.id, address: address)
        if let account = credentials?.account {
            try await refuseIfThrottled([.account(account.id)], account, target: input.login, address: address)
        }
        let passwordMatches = try await Passwords.verify(input.password, hash: credentials?.passwordHash ?? Passwords.decoy)
        guard let credentials, passwordMatches, !credentials.account.isDisabled,
              try await secondFactorMatches(input.code, credentials, address: address) else {
            throttle.recordFailure(keys)
            try await audit.record(AuditEntry(accountID: credentials?.account.id, clientAddress: address, action: "login.failed", target: input.login))
            throw Self.failed
        }
        throttle.recordSuccess(login: input.login, account: credentials.account.id)
        let access = CallerAccess(assignments: credentials.placedAssignments)
        let enrollmentOnly = access.requiresTwoFactor && !credentials.account.hasTwoFactor
        let token = SessionTokens.make()
        let expiresAt = Date().addingTimeInterval(enrollmentOnly ? 900 : sessionLifetime)
        try await accounts.createSession(tokenHash: SessionTokens.hash(token), account: credentials.account.id, expiresAt: expiresAt,
                                         enrollmentOnly: enrollmentOnly, clientAddress: address,
                                         fieldDay: input.fieldDay == true && !access.requiresTwoFactor)
        try await audit.record(AuditEntry(accountID: credentials.account.id, clientAddress: address, action: "login.succeeded", target: input.login))
        return LoginResponse(token: token, expiresAt: expiresAt, twoFactorSetupRequired: enrollmentOnly)
    }

    /// Throws ``SignInThrottled`` when one of `keys` must still wait; the audit log gets one line for the
    /// 1st, 2nd, 4th, 8th, … throttled attempt on a key, with the count, rather than one per attempt.
    private func refuseIfThrottled(_ keys: [LoginThrottle.Key], _ account: Account?, target: String, address: String) async throws {
        guard let wait = throttle.check(keys) else { return }
        if let attempts = wait.auditedAttempts {
            try await audit.record(AuditEntry(accountID: account?.id, clientAddress: address, action: "login.throttled", target: target,
                                              unitID: account?.assignments.first?.unitID,
                                              details: ["attempts": String(attempts), "by": wait.kind, "retryAfter": String(wait.seconds)]))
        }
        throw SignInThrottled(retryAfter: wait.seconds)
    }

    /// With two-factor sign-in on: a code of the current step (or the one before or after) not used
    /// before, or an unused recovery code, which is then used up.
    private func secondFactorMatches(_ code: String?, _ credentials: PostgresAccountStore.Credentials, address: String) async throws -> Bool {
        guard credentials.account.hasTwoFactor else { return true }
        guard let code, let stored = credentials.totpSecret else { return false }
        return try await secondFactorMatches(code, account: credentials.account, stored: stored, address: address)
    }

    private func secondFactorMatches(_ code: String, account: Account, stored: String, address: String?) async throws -> Bool {
        if RecoveryCodes.looksLikeRecoveryCode(code) {
            guard try await accounts.useRecoveryCode(account.id, hash: RecoveryCodes.hash(code)) else { return false }
            try await audit.record(AuditEntry(accountID: account.id, clientAddress: address, action: "two-factor.recovery-code-used",
                                              target: account.id.description, unitID: account.assignments.first?.unitID))
            return true
        }
        let key = try settings.secrets.open(stored)
        guard let step = TOTPCodes.matchingStep(code, key: key), try await accounts.useTOTPStep(account.id, step: step) else { return false }
        if TwoFactorSecrets.isInClear(stored) {
            try await accounts.resealTOTPSecret(account.id, old: stored, new: try settings.secrets.seal(key))
        }
        return true
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

    /// The account, and its memberships today on teams whose unit the caller views (row-level security
    /// keeps the query to the provinces they view; a team elsewhere in one is left out too).
    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> CurrentAccountResponse {
        let caller = try context.requireCaller()
        var memberships: [CallerMemberLookup.Row] = []
        if let phone = caller.account.phone {
            memberships = try await memberLookup.memberships(withPhone: phone, on: today())
            let hidden = try await visibility.outsideScope(memberships.map(\.member.teamUnitID), of: caller, for: .view)
            memberships.removeAll { hidden.contains($0.member.teamUnitID) }
        }
        return CurrentAccountResponse(account: AccountResponse(caller.account, showPhone: true), members: memberships.map(CallerMembershipResponse.init))
    }

    struct PasswordChange: Codable { var currentPassword: String; var newPassword: String }

    /// Changes the caller's password after checking the current one (throttled like sign-in), and ends
    /// every other session of the account.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let input = try await JSONBody.decode(PasswordChange.self, from: request, limit: 1024)
        var check = Validator()
        Password.validate(input.newPassword, into: &check, field: "newPassword")
        guard check.violations.isEmpty else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The new password breaks a rule.", errors: check.violations.map(ProblemDetails.FieldError.init))
        }
        try await requireCurrentPassword(input.currentPassword, caller, field: "currentPassword")
        try await accounts.changePassword(caller.account.id, hash: try await Passwords.hash(input.newPassword), keeping: caller.sessionTokenHash)
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "account.password-changed",
                                          target: caller.account.id.description, unitID: caller.account.assignments.first?.unitID))
        return Response(status: .noContent)
    }

    /// Checks the caller's password, throttled on the account like sign-in (the session already names
    /// who is guessing): 422 naming `field` when wrong.
    private func requireCurrentPassword(_ password: String, _ caller: Caller, field: String) async throws {
        let keys: [LoginThrottle.Key] = [.account(caller.account.id)]
        try await refuseIfThrottled(keys, caller.account, target: caller.account.id.description, address: caller.clientAddress ?? "local")
        let hash = try await accounts.passwordHash(of: caller.account.id) ?? Passwords.decoy
        guard password.utf8.count <= 200, try await Passwords.verify(password, hash: hash) else {
            throttle.recordFailure(keys)
            throw ProblemDetails(status: .unprocessableContent, detail: "The password is wrong.", errors: [.init(field: field, rule: "must be your current password")])
        }
    }

    struct TwoFactorStart: Codable { var password: String; var code: String? }
    struct TwoFactorSetup: ResponseEncodable { var secret: String; var otpauthURL: String }

    /// Starts setting up (or replacing) the authenticator: needs the password, and a current code (or a
    /// recovery code) when two-factor sign-in is already on. The secret in use stays until the new one is confirmed.
    @Sendable func startTwoFactor(_ request: Request, context: AppRequestContext) async throws -> TwoFactorSetup {
        let caller = try context.requireCaller()
        let input = try await JSONBody.decode(TwoFactorStart.self, from: request, limit: 1024)
        try await requireCurrentPassword(input.password, caller, field: "password")
        if caller.account.hasTwoFactor {
            guard let code = input.code, let stored = try await accounts.totpSecret(of: caller.account.id),
                  try await secondFactorMatches(code, account: caller.account, stored: stored, address: caller.clientAddress) else {
                throw ProblemDetails(status: .unprocessableContent, detail: "Two-factor sign-in is on: give a current code to replace the authenticator.",
                                     errors: [.init(field: "code", rule: "must be a current code of the authenticator in use, or an unused recovery code")])
            }
        }
        let key = TwoFactorSecrets.makeKey()
        try await accounts.setPendingTOTPSecret(caller.account.id, secret: try settings.secrets.seal(key))
        let secret = Base32.encode(key)
        let label = caller.account.username ?? caller.account.phone ?? caller.account.id.description
        return TwoFactorSetup(secret: secret, otpauthURL: Self.authenticatorURL(secret: secret, label: label))
    }

    /// `otpauth://totp/CDT:<label>?secret=…&issuer=CDT&algorithm=SHA1&digits=6&period=30`.
    static func authenticatorURL(secret: String, label: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let name = ("CDT:" + label).addingPercentEncoding(withAllowedCharacters: allowed.union(CharacterSet(charactersIn: ":"))) ?? "CDT"
        return "otpauth://totp/\(name)?secret=\(secret)&issuer=CDT&algorithm=SHA1&digits=6&period=30"
    }

    struct CodeRequest: Codable { var code: String }
    struct TwoFactorConfirmed: ResponseEncodable { var recoveryCodes: [String] }

    @Sendable func confirmTwoFactor(_ request: Request, context: AppRequestContext) async throws -> TwoFactorConfirmed {
        let caller = try context.requireCaller()
        let input = try await JSONBody.decode(CodeRequest.self, from: request, limit: 1024)
        guard let pending = try await accounts.pendingTOTPSecret(of: caller.account.id) else {
            throw ProblemDetails(status: .conflict, detail: "Start two-factor set-up first (POST /api/v1/auth/two-factor).")
        }
        guard let step = TOTPCodes.matchingStep(input.code, key: try settings.secrets.open(pending)) else {
            throw ProblemDetails(status: .unprocessableContent, detail: "The code is wrong.", errors: [.init(field: "code", rule: "must be the current 6-digit code of the authenticator")])
        }
        let codes = RecoveryCodes.make()
        guard try await accounts.confirmTOTP(caller.account.id, pending: pending, step: step, recoveryCodeHashes: codes.map(RecoveryCodes.hash)) else {
            throw ProblemDetails(status: .conflict, detail: "The set-up was started again meanwhile; confirm with a code of the newest secret.")
        }
        try await audit.record(AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress,
                                          action: caller.account.hasTwoFactor ? "two-factor.replaced" : "two-factor.enabled",
                                          target: caller.account.id.description, unitID: caller.account.assignments.first?.unitID))
        return TwoFactorConfirmed(recoveryCodes: codes)
    }
}

/// Too many failed sign-ins for an account, a login or an address: 429 with `Retry-After`.
struct SignInThrottled: Error, Sendable {
    let retryAfter: Int

    var problem: ProblemDetails {
        ProblemDetails(status: .tooManyRequests, detail: "Too many failed sign-ins; try again in \(retryAfter) seconds.")
    }

    var response: Response {
        var response = problem.response()
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}

extension AppRequestContext {
    /// The caller the checkpoint set; routes that need one always have one.
    func requireCaller() throws -> Caller {
        guard let caller else { throw SessionPolicy.unauthorized }
        return caller
    }
}
