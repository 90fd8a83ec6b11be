import CDTDomain
import CDTPostgres
import CDTTesting
import Foundation
import Testing

/// Memberships are read by team (`memberships_pkey`) and by member (`memberships_member`); the exclusion
/// constraint's GiST index only keeps a member from being on one team twice at once.
@Suite struct MembershipIndexTests {
    /// PostgreSQL prices a GiST probe on any of the index's columns alike, and GiST finds a value of a column
    /// that does not lead only by reading most of the index: with the ids as columns of the constraint's index,
    /// a member's places were probed through it, 12 s for a batch's 1,000 visits at national scale
    /// (docs/benchmarks.md, "Thirteenth round"). No GiST index of memberships may hold a team's or a member's
    /// id as a column of its own, except one that only a query naming its condition can use (one head per team).
    @Test func noGiSTIndexOfMembershipsOffersAProbeByTeamOrMember() async throws {
        let fixture = try await WorkFixture.make()
        let owner = fixture.database.makeClient()
        let offering = try await owner.query("""
            SELECT c.relname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
            JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = ANY(i.indkey)
            WHERE i.indrelid = 'memberships'::regclass AND a.amname = 'gist' AND i.indpred IS NULL
              AND att.attname IN ('team_id', 'member_id')
            """).decode(String.self)
        await owner.close()
        #expect(offering.isEmpty, "\(offering)")
    }

    /// The constraint keyed by the pair still refuses a member on one team twice at once, and still allows them
    /// back after they left, or on another team the same day.
    @Test func aMemberIsOnATeamOnceAtATime() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let owner = fixture.database.makeClient()
        let team = ID<Team>(), other = ID<Team>(), lan = ID<Member>()
        let outcomes = try await RowScope.$current.withValue(.everyProvince) {
            try await PostgresEventLog(client: owner, now: { WorkFixture.now }).append([
                make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),
                make.establish(other, in: fixture.villageA2, issuer: fixture.communeA),
                make.join(lan, team, in: fixture.villageA1, as: .head)])
        }
        #expect(outcomes.map(\.label) == ["accepted", "accepted", "accepted"], "\(outcomes)")
        func insert(_ team: ID<Team>, joinedOn day: String) async throws {
            try await owner.execute("""
                INSERT INTO memberships (team_id, member_id, province_id, role, joined_on)
                VALUES (\(team), \(lan), \(fixture.provinceA), 'member', \(CalendarDate(day)!))
                """)
        }
        let (refusal, stored) = try await RowScope.$current.withValue(.everyProvince) {
            var refusal: String?
            do {
                try await insert(team, joinedOn: "2025-08-05")
            } catch let error as PostgresError {
                refusal = error.constraint
            }
            try await insert(other, joinedOn: "2025-08-05")
            try await owner.execute("UPDATE memberships SET left_on = \(CalendarDate("2025-08-04")!) WHERE team_id = \(team) AND member_id = \(lan)")
            try await insert(team, joinedOn: "2025-08-05")
            let stored = try await owner.query("SELECT count(*) FROM memberships WHERE member_id = \(lan)").decode(Int.self)[0]
            return (refusal, stored)
        }
        await owner.close()
        #expect(refusal == "memberships_once_at_a_time", "a second membership of the same team overlapping the first")
        #expect(stored == 3)
    }
}
