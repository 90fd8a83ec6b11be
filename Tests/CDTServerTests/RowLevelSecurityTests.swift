import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Testing

/// PostgreSQL's row-level security, the second wall: the role the server works as sees only the
/// provinces its transaction names.
@Suite struct RowLevelSecurityTests {
    static let tenantTables = ["teams", "members", "memberships", "households", "campaigns", "trainings", "training_attendees", "events", "event_ids"]

    /// Both provinces hold work: a team, a member, a household, a training, a campaign, their events.
    private func seeded() async throws -> WorkFixture {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let owner = fixture.database.makeClient()
        var events: [DomainEvent] = []
        for (village, commune, province) in [(fixture.villageA1, fixture.communeA, fixture.provinceA), (fixture.villageB1, fixture.communeB, fixture.provinceB)] {
            let team = ID<Team>(), member = ID<Member>()
            events += [
                make.establish(team, in: village, issuer: commune),
                make.join(member, team, in: village, as: .head),
                make.register(ID(), in: village),
                make.event(province, on: "2025-09-01", .trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Sở", topic: "VNeID", format: .online, attendeeIds: [member]))),
                make.event(province, on: "2025-09-02", .campaignLaunched(CampaignLaunched(
                    campaignId: ID(), name: "Chiến dịch", startsOn: CalendarDate("2025-10-01")!, endsOn: CalendarDate("2025-10-10")!, targetSkills: [.onlinePayment]))),
            ]
        }
        try await PostgresEventBulkLoader(client: owner).load(events)
        await owner.close()
        return fixture
    }

    @Test func withoutAScopeTheApplicationRoleSeesNoTenantRow() async throws {
        let fixture = try await seeded()
        let app = fixture.database.makeApplicationClient()
        let owner = fixture.database.makeClient()
        for table in Self.tenantTables {
            #expect(try await owner.query("SELECT count(*) FROM \(identifier: table)").decode(Int.self)[0] > 0, "\(table) holds rows")
            #expect(try await app.query("SELECT count(*) FROM \(identifier: table)").decode(Int.self) == [0], "\(table)")
        }
        // Nor can it change one: the update finds no row.
        #expect(try await app.execute("UPDATE households SET size = 1") == 0)
        #expect(try await owner.query("SELECT count(*) FROM households WHERE size = 1").decode(Int.self) == [0])
        await app.close()
        await owner.close()
    }

    @Test func withProvinceAItNeverSeesOrWritesARowOfProvinceB() async throws {
        let fixture = try await seeded()
        let app = fixture.database.makeApplicationClient()
        try await RowScope.$current.withValue(.provinces([fixture.provinceA.rawValue])) {
            for table in Self.tenantTables {
                let provinces = try await app.query("SELECT DISTINCT province_id FROM \(identifier: table)").decode(ID<AdministrativeUnit>.self)
                #expect(provinces == [fixture.provinceA], "\(table)")
            }
            await #expect(throws: PostgresError.self) {
                try await app.execute("""
                    INSERT INTO households (id, province_id, unit_id, size, registered_on)
                    VALUES (\(UUID()), \(fixture.provinceB), \(fixture.villageB1), 3, '2025-09-01')
                    """)
            }
        }
        let everywhere = try await RowScope.$current.withValue(.everyProvince) {
            try await app.query("SELECT count(DISTINCT province_id) FROM teams").decode(Int.self)
        }
        #expect(everywhere == [2])
        await app.close()
    }

    @Test func theApplicationRoleOwnsNothingBypassesNothingAndCannotRewriteTheLogs() async throws {
        let fixture = try await seeded()
        let app = fixture.database.makeApplicationClient()
        let (superuser, bypass) = try await app.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").decode((Bool, Bool).self)[0]
        #expect(!superuser && !bypass)
        #expect(try await app.query("SELECT count(*) FROM pg_tables WHERE tableowner = current_user").decode(Int.self) == [0])
        try await RowScope.$current.withValue(.everyProvince) {
            for statement in ["UPDATE events SET version = 2", "DELETE FROM events", "DELETE FROM audit_log", "UPDATE audit_log SET action = 'x'", "TRUNCATE events"] {
                await #expect(throws: PostgresError.self, "\(statement)") { try await app.execute(unsafeSQL: statement) }
            }
        }
        await app.close()
    }
}
