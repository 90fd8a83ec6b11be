import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Throttling, two-factor sign-in, sessions and account management across scopes, through the real
/// router against a real PostgreSQL.
@Suite struct SignInHardeningTests {
    private func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    private func id(of login: WorkFixture.Login, _ db: PostgresClient) async throws -> ID<Account> {
        try await db.query("SELECT id FROM accounts WHERE username = \(login.name)").decode(ID<Account>.self)[0]
    }

    private func count(_ action: String, _ db: PostgresClient) async throws -> Int {
        try await db.query("SELECT count(*)::int FROM audit_log WHERE action = \(action)").decode(Int.self)[0]
    }

    /// Sends `request` and gives the whole response, headers included.
    private func send(_ client: APIClient, _ uri: String, method: HTTPRequest.Method = .post, body: String, headers: HTTPFields) async throws -> (Answer, HTTPFields) {
        try await client.client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) {
            (Answer(status: $0.status, text: String(buffer: $0.body), contentType: $0.headers[.contentType]), $0.headers)
        }
    }

    // MARK: Throttling

    /// Wrong passwords slow an account down with growing delays (429 with `Retry-After`), not a 15-minute
    /// lock: once the wait is over the right password signs in, for an administrator too. Throttled
    /// attempts are audited in powers of two, not one line each.
    @Test func failuresDelayTheAccountWithRetryAfterAndNeverLockItOut() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let admin = try await WorkFixture.makeAccount([RoleAssignment(role: .nationalAdministrator, unitID: nil)], db)
            for _ in 0..<4 { #expect(try await client.post("/api/v1/auth/login", signInBody(admin.name, "wrong wrong wrong")).status == .unauthorized) }
            let (held, headers) = try await send(client, "/api/v1/auth/login", body: signInBody(admin.name, admin.password), headers: [.contentType: "application/json"])
            #expect(held.status == .tooManyRequests)
            #expect(headers[.retryAfter] == "1")
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.post("/api/v1/auth/login", signInBody(admin.name, "wrong wrong wrong")).status == .unauthorized)
            // Ten more attempts while held back.
            for _ in 0..<10 {
                #expect(try await client.post("/api/v1/auth/login", signInBody(admin.name, admin.password)).status == .tooManyRequests)
            }
            // Eleven throttled attempts on the login in all: four audit lines, each with its count.
            let counts = try await db.query("SELECT details->>'attempts' FROM audit_log WHERE action = 'login.throttled' ORDER BY id").decode(String.self)
            #expect(counts == ["1", "2", "4", "8"])
            try await Task.sleep(for: .milliseconds(2100))
            let signedIn = try await client.post("/api/v1/auth/login", signInBody(admin.name, admin.password, code: await TestTwoFactorCodes.next(for: admin.name, secret: admin.totpSecret!)))
            #expect(signedIn.status == .ok)
        }
    }

    /// Behind a trusted proxy each client is its own address (its failures are its own); from anyone else
    /// `X-Forwarded-For` is ignored.
    @Test func forwardedAddressesCountOnlyFromTrustedProxies() async throws {
        let fixture = try await WorkFixture.make()
        let trusting = SignInSettings(trustedProxies: try TrustedProxies(parsing: "127.0.0.1, ::1"))
        try await fixture.withAnonymousApp(.live, signIn: trusting) { client, db in
            for address in ["203.0.113.5", "198.51.100.9"] {
                _ = try await send(client, "/api/v1/auth/login", body: signInBody("nobody-here", "wrong wrong wrong"),
                                   headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "\(address), 127.0.0.1"])
            }
            let addresses = try await db.query("SELECT client_address FROM audit_log WHERE action = 'login.failed' ORDER BY id").decode(String.self)
            #expect(addresses == ["203.0.113.5", "198.51.100.9"])
        }
        let other = try await WorkFixture.make()
        try await other.withAnonymousApp(.live) { client, db in
            _ = try await send(client, "/api/v1/auth/login", body: signInBody("nobody-here", "wrong wrong wrong"),
                               headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "203.0.113.5"])
            let addresses = try await db.query("SELECT client_address FROM audit_log WHERE action = 'login.failed'").decode(String.self)
            #expect(addresses.count == 1 && addresses[0] != "203.0.113.5")
        }
    }

    // MARK: Two-factor sign-in

    /// Set-up needs the password; the secret shown is 160-bit RFC 4648 base32 (an authenticator typing it
    /// agrees), stored sealed; confirming answers ten recovery codes; a code is good once; a recovery code
    /// signs in once; replacing the authenticator needs a current code and keeps the old secret until confirmed.
    @Test func twoFactorSetUpReplayGuardAndRecoveryCodes() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let session = client.withToken(try await client.signIn(officer))
            let wrong = try await session.post("/api/v1/auth/two-factor", json(["password": "not the password"]))
            #expect(wrong.status == .unprocessableContent && wrong.fields == ["password"])
            #expect(try await session.post("/api/v1/auth/two-factor", "").status == .badRequest)
            let setup = try await session.post("/api/v1/auth/two-factor", json(["password": officer.password]))
            #expect(setup.status == .ok)
            let secret = try #require(setup.json["secret"] as? String)
            let key = try #require(Base32.decode(secret))
            #expect(secret.count == 32 && key.count == 20)
            #expect((setup.json["otpauthURL"] as? String)?.contains("secret=\(secret)&") == true)
            let stored = try await db.query("SELECT totp_pending_secret FROM accounts WHERE username = \(officer.name)").decode(String.self)[0]
            #expect(stored.hasPrefix("v1:") && !stored.contains(secret))

            let step = TOTPCodes.step(at: Date())
            let confirmed = try await session.post("/api/v1/auth/two-factor/confirm", json(["code": TOTPCodes.code(key: key, step: step)]))
            #expect(confirmed.status == .ok)
            let recovery = try #require(confirmed.json["recoveryCodes"] as? [String])
            #expect(recovery.count == 10)
            let hashes = try await db.query("SELECT code_hash FROM two_factor_recovery_codes").decode(Data.self)
            #expect(hashes.count == 10 && !hashes.contains(Data(recovery[0].utf8)))

            // The code used to confirm is spent; the next step's code signs in once.
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: TOTPCodes.code(key: key, step: step))).status == .unauthorized)
            let next = TOTPCodes.code(key: key, step: step + 1)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: next)).status == .ok)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: next)).status == .unauthorized)
            // A recovery code signs in once, however typed.
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: recovery[0].lowercased())).status == .ok)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: recovery[0])).status == .unauthorized)
            #expect(try await count("two-factor.recovery-code-used", db) == 1)

            // Replacing the authenticator: a current code (here a recovery code) is needed, and the old
            // secret stays in use until the new one is confirmed.
            let signedIn = client.withToken(try #require(try await client.post(
                "/api/v1/auth/login", signInBody(officer.name, officer.password, code: recovery[1])).json["token"] as? String))
            let without = try await signedIn.post("/api/v1/auth/two-factor", json(["password": officer.password]))
            #expect(without.status == .unprocessableContent && without.fields == ["code"])
            let before = try await db.query("SELECT totp_secret FROM accounts WHERE username = \(officer.name)").decode(String.self)[0]
            let replacing = try await signedIn.post("/api/v1/auth/two-factor", json(["password": officer.password, "code": recovery[2]]))
            #expect(replacing.status == .ok && replacing.json["secret"] as? String != secret)
            #expect(try await db.query("SELECT totp_secret FROM accounts WHERE username = \(officer.name)").decode(String.self)[0] == before)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: recovery[3])).status == .ok)
            #expect(try await count("two-factor.enabled", db) == 1)
        }
    }

    /// A secret stored in clear by an older version still signs in, and that sign-in seals it.
    @Test func aSecretStoredInClearIsSealedAtTheNextSignIn() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let legacy = "ABCDEFGHJKLMNPQRSTUV"
            try await db.execute("UPDATE accounts SET totp_secret = \(legacy), totp_enabled_at = now() WHERE username = \(officer.name)")
            let step = TOTPCodes.step(at: Date())
            let code = TOTPCodes.code(key: Array(legacy.utf8), step: step)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: code)).status == .ok)
            let stored = try await db.query("SELECT totp_secret FROM accounts WHERE username = \(officer.name)").decode(String.self)[0]
            #expect(stored.hasPrefix("v1:") && !stored.contains(legacy))
            let next = TOTPCodes.code(key: Array(legacy.utf8), step: step + 1)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password, code: next)).status == .ok)
        }
    }

    /// A lost authenticator: an administrator who manages every role of the account resets it (audited,
    /// with the account's unit), which ends its sessions; the next sign-in sets it up again. A province
    /// administrator cannot reset a national administrator's.
    @Test func administratorsResetTwoFactorSignInWithinTheirScope() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let national = try await WorkFixture.makeAccount([RoleAssignment(role: .nationalAdministrator, unitID: nil)], db)
            let province = try await WorkFixture.makeAccount([RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)], db)
            let provinceSession = client.withToken(try await client.signIn(province))
            let nationalSession = client.withToken(try await client.signIn(national))
            #expect(try await provinceSession.post("/api/v1/accounts/\(try await id(of: national, db))/two-factor/reset", "").status == .notFound)

            let target = try await id(of: province, db)
            #expect(try await nationalSession.post("/api/v1/accounts/\(target)/two-factor/reset", "").status == .noContent)
            #expect(try await provinceSession.get("/api/v1/auth/me").status == .unauthorized)
            let again = try await client.post("/api/v1/auth/login", signInBody(province.name, province.password))
            #expect(again.status == .ok && again.json["twoFactorSetupRequired"] as? Bool == true)
            let audited = try await db.query("SELECT target, unit_path IS NOT NULL FROM audit_log WHERE action = 'two-factor.reset'").decode((String, Bool).self)
            #expect(audited.count == 1 && audited[0].0 == target.description && audited[0].1)

            // `cdt users reset-2fa` does the same, audited too.
            try await AccountAdministration(client: db).resetTwoFactor(login: national.name)
            #expect(try await nationalSession.get("/api/v1/auth/me").status == .unauthorized)
            #expect(try await count("two-factor.reset", db) == 2)
        }
    }

    /// A role that requires two-factor sign-in, granted during a session without it, restricts that
    /// session at its next request (not after up to 12 hours).
    @Test func aRoleRequiringTwoFactorTakesEffectOnTheNextRequest() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let session = client.withToken(try await client.signIn(officer))
            #expect(try await session.get("/api/v1/teams").status == .ok)
            try await PostgresAccountStore(client: db).assign(RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA),
                                                              to: try await id(of: officer, db), by: nil)
            #expect(try await session.get("/api/v1/teams").status == .forbidden)
            #expect(try await session.get("/api/v1/auth/me").status == .ok)
        }
    }

    // MARK: Sessions and passwords

    @Test func sessionsEndAfterTheIdleTimeout() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp(signIn: SignInSettings(idleTimeout: 600)) { client, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let session = client.withToken(try await client.signIn(officer))
            try await db.execute("UPDATE sessions SET last_seen_at = now() - interval '5 minutes'")
            #expect(try await session.get("/api/v1/auth/me").status == .ok)
            let seen = try await db.query("SELECT last_seen_at > now() - interval '1 minute' FROM sessions").decode(Bool.self)
            #expect(seen == [true])  // use moves it on
            try await db.execute("UPDATE sessions SET last_seen_at = now() - interval '11 minutes'")
            #expect(try await session.get("/api/v1/auth/me").status == .unauthorized)
        }
    }

    /// The field app's session (`"fieldDay": true`) lasts the field day without being used (a member walks
    /// where there is no signal) and still ends at its expiry or when revoked; an account that must use
    /// two-factor sign-in never gets one.
    @Test func aFieldDaySessionOutlivesTheIdleTimeoutButNotItsExpiry() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp(signIn: SignInSettings(idleTimeout: 600)) { client, db in
            let member = try await WorkFixture.makeAccount([RoleAssignment(role: .member, unitID: fixture.villageA1)], db)
            let body = #"{"login": "\#(member.name)", "password": "\#(member.password)", "fieldDay": true}"#
            let token = try #require(try await client.post("/api/v1/auth/login", body).json["token"] as? String)
            let plain = client.withToken(try await client.signIn(member)), fieldDay = client.withToken(token)
            try await db.execute("UPDATE sessions SET last_seen_at = now() - interval '3 hours'")
            #expect(try await plain.get("/api/v1/auth/me").status == .unauthorized)
            #expect(try await fieldDay.get("/api/v1/auth/me").status == .ok)
            // A role that requires two-factor sign-in, granted since, puts it under the idle timeout again.
            try await db.execute("""
                INSERT INTO role_assignments (account_id, role, unit_id, province_id)
                SELECT account_id, 'provinceAdministrator', \(fixture.provinceA), \(fixture.provinceA) FROM sessions WHERE field_day
                """)
            try await db.execute("UPDATE sessions SET last_seen_at = now() - interval '3 hours'")
            #expect(try await fieldDay.get("/api/v1/auth/me").status == .unauthorized)
            try await db.execute("DELETE FROM role_assignments WHERE role = 'provinceAdministrator'")
            #expect(try await fieldDay.get("/api/v1/auth/me").status == .ok)
            try await db.execute("UPDATE sessions SET expires_at = now() - interval '1 second'")
            #expect(try await fieldDay.get("/api/v1/auth/me").status == .unauthorized)
            let admin = try await WorkFixture.makeAccount([RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)], db)
            var fields: [String: Any] = ["login": admin.name, "password": admin.password, "fieldDay": true]
            if let secret = admin.totpSecret { fields["code"] = await TestTwoFactorCodes.next(for: admin.name, secret: secret) }
            let adminBody = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
            let answer = try await client.post("/api/v1/auth/login", adminBody)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(try await db.query("SELECT count(*) FROM sessions WHERE field_day").decode(Int.self) == [1])
        }
    }

    /// Changing one's password needs the current one and ends the other sessions, not this one.
    @Test func changingOnesPasswordNeedsTheCurrentOneAndEndsOtherSessions() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let this = client.withToken(try await client.signIn(officer))
            let other = client.withToken(try await client.signIn(officer))
            let wrong = try await this.post("/api/v1/auth/password", json(["currentPassword": "not it at all", "newPassword": "a brand new passphrase"]))
            #expect(wrong.status == .unprocessableContent && wrong.fields == ["currentPassword"])
            let short = try await this.post("/api/v1/auth/password", json(["currentPassword": officer.password, "newPassword": "short"]))
            #expect(short.status == .unprocessableContent && short.fields == ["newPassword"])
            #expect(try await this.post("/api/v1/auth/password", json(["currentPassword": officer.password, "newPassword": "a brand new passphrase"])).status == .noContent)
            #expect(try await this.get("/api/v1/auth/me").status == .ok)
            #expect(try await other.get("/api/v1/auth/me").status == .unauthorized)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password)).status == .unauthorized)
            #expect(try await client.post("/api/v1/auth/login", signInBody(officer.name, "a brand new passphrase")).status == .ok)
            #expect(try await count("account.password-changed", db) == 1)
        }
    }

    // MARK: The browser form

    /// Another site cannot post the sign-in form (login CSRF); over HTTPS (a trusted proxy says so) the
    /// cookie is `__Host-` and `Secure`.
    @Test func theFormRefusesOtherSitesAndSetsASecureCookieOverHTTPS() async throws {
        let fixture = try await WorkFixture.make()
        let trusting = SignInSettings(trustedProxies: try TrustedProxies(parsing: "127.0.0.1, ::1"))
        try await fixture.withAnonymousApp(.live, signIn: trusting) { client, db in
            let user = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let form = "login=\(user.name)&password=\(user.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for (name, value) in [("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example"), ("Origin", "null")] {
                var headers = formType
                headers[HTTPField.Name(name)!] = value
                let (answer, responseHeaders) = try await send(client, "/api/v1/auth/signin", body: form, headers: headers)
                #expect(answer.status == .forbidden, "\(name): \(value)")
                #expect(responseHeaders[.setCookie] == nil)
            }
            #expect(try await count("login.succeeded", db) == 0)
            var plain = formType
            plain[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
            let (_, overHTTP) = try await send(client, "/api/v1/auth/signin", body: form, headers: plain)
            let cookie = try #require(overHTTP[.setCookie])
            #expect(cookie.hasPrefix("cdt_session=") && !cookie.contains("Secure"))
            var https = plain
            https[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let (signedIn, overHTTPS) = try await send(client, "/api/v1/auth/signin", body: form, headers: https)
            #expect(signedIn.status == .seeOther)
            let secure = try #require(overHTTPS[.setCookie])
            #expect(secure.hasPrefix("__Host-cdt_session=") && secure.contains("; Secure") && secure.contains("Path=/;"))
            // Over HTTPS only the __Host- cookie is read.
            let token = String(secure.dropFirst("__Host-cdt_session=".count).prefix { $0 != ";" })
            var reading: HTTPFields = [.cookie: "cdt_session=\(token)", HTTPField.Name("X-Forwarded-Proto")!: "https"]
            #expect(try await send(client, "/api/v1/auth/me", method: .get, body: "", headers: reading).0.status == .unauthorized)
            reading[.cookie] = "__Host-cdt_session=\(token)"
            #expect(try await send(client, "/api/v1/auth/me", method: .get, body: "", headers: reading).0.status == .ok)
        }
    }

    // MARK: Accounts across scopes

    /// A province administrator cannot act on an account holding a role outside their province (a national
    /// administrator with a unit role there); lists show only the roles in scope; nobody disables themselves.
    @Test func accountsAreManagedOnlyWhenEveryRoleIsInScope() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let national = try await WorkFixture.makeAccount([RoleAssignment(role: .nationalAdministrator, unitID: nil),
                                                              RoleAssignment(role: .auditor, unitID: fixture.provinceA)], db)
            let province = try await WorkFixture.makeAccount([RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)], db)
            let both = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA),
                                                          RoleAssignment(role: .communeOfficer, unitID: fixture.communeB)], db)
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let provinceSession = client.withToken(try await client.signIn(province))
            let nationalSession = client.withToken(try await client.signIn(national))
            let nationalID = try await id(of: national, db), bothID = try await id(of: both, db), officerID = try await id(of: officer, db)

            for target in [nationalID, bothID] {
                #expect(try await provinceSession.post("/api/v1/accounts/\(target)/disable", "").status == .forbidden)
                #expect(try await provinceSession.post("/api/v1/accounts/\(target)/roles",
                                                       json(["role": "auditor", "unitId": fixture.communeA.description])).status == .forbidden)
            }
            #expect(try await db.query("SELECT count(*)::int FROM accounts WHERE disabled_at IS NOT NULL").decode(Int.self)[0] == 0)

            let listed = try await provinceSession.get("/api/v1/accounts?limit=100").items
            let shown = try #require(listed.first { $0["id"] as? String == nationalID.description })
            #expect((shown["roles"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["auditor"])
            let shownBoth = try #require(listed.first { $0["id"] as? String == bothID.description })
            #expect((shownBoth["roles"] as? [[String: Any]])?.count == 1)

            // Removing a role: the same rules as granting; audited with the unit.
            let remove = json(["role": "communeOfficer", "unitId": fixture.communeA.description])
            #expect(try await provinceSession.post("/api/v1/accounts/\(bothID)/roles/remove", remove).status == .forbidden)
            #expect(try await provinceSession.post("/api/v1/accounts/\(officerID)/roles/remove",
                                                   json(["role": "member", "unitId": fixture.villageA1.description])).status == .unprocessableContent)
            #expect(try await provinceSession.post("/api/v1/accounts/\(officerID)/roles/remove", remove).status == .noContent)
            #expect(try await PostgresAccountStore(client: db).placedAssignments(of: officerID).isEmpty)
            let removed = try await db.query("SELECT target, unit_path IS NOT NULL FROM audit_log WHERE action = 'role.removed'").decode((String, Bool).self)
            #expect(removed.count == 1 && removed[0].0 == officerID.description && removed[0].1)

            // Nobody disables or strips themselves.
            let own = try await nationalSession.post("/api/v1/accounts/\(nationalID)/disable", "")
            #expect(own.status == .conflict)
            #expect(try await nationalSession.post("/api/v1/accounts/\(nationalID)/roles/remove", json(["role": "nationalAdministrator"])).status == .conflict)
            #expect(try await nationalSession.get("/api/v1/auth/me").status == .ok)
            #expect(try await nationalSession.post("/api/v1/accounts/\(bothID)/disable", "").status == .noContent)
        }
    }

    /// Usernames that look like phone numbers are refused; an older one that exists loses to nobody: the
    /// login resolves to the username's account, always.
    @Test func loginsResolveDeterministicallyAndPhoneLikeUsernamesAreRefused() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let session = client.withToken(try await client.signIn(try await WorkFixture.makeAccount([RoleAssignment(role: .nationalAdministrator, unitID: nil)], db)))
            let refused = try await session.post("/api/v1/accounts", json([
                "username": "0912345678", "displayName": "A", "password": "long enough password",
                "roles": [["role": "communeOfficer", "unitId": fixture.communeA.description]]]))
            #expect(refused.status == .unprocessableContent && refused.fields == ["username"])

            let hash = try await db.query("SELECT password_hash FROM accounts LIMIT 1").decode(String.self)[0]
            let byPhone = ID<Account>(), byName = ID<Account>()
            try await db.execute("INSERT INTO accounts (id, phone, display_name, password_hash) VALUES (\(byPhone), '0912345678', 'By phone', \(hash))")
            try await db.execute("INSERT INTO accounts (id, username, display_name, password_hash) VALUES (\(byName), '0912345678', 'Legacy', \(hash))")
            for _ in 0..<5 {
                #expect(try await PostgresAccountStore(client: db).credentials(login: "0912345678")?.account.id == byName)
            }
            #expect(try await PostgresAccountStore(client: db).credentials(login: "+84 912 345 678")?.account.id == byPhone)
        }
    }
}
