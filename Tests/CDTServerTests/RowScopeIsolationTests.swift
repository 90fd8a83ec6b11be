import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Logging
import Testing

/// Row-level security over the identity tables and the audit log, the change scope, and the scope's
/// life on a pooled connection (issue 18, finding 8): each test connects as the application role, as
/// the server does, and shows PostgreSQL itself refusing.
@Suite struct RowScopeIsolationTests {
    static let identityTables = ["accounts", "sessions", "role_assignments", "module_role_assignments", "module_api_keys", "audit_log"]

    /// An administrator in each province with a live session, a module role and an audit entry, and a
    /// module API key.
    private struct Seeded {
        let fixture: WorkFixture
        let accountA: ID<Account>
        let accountB: ID<Account>
    }

    private func seeded() async throws -> Seeded {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let store = PostgresAccountStore(client: owner)
        var ids: [ID<Account>] = []
        for (province, commune) in [(fixture.provinceA, fixture.communeA), (fixture.provinceB, fixture.communeB)] {
            let login = try await WorkFixture.makeAccount([RoleAssignment(role: .provinceAdministrator, unitID: province)], owner)
            let account = try #require(try await store.credentials(login: login.name)).account.id
            ids.append(account)
            try await store.createSession(tokenHash: Data(UUID().uuidString.utf8), account: account, expiresAt: Date().addingTimeInterval(3600),
                                          enrollmentOnly: false, clientAddress: "test")
            try await PostgresModuleRoles(client: owner).assign("good-practices.curator", to: account, at: commune)
            try await PostgresAuditLog(client: owner).record(AuditEntry(accountID: account, clientAddress: "test", action: "test.entry", unitID: commune))
        }
        try await owner.execute("""
            INSERT INTO module_api_keys (id, module_id, actor_id, label, key_hash) VALUES (\(UUID()), 'test', 'partner', 'key', '\\x00')
            """)
        await owner.close()
        return Seeded(fixture: fixture, accountA: ids[0], accountB: ids[1])
    }

    @Test func withoutAScopeTheApplicationRoleSeesNoAccountSessionRoleKeyOrAuditEntry() async throws {
        let seeded = try await seeded()
        let owner = seeded.fixture.database.makeClient()
        let app = seeded.fixture.database.makeApplicationClient()
        for table in Self.identityTables {
            #expect(try await owner.query("SELECT count(*) FROM \(identifier: table)").decode(Int.self)[0] > 0, "\(table) holds rows")
            #expect(try await app.query("SELECT count(*) FROM \(identifier: table)").decode(Int.self) == [0], "\(table)")
        }
        // Nor can it change one.
        #expect(try await app.execute("UPDATE accounts SET display_name = 'x'") == 0)
        #expect(try await app.execute("UPDATE sessions SET revoked_at = now()") == 0)
        #expect(try await app.execute("DELETE FROM role_assignments") == 0)
        #expect(try await app.execute("DELETE FROM module_role_assignments") == 0)
        #expect(try await app.execute("UPDATE module_api_keys SET revoked_at = now()") == 0)
        #expect(try await owner.query("SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL").decode(Int.self) == [0])
        await app.close()
        await owner.close()
    }

    @Test func aProvinceScopeNeverSeesOrChangesAnotherProvincesAccountsRolesSessionsOrAuditEntries() async throws {
        let seeded = try await seeded()
        let (fixture, a, b) = (seeded.fixture, seeded.accountA, seeded.accountB)
        let app = fixture.database.makeApplicationClient()
        let owner = fixture.database.makeClient()
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            try Task.checkCancellation()
            #expect(try await app.query("SELECT id FROM accounts").decode(ID<Account>.self) == [a])
            #expect(try await app.query("SELECT DISTINCT account_id FROM role_assignments").decode(ID<Account>.self) == [a])
            #expect(try await app.query("SELECT DISTINCT account_id FROM sessions").decode(ID<Account>.self) == [a])
            #expect(try await app.query("SELECT DISTINCT account_id FROM module_role_assignments").decode(ID<Account>.self) == [a])
            #expect(try await app.query("SELECT DISTINCT province_id FROM audit_log").decode(ID<AdministrativeUnit>.self) == [fixture.provinceA])
            #expect(try await app.execute("UPDATE accounts SET display_name = 'x' WHERE id = \(b)") == 0)
            #expect(try await app.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(b)") == 0)
            #expect(try await app.execute("DELETE FROM role_assignments WHERE account_id = \(b)") == 0)
            await #expect(throws: PostgresError.self) {
                try await app.execute("""
                    INSERT INTO role_assignments (account_id, role, unit_id, province_id) VALUES (\(a), 'auditor', \(fixture.provinceB), \(fixture.provinceB))
                    """)
            }
            await #expect(throws: PostgresError.self) {
                try await app.execute("INSERT INTO module_role_assignments (account_id, role, unit_id) VALUES (\(a), 'good-practices.curator', \(fixture.communeB))")
            }
        }
        #expect(try await owner.query("SELECT display_name FROM accounts WHERE id = \(b)").decode(String.self) == ["Người thử"])
        #expect(try await owner.query("SELECT count(*) FROM role_assignments WHERE account_id = \(b)").decode(Int.self) == [1])
        await app.close()
        await owner.close()
    }

    @Test func noScopeOfTheApplicationRoleReadsPasswordHashesOrTOTPSecrets() async throws {
        let seeded = try await seeded()
        let app = seeded.fixture.database.makeApplicationClient()
        try await RowScope.$current.withValue(.everyProvince) {
            try Task.checkCancellation()
            #expect(try await app.query("SELECT count(*) FROM accounts").decode(Int.self) == [2])
            for statement in ["SELECT password_hash FROM accounts", "SELECT totp_secret FROM accounts", "SELECT * FROM accounts",
                              "SELECT id FROM accounts WHERE totp_secret IS NOT NULL"] {
                await #expect(throws: PostgresError.self, "\(statement)") { try await app.query(PostgresQuery(unsafeSQL: statement)) }
            }
            // The sign-in function answers only while signing in, and another account's secret never.
            #expect(try await app.query("SELECT count(*) FROM cdt_account_credentials('x', NULL)").decode(Int.self) == [0])
            #expect(try await app.query("SELECT cdt_account_totp_secret(\(seeded.accountB))").decode(String?.self) == [nil])
        }
        await app.close()
    }

    /// The seeded accounts, an application client of one connection (so every lease reuses it) and the
    /// owner's, with a team established in a village of each province.
    private func oneConnectionAndATeamInEachProvince() async throws -> (Seeded, PostgresClient, PostgresClient) {
        let seeded = try await seeded()
        let fixture = seeded.fixture
        let app = PostgresClient(configuration: .init(conninfo: fixture.database.applicationConninfo, maximumConnections: 1))
        let owner = fixture.database.makeClient()
        try await PostgresEventBulkLoader(client: owner).load([
            EventFactory().establish(ID(), in: fixture.villageA1, issuer: fixture.communeA),
            EventFactory().establish(ID(), in: fixture.villageB1, issuer: fixture.communeB),
        ])
        return (seeded, app, owner)
    }

    @Test func aPooledConnectionCarriesNoScopeIntoTheNextLease() async throws {
        let (seeded, app, owner) = try await oneConnectionAndATeamInEachProvince()
        let fixture = seeded.fixture
        // A lease with province A's scope, whose body widens it (as a module might) on the one connection.
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            try await app.withConnection { session in
                try await session.query("""
                    SELECT set_config('cdt.all_provinces', 'on', false), set_config('cdt.all_change_provinces', 'on', false),
                           set_config('cdt.account_id', \(seeded.accountB.description), false)
                    """)
                #expect(try await session.query("SELECT count(*) FROM teams").decode(Int.self) == [2])
            }
        }
        // The next lease with the same scope, on the same connection, sees exactly that scope again…
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            try Task.checkCancellation()
            #expect(try await app.query("SELECT DISTINCT province_id FROM teams").decode(ID<AdministrativeUnit>.self) == [fixture.provinceA])
            #expect(try await app.query("SELECT count(*) FROM accounts WHERE id = \(seeded.accountB)").decode(Int.self) == [0])
        }
        // …and one without a scope sees nothing.
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            try await app.withConnection { session in
                try await session.query("SELECT set_config('cdt.all_provinces', 'on', false), set_config('cdt.account_id', \(seeded.accountB.description), false)")
            }
        }
        #expect(try await app.query("SELECT count(*) FROM teams").decode(Int.self) == [0])
        #expect(try await app.query("SELECT count(*) FROM accounts").decode(Int.self) == [0])
        let left = try await app.query("""
            SELECT coalesce(current_setting('cdt.all_provinces', true), 'unset'), coalesce(current_setting('cdt.account_id', true), 'unset')
            """).decode((String, String).self)
        #expect(left.map { [$0.0, $0.1] } == [["off", ""]])
        #expect(app.poolStatistics.idle == 1)
        await app.close()
        await owner.close()
    }

    /// A lease's scope is sent with its first statement, on the same trip to the blocking pool: it holds
    /// whatever that first statement is (a transaction's BEGIN, SQL run as text), and a lease that ran
    /// nothing leaves the next one nothing either.
    @Test func theScopeHoldsFromALeasesFirstStatementWhateverItsKind() async throws {
        let (seeded, app, owner) = try await oneConnectionAndATeamInEachProvince()
        let fixture = seeded.fixture
        let widen: PostgresQuery = "SELECT set_config('cdt.all_provinces', 'on', false), set_config('cdt.all_change_provinces', 'on', false)"
        try await RowScope.$current.withValue(.everyProvince) {
            try await app.withConnection { session in try await session.query(widen) }
            // A lease that runs nothing: the connection goes back as the last statement left it.
            try await app.withConnection { _ in }
        }
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            let inTransaction = try await app.withTransaction { tx in
                try await tx.query("SELECT DISTINCT province_id FROM teams").decode(ID<AdministrativeUnit>.self)
            }
            #expect(inTransaction == [fixture.provinceA])
            try await app.withConnection { session in try await session.query(widen) }
            try await app.withConnection { session in
                try await session.execute(unsafeSQL: "SELECT 1")
                #expect(try await session.query("SELECT count(*) FROM teams").decode(Int.self) == [1])
            }
        }
        #expect(try await app.query("SELECT count(*) FROM teams").decode(Int.self) == [0])
        await app.close()
        await owner.close()
    }

    /// A lease whose first statement is in a transaction sets its scope before `BEGIN`: a scope set inside
    /// the transaction would be undone by its rollback, and the lease would go on under the previous lease's.
    @Test func theScopeOutlivesARollbackOfTheLeasesFirstTransaction() async throws {
        let (seeded, app, owner) = try await oneConnectionAndATeamInEachProvince()
        let fixture = seeded.fixture
        struct Undo: Error {}
        try await RowScope.$current.withValue(.everyProvince) { () async throws in
            #expect(try await app.query("SELECT count(*) FROM teams").decode(Int.self) == [2])
        }
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) { () async throws in
            try await app.withConnection { session throws in
                do {
                    try await session.withTransaction { tx in
                        _ = try await tx.query("SELECT count(*) FROM teams")
                        throw Undo()
                    }
                } catch is Undo {}
                #expect(try await session.query("SELECT count(*) FROM teams").decode(Int.self) == [1])
            }
        }
        await app.close()
        await owner.close()
    }

    @Test func writesUnderAViewOnlyScopeAreRefusedByPostgreSQL() async throws {
        let seeded = try await seeded()
        let fixture = seeded.fixture
        let owner = fixture.database.makeClient()
        let team = ID<Team>()
        try await PostgresEventBulkLoader(client: owner).load([
            EventFactory().establish(team, in: fixture.villageA1, issuer: fixture.communeA),
            EventFactory().register(ID(), in: fixture.villageA1),
        ])
        let app = fixture.database.makeApplicationClient()
        // An auditor's or a viewer's scope: reads province A, changes nowhere.
        let viewOnly = RowScope(allProvinces: false, provinceIDs: [fixture.provinceA.rawValue], changeProvinceIDs: [])
        try await RowScope.$current.withValue(viewOnly) {
            try Task.checkCancellation()
            #expect(try await app.query("SELECT count(*) FROM teams").decode(Int.self) == [1])
            #expect(try await app.query("SELECT count(*) FROM accounts").decode(Int.self) == [1])
            #expect(try await app.execute("UPDATE households SET size = 9") == 0)
            #expect(try await app.execute("UPDATE teams SET name = 'x'") == 0)
            #expect(try await app.execute("UPDATE accounts SET display_name = 'x'") == 0)
            #expect(try await app.execute("UPDATE sessions SET revoked_at = now()") == 0)
            #expect(try await app.execute("DELETE FROM role_assignments") == 0)
            await #expect(throws: PostgresError.self) {
                try await app.execute("""
                    INSERT INTO households (id, province_id, unit_id, size, registered_on)
                    VALUES (\(UUID()), \(fixture.provinceA), \(fixture.villageA1), 3, '2025-09-01')
                    """)
            }
            await #expect(throws: PostgresError.self) {
                try await app.execute("INSERT INTO accounts (id, username, display_name, password_hash) VALUES (\(UUID()), 'intruder', 'x', 'x')")
            }
        }
        #expect(try await owner.query("SELECT count(*) FROM households WHERE size = 9").decode(Int.self) == [0])
        #expect(try await owner.query("SELECT count(*) FROM teams WHERE name = 'x'").decode(Int.self) == [0])
        // The same province as a change scope writes.
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            try Task.checkCancellation()
            #expect(try await app.execute("UPDATE households SET size = 9") == 1)
        }
        await app.close()
        await owner.close()
    }

    @Test func aListThatForgetsItsScopeIsEmptyNotEverything() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        try await PostgresEventBulkLoader(client: owner).load([
            EventFactory().establish(ID(), in: fixture.villageA1, issuer: fixture.communeA),
            EventFactory().register(ID(), in: fixture.villageB1),
        ])
        let app = fixture.database.makeApplicationClient()
        let store = PostgresWorkStore(client: app), log = PostgresEventLog(client: app)
        try await RowScope.$current.withValue(.everyProvince) {
            try Task.checkCancellation()
            #expect(try await store.teams(matching: WorkFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await store.members(matching: WorkFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await store.households(matching: WorkFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await store.campaigns(matching: WorkFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await log.events(matching: EventFilter(), page: PageRequest()).items.isEmpty)
            var everywhere = WorkFilter()
            everywhere.within = .nationwide
            #expect(try await store.teams(matching: everywhere, page: PageRequest()).items.count == 1)
            #expect(try await store.households(matching: everywhere, page: PageRequest()).items.count == 1)
        }
        await app.close()
        await owner.close()
    }

    /// The province checks find a row's province in the scope's list as text (migration 0026): each province
    /// listed is seen, whatever its place in the list, and no other; an id written by hand in capitals
    /// lets nothing through rather than more (the server writes them in lower case).
    @Test func aScopeOfSeveralProvincesSeesEachOfThemAndNoOther() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let third = ID<AdministrativeUnit>()
        try await PostgresEventBulkLoader(client: owner).load([
            EventFactory().register(ID(), in: fixture.villageA1),
            EventFactory().register(ID(), in: fixture.villageB1),
        ])
        let app = fixture.database.makeApplicationClient()
        func provincesSeen(_ scope: RowScope) async throws -> Set<ID<AdministrativeUnit>> {
            try await RowScope.$current.withValue(scope) {
                Set(try await app.query("SELECT DISTINCT province_id FROM households").decode(ID<AdministrativeUnit>.self))
            }
        }
        let (a, b) = (fixture.provinceA, fixture.provinceB)
        #expect(try await provincesSeen(.provinces([a.rawValue, b.rawValue, third.rawValue])) == [a, b])
        #expect(try await provincesSeen(.provinces([third.rawValue, b.rawValue])) == [b])
        #expect(try await provincesSeen(.provinces([a.rawValue])) == [a])
        #expect(try await provincesSeen(.provinces([])) == [])
        let byHand = a.rawValue.uuidString + ", " + b.description
        let seenByHand = try await RowScope.$current.withValue(.provinces([a.rawValue])) {
            try await app.withConnection { session in
                try await session.query("SELECT set_config('cdt.provinces', \(byHand), false)")
                return try await session.query("SELECT DISTINCT province_id FROM households").decode(ID<AdministrativeUnit>.self)
            }
        }
        #expect(seenByHand == [b])
        await app.close()
        await owner.close()
    }

    @Test func theApplicationRoleCannotCreateObjectsInThePublicSchema() async throws {
        let seeded = try await seeded()
        let app = seeded.fixture.database.makeApplicationClient()
        await #expect(throws: PostgresError.self) { try await app.execute(unsafeSQL: "CREATE TABLE public.planted (id int)") }
        await #expect(throws: PostgresError.self) {
            try await app.execute(unsafeSQL: "CREATE FUNCTION public.cdt_province_allowed(text) RETURNS boolean LANGUAGE sql AS 'SELECT true'")
        }
        #expect(try await app.query("SELECT has_schema_privilege('public', 'CREATE')").decode(Bool.self) == [false])
        await app.close()
    }

    @Test func theServerRefusesToStartAsTheOwnerWithoutTheExplicitSetting() async throws {
        let fixture = try await WorkFixture.make()
        var configuration = ServerConfiguration(port: 0)
        configuration.databaseURL = fixture.database.conninfo
        let logger = Logger(label: "test")
        await #expect {
            try await ServerRunner.run(configuration: configuration, modules: try ModuleRegistry([]), logger: logger)
        } throws: { error in
            "\(error)".contains("refusing to serve as a role row-level security does not hold") && "\(error)".contains("allow-owner-role")
        }
        // The owner is caught; the application role, the default of the embedded cluster, passes; the
        // explicit setting lets the owner through with a warning.
        let owner = fixture.database.makeClient()
        let app = fixture.database.makeApplicationClient()
        #expect(try await ServingRole.bypass(of: owner) != nil)
        #expect(try await ServingRole.bypass(of: app) == nil)
        try await ServingRole.verify(owner, allowed: true, logger: logger)
        // The setting is read from the flag's key and from CDT_ALLOW_OWNER_ROLE.
        #expect(try ServerConfiguration(from: ConfigurationSources(environment: ["CDT_ALLOW_OWNER_ROLE": "true"])).allowOwnerRole)
        #expect(try ServerConfiguration(from: ConfigurationSources(flags: ["database.allow-owner-role": "true"])).allowOwnerRole)
        #expect(try !ServerConfiguration(from: ConfigurationSources()).allowOwnerRole)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(from: ConfigurationSources(environment: ["CDT_ALLOW_OWNER_ROLE": "maybe"])) }
        await owner.close()
        await app.close()
    }
}
