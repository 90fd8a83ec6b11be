import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import Testing

/// The core_v1 views and the kit's CoreReads over them: what a module reads of the core, under the same
/// row-level security as the tables, without personal data.
@Suite struct CoreViewsTests {
    struct Fixture {
        let harness: ModuleTestHarness
        let team = ID<Team>(), member = ID<Member>(), household = ID<Household>(), joined = UUID()
        var units: TestUnits { harness.units }

        /// A team in village A1 with one member (with a phone and a birth year), a household, and the
        /// member.joined event carrying the person, written as the tables' owner.
        static func make() async throws -> Fixture {
            let fixture = Fixture(harness: try await ModuleTestHarness.make([]))
            let u = fixture.units, owner = fixture.harness.owner
            _ = try await owner.execute("""
                INSERT INTO teams (id, province_id, unit_id, level, name, search_key, sort_key, decision_number, decision_date, decision_signer,
                                   issuing_unit_id, chat_link, established_on)
                VALUES (\(fixture.team), \(u.provinceA), \(u.villageA1), 'village', 'Tổ A1', 'to a1', '\\x01', '12/QĐ', '2025-08-01', 'Nguyễn Văn Ký',
                        \(u.communeA), 'https://zalo.me/g/secret', '2025-08-01')
                """)
            _ = try await owner.execute("""
                INSERT INTO members (id, province_id, name, search_key, sort_key, phone, gender, birth_year, affiliations)
                VALUES (\(fixture.member), \(u.provinceA), 'Trần Thị Bình', 'tran thi binh', '\\x01', '0912345678', 'female', 1990, '{youthUnion}')
                """)
            _ = try await owner.execute("""
                INSERT INTO memberships (team_id, member_id, province_id, role, joined_on) VALUES (\(fixture.team), \(fixture.member), \(u.provinceA), 'head', '2025-08-01')
                """)
            _ = try await owner.execute("""
                INSERT INTO households (id, province_id, unit_id, label, size, registered_on) VALUES (\(fixture.household), \(u.provinceA), \(u.villageA1), 'Số 12', 4, '2025-08-02')
                """)
            _ = try await owner.execute("""
                INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
                VALUES (\(fixture.joined), \(u.provinceA), \(u.villageA1), 'member.joined', 1, \(UUID()), now(), now(),
                        jsonb_build_object('teamId', \(fixture.team.description)::text, 'memberId', \(fixture.member.description)::text, 'role', 'head',
                                           'person', jsonb_build_object('name', 'Trần Thị Bình', 'phone', '0912345678')))
                """)
            return fixture
        }

        func reads<Result>(in provinces: [ID<AdministrativeUnit>], _ body: (CoreReads) async throws -> Result) async throws -> Result {
            try await RowScope.$current.withValue(.provinces(provinces.map(\.rawValue))) { try await body(CoreReads(harness.application)) }
        }
    }

    @Test func aUnitsPathProvinceAncestorsAndSubtree() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.harness.close() } }
        let u = f.units
        try await f.reads(in: [u.provinceB]) { (core: CoreReads) async throws -> Void in
            let village = try #require(try await core.unit(u.villageA1))
            #expect(village.level == "village" && village.provinceID == u.provinceA && village.parentID == u.communeA)
            #expect(village.pathIDs == [u.provinceA, u.communeA, u.villageA1])
            #expect(try await core.province(of: u.villageA1)?.id == u.provinceA)
            #expect(try await core.ancestors(of: u.villageA1).map(\.id) == [u.provinceA, u.communeA])
            #expect(Set(try await core.subtree(of: u.communeA).map(\.id)) == [u.communeA, u.villageA1, u.villageA2])
            #expect(try await core.subtree(of: u.communeA, inForceOn: CalendarDate("2025-01-01")!).isEmpty)
            #expect(Set(try await core.children(of: u.communeA, inForceOn: CalendarDate("2026-01-01")!).map(\.id)) == [u.villageA1, u.villageA2])
            #expect(try await core.lineage(of: u.villageA1).isEmpty)
            #expect(try await core.name(of: u.villageA1, on: CalendarDate("2026-01-01")!)?.name == village.name)
        }
    }

    @Test func teamsMembersHouseholdsAndEventsFollowTheRowScope() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.harness.close() } }
        let u = f.units
        try await f.reads(in: [u.provinceA]) { (core: CoreReads) async throws -> Void in
            #expect(try await core.team(f.team)?.unitID == u.villageA1)
            #expect(try await core.members(ofTeam: f.team, on: CalendarDate("2025-09-01")!).map(\.name) == ["Trần Thị Bình"])
            #expect(try await core.household(f.household)?.size == 4)
            let events = try await core.events(["member.joined"], under: u.communeA)
            #expect(events.map(\.id.rawValue) == [f.joined])
            let payload = try JSONSerialization.jsonObject(with: try #require(events.first).payload) as? [String: Any]
            #expect(payload?["memberId"] as? String == f.member.description && payload?["person"] == nil, "no person in member.joined")
            #expect(try await core.events(["household.visited"], under: u.communeA).isEmpty)
        }
        try await f.reads(in: [u.provinceB]) { (core: CoreReads) async throws -> Void in
            #expect(try await core.team(f.team) == nil)
            #expect(try await core.members(ofTeam: f.team, on: CalendarDate("2025-09-01")!).isEmpty)
            #expect(try await core.household(f.household) == nil)
            #expect(try await core.events(["member.joined"], under: u.communeA).isEmpty)
        }
        // Inside a session, under the session's scope.
        let team = try await RowScope.$current.withValue(.provinces([u.provinceA.rawValue])) {
            try await f.harness.application.withTransaction { try await CoreReads($0).team(f.team) }
        }
        #expect(team?.name == "Tổ A1")
    }

    @Test func theViewsLeavePersonalDataOutAndAreReadOnly() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.harness.close() } }
        let columns = try await f.harness.owner.query("""
            SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
            WHERE table_schema = 'core_v1' GROUP BY 1 ORDER BY 1
            """).decode((String, String).self)
        let byView = Dictionary(uniqueKeysWithValues: columns)
        #expect(byView["members"] == "id,province_id,name")
        // The log in the delivery's order: the transaction id after every earlier column (0025).
        #expect(byView["events"] == "position,id,province_id,unit_id,type,version,occurred_at,recorded_at,payload,transaction_id")
        #expect(byView["households"]?.contains("label") == false)
        #expect(byView["teams"]?.contains("decision_signer") == false && byView["teams"]?.contains("chat_link") == false)
        #expect(Set(byView.keys) == ["units", "unit_ancestors", "unit_lineage", "unit_names", "teams", "members", "memberships", "households",
                                     "campaigns", "trainings", "training_attendees", "events", "member_counter_identity",
                                     "lineage_version", "units_version"])
        // What a partner's counter sees of a member: the given name and the phone's last three digits only.
        #expect(byView["member_counter_identity"] == "member_id,province_id,given_name,phone_last3")
        let counter = try await f.reads(in: [f.units.provinceA]) { try await $0.counterIdentity(of: f.member) }
        #expect(counter?.givenName == "Bình" && counter?.phoneLast3 == "678")
        let elsewhere = try await f.reads(in: [f.units.provinceB]) { try await $0.counterIdentity(of: f.member) }
        #expect(elsewhere == nil)
        // Every view is security_invoker and commented.
        let options = try await f.harness.owner.query("""
            SELECT c.relname, coalesce(array_to_string(c.reloptions, ','), ''), obj_description(c.oid, 'pg_class') IS NOT NULL
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'core_v1' AND c.relkind = 'v'
            """).decode((String, String, Bool).self)
        for (view, option, commented) in options {
            #expect(option.contains("security_invoker=true") && commented, "\(view): \(option)")
        }
        // The application role reads them and cannot write through them.
        await #expect(throws: PostgresError.self) {
            try await RowScope.$current.withValue(.provinces([f.units.provinceA.rawValue])) {
                _ = try await f.harness.application.execute("UPDATE core_v1.teams SET name = 'x' WHERE id = \(f.team)")
            }
        }
    }

    /// The lineage's version grows with every statement that changes the links, inside its transaction, and
    /// with nothing else; the application role reads it and cannot set it.
    @Test func theLineageVersionGrowsWithEveryChangeOfTheLinksOnly() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.harness.close() } }
        let u = f.units, inProvinceA = RowScope.provinces([u.provinceA.rawValue])
        func version() async throws -> (UUID, Int64) {
            try await RowScope.$current.withValue(.noProvince) {
                try await f.harness.application.query("SELECT database_id, version FROM core_v1.lineage_version").decode((UUID, Int64).self)[0]
            }
        }
        let (database, start) = try await version()
        // A statement that changes no link leaves it alone.
        _ = try await f.harness.owner.execute("""
            INSERT INTO unit_lineage (predecessor_id, successor_id, kind, effective)
            SELECT \(u.villageA1), \(u.villageA2), 'merged', '2026-01-01' WHERE false
            """)
        #expect(try await version() == (database, start))
        // The application role links two villages of a province it may change (the policy's case): one more,
        // seen together with the link, not before its transaction commits.
        try await RowScope.$current.withValue(inProvinceA) {
            try await f.harness.application.withTransaction { tx in
                try await tx.execute("""
                    INSERT INTO unit_lineage (predecessor_id, successor_id, kind, effective) VALUES (\(u.villageA1), \(u.villageA2), 'merged', '2026-01-01')
                    """)
                #expect(try await tx.query("SELECT version FROM core_v1.lineage_version").decode(Int64.self) == [start + 1])
                #expect(try await version() == (database, start), "another transaction sees it at commit")
            }
        }
        #expect(try await version() == (database, start + 1))
        // An update and a delete each count once, however many links they touch.
        _ = try await f.harness.owner.execute("UPDATE unit_lineage SET effective = '2026-02-01' WHERE predecessor_id = \(u.villageA1)")
        #expect(try await version() == (database, start + 2))
        _ = try await f.harness.owner.execute("DELETE FROM unit_lineage WHERE predecessor_id = \(u.villageA1)")
        #expect(try await version() == (database, start + 3))
        _ = try await f.harness.owner.execute("DELETE FROM unit_lineage WHERE predecessor_id = \(u.villageA1)")
        #expect(try await version() == (database, start + 3), "a delete of nothing")
        // Read-only for the application role, directly and through the view.
        for statement in ["UPDATE lineage_version SET version = 0", "UPDATE core_v1.lineage_version SET version = 0"] {
            await #expect(throws: PostgresError.self, "\(statement)") {
                try await RowScope.$current.withValue(RowScope.everyProvince) { try await f.harness.application.execute(unsafeSQL: statement) }
            }
        }
    }
    /// The units' version grows with every statement that changes units, inside its transaction, and with
    /// nothing else; the application role reads it and cannot set it.
    @Test func theUnitsVersionGrowsWithEveryChangeOfTheUnitsOnly() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.harness.close() } }
        let u = f.units, inProvinceA = RowScope.provinces([u.provinceA.rawValue])
        func version() async throws -> (UUID, Int64) {
            try await RowScope.$current.withValue(.noProvince) {
                try await f.harness.application.query("SELECT database_id, version FROM core_v1.units_version").decode((UUID, Int64).self)[0]
            }
        }
        let (database, start) = try await version()
        // A statement that changes no unit, and work recorded in a unit, leave it alone.
        _ = try await f.harness.owner.execute("UPDATE administrative_units SET name = name || 'x' WHERE false")
        _ = try await f.harness.owner.execute("UPDATE unit_lineage SET effective = effective WHERE false")
        #expect(try await version() == (database, start))
        // The application role ends a village of a province it may change (the policy's case): one more, seen
        // with the change, not before its transaction commits.
        try await RowScope.$current.withValue(inProvinceA) {
            try await f.harness.application.withTransaction { tx in
                try await tx.execute("UPDATE administrative_units SET valid_until = '2026-06-01' WHERE id = \(u.villageA2)")
                #expect(try await tx.query("SELECT version FROM core_v1.units_version").decode(Int64.self) == [start + 1])
                #expect(try await version() == (database, start), "another transaction sees it at commit")
            }
        }
        #expect(try await version() == (database, start + 1))
        // An update of many units counts once.
        _ = try await f.harness.owner.execute("UPDATE administrative_units SET search_key = search_key WHERE province_id = \(u.provinceA)")
        #expect(try await version() == (database, start + 2))
        // Read-only for the application role, directly and through the view.
        for statement in ["UPDATE units_version SET version = 0", "UPDATE core_v1.units_version SET version = 0"] {
            await #expect(throws: PostgresError.self, "\(statement)") {
                try await RowScope.$current.withValue(RowScope.everyProvince) { try await f.harness.application.execute(unsafeSQL: statement) }
            }
        }
    }
}
