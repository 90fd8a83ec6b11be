import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Signing in and out through the real router against a real PostgreSQL.
@Suite struct AuthTests {
    /// Runs `body` with an unauthenticated client of a fresh app, and the database.
    @Test func wrongPasswordsAndUnknownAccountsGetTheSameAnswerAndSignInIsThrottled() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let wrong = try await client.post("/api/v1/auth/login", signInBody(officer.name, "not the password at all"))
            let unknown = try await client.post("/api/v1/auth/login", signInBody("nobody-here", "not the password at all"))
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.text == unknown.text)
            let right = try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password))
            #expect(right.status == .ok && right.json["twoFactorSetupRequired"] as? Bool == false)
            // After three free failures each one makes the next attempt wait, even with the right password,
            // before any hashing: the fifth try in a row is held back and not checked.
            for _ in 0..<5 { _ = try await client.post("/api/v1/auth/login", signInBody(officer.name, "wrong wrong wrong")) }
            let held = try await client.post("/api/v1/auth/login", signInBody(officer.name, officer.password))
            #expect(held.status == .tooManyRequests)
            let failures = try await db.query("SELECT count(*) FROM audit_log WHERE action = 'login.failed'").decode(Int.self)[0]
            #expect(failures == 6)
        }
    }

    /// The browser form: any body, however malformed, gets the form again, never a crash; the right
    /// credentials set the GET-only session cookie and go back where the browser was going.
    @Test func theSignInFormTakesAnyBodyAndSetsTheCookie() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { client, db in
            let user = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let credentials = "login=\(user.name)&password=\(user.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            for body in ["login=a b&password=x", "login=%&password=%zz", "login=Đ#\"&password=\u{1F600}", "&&==&", ""] {
                let answer = try await client.post("/api/v1/auth/signin", body, contentType: "application/x-www-form-urlencoded")
                #expect([400, 401].contains(answer.status.code), "\(body): \(answer.status)")
                #expect(answer.contentType == "text/html; charset=utf-8")
            }
            let signedIn = try await client.post(
                "/api/v1/auth/signin", "\(credentials)&next=%2Fapi%2Fv1%2Fauth%2Fme",
                contentType: "application/x-www-form-urlencoded")
            #expect(signedIn.status == .seeOther)
        }
    }

    @Test func tokensEndWithLogoutLogoutEverywhereExpiryAndDisabling() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { anonymous, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            #expect(try await anonymous.get("/api/v1/teams").status == .unauthorized)
            #expect(try await anonymous.withToken("made-up").get("/api/v1/teams").status == .unauthorized)
            #expect(try await anonymous.get("/api/v1/units?level=province").status == .ok)  // public

            let first = anonymous.withToken(try await anonymous.signIn(officer))
            let second = anonymous.withToken(try await anonymous.signIn(officer))
            #expect(try await first.get("/api/v1/teams").status == .ok)
            #expect(try await first.post("/api/v1/auth/logout", "").status == .noContent)
            #expect(try await first.get("/api/v1/teams").status == .unauthorized)
            #expect(try await second.get("/api/v1/auth/me").json["username"] as? String == officer.name)
            #expect(try await second.post("/api/v1/auth/logout-everywhere", "").status == .noContent)
            #expect(try await second.get("/api/v1/teams").status == .unauthorized)

            let third = anonymous.withToken(try await anonymous.signIn(officer))
            try await db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL")
            #expect(try await third.get("/api/v1/teams").status == .unauthorized)

            let fourth = anonymous.withToken(try await anonymous.signIn(officer))
            try await AccountAdministration(client: db).disable(login: officer.name)
            #expect(try await fourth.get("/api/v1/teams").status == .unauthorized)
            #expect(try await anonymous.post("/api/v1/auth/login", signInBody(officer.name, officer.password)).status == .unauthorized)
        }
    }

    @Test func administratorsMustTurnOnTwoFactorSignIn() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { anonymous, db in
            let admin = try await AccountAdministration(client: db).createAccount(
                username: "tinh-a-admin", phone: "0912000111", displayName: "Quản trị tỉnh A", password: "mật khẩu thật dài 2026",
                roles: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)])
            let first = try await anonymous.post("/api/v1/auth/login", signInBody("0912 000 111", "mật khẩu thật dài 2026"))
            #expect(first.json["twoFactorSetupRequired"] as? Bool == true)
            let enrolling = anonymous.withToken(first.json["token"] as? String)
            #expect(try await enrolling.get("/api/v1/teams").status == .forbidden)
            let setup = try await enrolling.post("/api/v1/auth/two-factor", #"{"password": "mật khẩu thật dài 2026"}"#)
            let secret = try #require(setup.json["secret"] as? String)
            #expect((setup.json["otpauthURL"] as? String)?.hasPrefix("otpauth://totp/") == true)
            #expect(try await enrolling.post("/api/v1/auth/two-factor/confirm", #"{"code": "000000x"}"#).status == .unprocessableContent)
            let now = Date()
            #expect(try await enrolling.post("/api/v1/auth/two-factor/confirm", #"{"code": ""# + TwoFactorCodes.code(secret: secret, at: now) + #""}"#).status == .ok)
            #expect(try await enrolling.get("/api/v1/auth/me").status == .unauthorized)  // the enrolment session ended
            #expect(try await anonymous.post("/api/v1/auth/login", signInBody("tinh-a-admin", "mật khẩu thật dài 2026")).status == .unauthorized)
            // The code that confirmed is spent; the next step's is good.
            let signedIn = try await anonymous.post("/api/v1/auth/login", signInBody("tinh-a-admin", "mật khẩu thật dài 2026", code: TwoFactorCodes.code(secret: secret, at: now + 30)))
            #expect(signedIn.status == .ok && signedIn.json["twoFactorSetupRequired"] as? Bool == false)
            #expect(try await anonymous.withToken(signedIn.json["token"] as? String).get("/api/v1/teams").status == .ok)
            _ = admin
        }
    }

    @Test func noPasswordIsStoredOrLogged() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { anonymous, db in
            let officer = try await WorkFixture.makeAccount([RoleAssignment(role: .member, unitID: fixture.villageA1)], db)
            _ = try await anonymous.signIn(officer)
            let stored = try await db.query("SELECT password_hash FROM accounts WHERE username = \(officer.name)").decode(String.self)[0]
            // bcrypt at this process's cost (tests lower it; a server keeps the standard 12).
            #expect(stored.hasPrefix("$2b$\(String(format: "%02d", Passwords.cost))$") && !stored.contains(officer.password))
            #expect(Passwords.standardCost == 12)
            let audit = try await db.query("SELECT details::text || coalesce(target, '') FROM audit_log").decode(String.self).joined()
            #expect(!audit.contains(officer.password))
        }
    }

    @Test func answersCarrySecurityHeadersAndNoCORSPermission() async throws {
        let fixture = try await WorkFixture.make()
        try await fixture.withAnonymousApp() { anonymous, _ in
            for (method, uri) in [(HTTPRequest.Method.get, "/api/v1/units?level=province"), (.options, "/api/v1/events"), (.get, "/api/v1/teams")] {
                try await anonymous.client.execute(uri: uri, method: method, headers: [HTTPField.Name("Origin")!: "https://evil.example"]) { response in
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                    #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                    #expect(response.headers[.cacheControl] == "no-store")
                    #expect(response.headers[.accessControlAllowOrigin] == nil, "\(method) \(uri) allows another origin")
                    let body = String(buffer: response.body)
                    #expect(!body.contains("SELECT") && !body.contains(".swift"), "\(uri) leaks internals")
                }
            }
        }
    }
}
