import CDTDomain
import CDTModuleKit
import CDTPostgres

/// Who a signed-in account is on the teams, for modules (``CDTModuleKit/ModuleRequestContext/callerMembers()``)
/// and for `GET /api/v1/auth/me`: the member records that carry the account's phone number (not erased), each
/// with every team they belong to on `day` whose team has not ended. Runs under the request's row scope, so
/// only the provinces the caller (or the module) may read show.
struct CallerMemberLookup: Sendable {
    let client: PostgresClient

    /// One membership of the caller on `day`, with its team's name.
    struct Row: Sendable {
        var member: CallerMember
        var teamName: String
    }

    /// The memberships on `day` of the members whose phone is `phone` (national form, `0` and nine digits).
    func members(withPhone phone: String, on day: CalendarDate) async throws -> [CallerMember] {
        try await memberships(withPhone: phone, on: day).map(\.member)
    }

    /// The same memberships, each with its team's name.
    func memberships(withPhone phone: String, on day: CalendarDate) async throws -> [Row] {
        try await client.query("""
            SELECT m.id, m.name, t.id, t.unit_id, s.role, m.province_id, s.joined_on, t.name
            FROM members m
            JOIN memberships s ON s.member_id = m.id AND s.joined_on <= \(day) AND (s.left_on IS NULL OR s.left_on > \(day))
            JOIN teams t ON t.id = s.team_id AND t.established_on <= \(day) AND (t.ended_on IS NULL OR t.ended_on > \(day))
            WHERE m.phone = \(phone) AND m.erased_at IS NULL
            ORDER BY s.joined_on, t.id
            """).decode((ID<Member>, String, ID<Team>, ID<AdministrativeUnit>, String, ID<AdministrativeUnit>, CalendarDate, String).self).map {
                Row(member: CallerMember(memberID: $0.0, name: $0.1, teamID: $0.2, teamUnitID: $0.3, role: $0.4, provinceID: $0.5, joinedOn: $0.6),
                    teamName: $0.7)
            }
    }
}
