import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Sessions cached for seconds, revocation still immediate: through the real router, against a real
/// PostgreSQL, with the cache's listener running as `cdt serve` runs it.
@Suite struct SessionCacheTests {
    /// Runs `body` with an anonymous client of an app whose session cache listens on `conninfo` (the test
    /// database by default), a client as the tables' owner, and the cache. Entries live 10 minutes here, so
    /// only a notice or this process's own change can end one within a test.
    func withListeningApp(_ fixture: WorkFixture, listeningOn conninfo: String? = nil, waitForListener: Bool = true,
                          _ body: @Sendable (APIClient, PostgresClient, SessionCache) async throws -> Void) async throws {
        let cache = SessionCache(timeToLive: .seconds(600))
        let listener = SessionRevocationListener(cache: cache, conninfo: conninfo ?? fixture.database.applicationConninfo, logger: Logger(label: "test"))
        try await fixture.withAnonymousApp(revocations: listener) { anonymous, db in
            if waitForListener { #expect(try await eventually { cache.isActive }, "the listener connects") }
            try await body(anonymous, db, cache)
        }
    }

    /// Uses every one of `sessions` until the cache holds them all at once. Any account write of a test
    /// running beside in this process empties the cache, so each round uses them all again (using only
    /// the last could wait forever for one emptied meanwhile), for as long as the busy suite needs.
    static func useUntilCached(_ sessions: APIClient..., in cache: SessionCache) async throws {
        let cached = try await eventually(within: .seconds(60)) { () async throws -> Bool in
            for session in sessions {
                let status = try await session.get("/api/v1/auth/me").status
                #expect(status == .ok)
            }
            return cache.count >= sessions.count
        }
        #expect(cached, "the sessions are cached")
    }

    static func officer(_ fixture: WorkFixture, _ db: PostgresClient) async throws -> WorkFixture.Login {
        try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
    }

    @Test func aLogoutIsRefusedOnTheVeryNextRequest() async throws {
        let fixture = try await WorkFixture.make()
        try await withListeningApp(fixture) { anonymous, db, cache in
            let officer = try await Self.officer(fixture, db)
            let first = anonymous.withToken(try await anonymous.signIn(officer))
            try await Self.useUntilCached(first, in: cache)
            #expect(try await first.post("/api/v1/auth/logout", "").status == .noContent)
            #expect(try await first.get("/api/v1/teams").status == .unauthorized)

            let second = anonymous.withToken(try await anonymous.signIn(officer))
            let third = anonymous.withToken(try await anonymous.signIn(officer))
            try await Self.useUntilCached(second, third, in: cache)
            #expect(try await second.post("/api/v1/auth/logout-everywhere", "").status == .noContent)
            #expect(try await third.get("/api/v1/teams").status == .unauthorized)
        }
    }

    /// Revoked by another process (here plain SQL, which this process's stores know nothing of): refused
    /// as soon as the trigger's notice arrives, long before the entry's 10 minutes are up.
    @Test func aSessionRevokedElsewhereIsRefusedWithinAShortWait() async throws {
        let fixture = try await WorkFixture.make()
        try await withListeningApp(fixture) { anonymous, db, cache in
            let officer = try await Self.officer(fixture, db)
            let session = anonymous.withToken(try await anonymous.signIn(officer))
            try await Self.useUntilCached(session, in: cache)
            try await db.execute("UPDATE sessions SET revoked_at = now()")
            #expect(try await eventually(within: .seconds(3)) { try await session.get("/api/v1/teams").status == .unauthorized })

            // The same for a role removed and an account disabled by plain SQL.
            let other = try await WorkFixture.makeAccount([RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)], db)
            let otherSession = anonymous.withToken(try await anonymous.signIn(other))
            try await Self.useUntilCached(otherSession, in: cache)
            try await db.execute("DELETE FROM role_assignments WHERE account_id = \(other.accountID)")
            #expect(try await eventually(within: .seconds(3)) { try await otherSession.get("/api/v1/teams").status == .forbidden })
            try await Self.useUntilCached(otherSession, in: cache)
            try await db.execute("UPDATE accounts SET disabled_at = now() WHERE id = \(other.accountID)")
            #expect(try await eventually(within: .seconds(3)) { try await otherSession.get("/api/v1/auth/me").status == .unauthorized })
        }
    }

    @Test func disablingAnAccountTakesEffectAtOnce() async throws {
        let fixture = try await WorkFixture.make()
        try await withListeningApp(fixture) { anonymous, db, cache in
            let officer = try await Self.officer(fixture, db)
            let session = anonymous.withToken(try await anonymous.signIn(officer))
            try await Self.useUntilCached(session, in: cache)
            try await AccountAdministration(client: db).disable(login: officer.name)
            #expect(try await session.get("/api/v1/auth/me").status == .unauthorized)
        }
    }

    @Test func aPasswordChangeEndsTheOtherSessionsAtOnce() async throws {
        let fixture = try await WorkFixture.make()
        try await withListeningApp(fixture) { anonymous, db, cache in
            let officer = try await Self.officer(fixture, db)
            let this = anonymous.withToken(try await anonymous.signIn(officer))
            let other = anonymous.withToken(try await anonymous.signIn(officer))
            try await Self.useUntilCached(this, other, in: cache)
            let change = #"{"currentPassword": "\#(officer.password)", "newPassword": "a brand new passphrase"}"#
            #expect(try await this.post("/api/v1/auth/password", change).status == .noContent)
            #expect(try await other.get("/api/v1/auth/me").status == .unauthorized)
            #expect(try await this.get("/api/v1/auth/me").status == .ok)
        }
    }

    @Test func aRoleRemovedOrGrantedTakesEffectAtOnce() async throws {
        let fixture = try await WorkFixture.make()
        try await withListeningApp(fixture) { anonymous, db, cache in
            let officer = try await Self.officer(fixture, db)
            let id = try #require(officer.accountID)
            let session = anonymous.withToken(try await anonymous.signIn(officer))
            try await Self.useUntilCached(session, in: cache)
            #expect(try await session.get("/api/v1/teams").status == .ok)
            // A role that requires two-factor sign-in, granted: the session may only turn it on.
            let provinceAdministrator = RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)
            try await PostgresAccountStore(client: db).assign(provinceAdministrator, to: id, by: nil)
            #expect(try await session.get("/api/v1/teams").status == .forbidden)
            try await PostgresAccountStore(client: db).unassign(provinceAdministrator, from: id)
            try await Self.useUntilCached(session, in: cache)
            #expect(try await session.get("/api/v1/teams").status == .ok)
            // The only role removed: nothing is allowed any more.
            try await PostgresAccountStore(client: db).unassign(RoleAssignment(role: .communeOfficer, unitID: fixture.communeA), from: id)
            #expect(try await session.get("/api/v1/teams").status == .forbidden)
        }
    }

    /// This process's own changes empty the cache by themselves, before any notice: here the cache is told
    /// its listener is connected while none is, so no notice ever comes.
    @Test func thisProcesssOwnChangesEmptyTheCacheWithoutANotice() async throws {
        let fixture = try await WorkFixture.make()
        let db = fixture.database.makeClient(), served = fixture.database.makeApplicationClient()
        defer { Task { await db.close(); await served.close() } }
        let cache = SessionCache(timeToLive: .seconds(600))
        cache.listenerConnected()
        let sessions = PostgresAccountStore(client: served, sessionCache: cache), owner = PostgresAccountStore(client: db)
        let officer = try await Self.officer(fixture, db)
        let id = try #require(officer.accountID)
        func open() async throws -> Data {
            let hash = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
            try await sessions.createSession(tokenHash: hash, account: id, expiresAt: Date() + 3600, enrollmentOnly: false, clientAddress: nil)
            #expect(try await eventually { try await sessions.session(tokenHash: hash) != nil && cache.count > 0 }, "cached")
            return hash
        }
        let first = try await open()
        try await owner.revoke(tokenHash: first)
        #expect(try await sessions.session(tokenHash: first) == nil)

        let second = try await open()
        // The access a lookup carries is worked out from its assignments, and goes with them.
        #expect(try await sessions.session(tokenHash: second)?.access.scope(for: .change).isEmpty == false)
        try await owner.unassign(RoleAssignment(role: .communeOfficer, unitID: fixture.communeA), from: id)
        let narrowed = try await sessions.session(tokenHash: second)
        #expect(narrowed?.placedAssignments.isEmpty == true)
        #expect(narrowed?.access.scope(for: .change).isEmpty == true && narrowed?.access.scope(for: .view).isEmpty == true)

        _ = try await sessions.session(tokenHash: second)
        try await owner.disable(id)
        #expect(try await sessions.session(tokenHash: second) == nil)
    }

    /// A listener that cannot connect: nothing is cached, so a change made anywhere counts at once.
    @Test func withTheListenerDownNothingIsCached() async throws {
        let fixture = try await WorkFixture.make()
        try await withListeningApp(fixture, listeningOn: "postgresql://127.0.0.1:1/nowhere?connect_timeout=1", waitForListener: false) { anonymous, db, cache in
            let officer = try await Self.officer(fixture, db)
            let session = anonymous.withToken(try await anonymous.signIn(officer))
            for _ in 0..<3 { #expect(try await session.get("/api/v1/auth/me").status == .ok) }
            #expect(!cache.isActive && cache.count == 0)
            try await db.execute("UPDATE sessions SET revoked_at = now()")
            #expect(try await session.get("/api/v1/auth/me").status == .unauthorized)
        }
    }
}
