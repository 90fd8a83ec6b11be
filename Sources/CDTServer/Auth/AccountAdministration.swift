public import CDTDomain
public import CDTPostgres
import Foundation

/// What `cdt users` does, over the same store and rules as the API. The command line is the operator's:
/// it works nationally (``RowScope/everyProvince``), whichever role its client connects as.
public struct AccountAdministration: Sendable {
    public let accounts: PostgresAccountStore
    public let audit: PostgresAuditLog

    public init(client: PostgresClient) {
        self.accounts = PostgresAccountStore(client: client)
        self.audit = PostgresAuditLog(client: client)
    }

    /// Creates a national administrator. There is no default account or password anywhere: this is how
    /// the first one comes to exist. Two-factor sign-in must be set up at the first sign-in.
    /// - Throws: ``ValidationFailure`` naming the field when a detail breaks a rule or is taken.
    @discardableResult
    public func createAdministrator(username: String?, phone: String?, displayName: String, password: String) async throws -> Account {
        try await RowScope.$current.withValue(.everyProvince) {
            var check = Validator()
            Account.validate(username: username, phone: phone, displayName: displayName, password: password, into: &check)
            try check.finish()
            let account = Account(
                id: ID(), username: username?.lowercased(), phone: phone.flatMap(Member.normalizedPhone), displayName: displayName,
                assignments: [RoleAssignment(role: .nationalAdministrator, unitID: nil)])
            try await accounts.create(account, passwordHash: try await Passwords.hash(password), createdBy: nil)
            try await audit.record(AuditEntry(accountID: nil, clientAddress: "cdt users", action: "account.created", target: account.id.description,
                                              details: ["roles": "nationalAdministrator@nation"]))
            return account
        }
    }

    /// Creates an account with the given roles, without the grant checks of the API (the command line is
    /// the operator's).
    @discardableResult
    public func createAccount(username: String?, phone: String?, displayName: String, password: String, roles: [RoleAssignment]) async throws -> Account {
        try await RowScope.$current.withValue(.everyProvince) {
            var check = Validator()
            Account.validate(username: username, phone: phone, displayName: displayName, password: password, into: &check)
            for (index, role) in roles.enumerated() where try await accounts.placement(of: role) == nil {
                check.record("roles[\(index)].unitId", role.role.isNational ? "must be left out for a national role"
                             : "must name a unit in force at one of the levels: \(role.role.assignableLevels.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            try check.finish()
            let account = Account(id: ID(), username: username?.lowercased(), phone: phone.flatMap(Member.normalizedPhone), displayName: displayName, assignments: roles)
            try await accounts.create(account, passwordHash: try await Passwords.hash(password), createdBy: nil)
            try await audit.record(AuditEntry(
                accountID: nil, clientAddress: "cdt users", action: "account.created", target: account.id.description, unitID: Self.place(of: account),
                details: ["roles": roles.map { "\($0.role.rawValue)@\($0.unitID?.description ?? "nation")" }.joined(separator: ",")]))
            return account
        }
    }

    public func list() async throws -> [Account] {
        try await RowScope.$current.withValue(.everyProvince) {
            var all: [Account] = []
            var page = PageRequest(limit: PageRequest.maximumLimit)
            while true {
                let result = try await accounts.accounts(within: .nationwide, page: page)
                all += result.items
                guard let next = result.next else { return all }
                page = PageRequest(limit: PageRequest.maximumLimit, after: next)
            }
        }
    }

    /// Disables the account signing in as `login` and ends its sessions.
    public func disable(login: String) async throws {
        try await RowScope.$current.withValue(.everyProvince) {
            let account = try await existing(login)
            try await accounts.disable(account.id)
            try await audit.record(AuditEntry(accountID: nil, clientAddress: "cdt users", action: "account.disabled", target: account.id.description,
                                              unitID: Self.place(of: account)))
        }
    }

    /// Sets a new password for the account signing in as `login` and ends its sessions.
    public func resetPassword(login: String, password: String) async throws {
        try await RowScope.$current.withValue(.everyProvince) {
            var check = Validator()
            Password.validate(password, into: &check)
            try check.finish()
            let account = try await existing(login)
            try await accounts.setPassword(account.id, hash: try await Passwords.hash(password))
            try await audit.record(AuditEntry(accountID: nil, clientAddress: "cdt users", action: "account.password-reset", target: account.id.description,
                                              unitID: Self.place(of: account)))
        }
    }

    /// Where entries about an account go: its first role's unit (none for national accounts).
    static func place(of account: Account) -> ID<AdministrativeUnit>? {
        account.assignments.lazy.compactMap(\.unitID).first
    }

    /// Turns the account's two-factor sign-in off (a lost authenticator): forgets its secret and recovery
    /// codes and ends its sessions, so that it sets two-factor sign-in up again at the next sign-in.
    public func resetTwoFactor(login: String) async throws {
        let account = try await existing(login)
        try await accounts.resetTwoFactor(account.id)
        try await audit.record(AuditEntry(accountID: nil, clientAddress: "cdt users", action: "two-factor.reset", target: account.id.description,
                                          unitID: account.assignments.first?.unitID))
    }

    /// Turns two-factor sign-in on with a known base32 secret, sealed with `secrets` (the key of the server
    /// that will check it), without a confirming code: for tests, benchmarks and tools that hold the secret.
    public func turnOnTwoFactor(_ id: ID<Account>, secret: String, secrets: TwoFactorSecrets) async throws {
        guard let key = Base32.decode(secret), !key.isEmpty else { throw ValidationFailure(field: "secret", rule: "must be base32 (RFC 4648)") }
        try await accounts.setTOTPSecret(id, secret: try secrets.seal(key))
        try await accounts.enableTOTP(id)
    }

    private func existing(_ login: String) async throws -> Account {
        guard let credentials = try await accounts.credentials(login: login) else {
            throw ValidationFailure(field: "login", rule: "names no account")
        }
        return credentials.account
    }
}
