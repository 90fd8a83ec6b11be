import CDTModuleKit
import CDTDomain
import Foundation
import Hummingbird

/// Teams and their members, read-only (changes are events):
/// - `GET /api/v1/teams?under=&activeOn=&q=&limit=&cursor=`: teams in Vietnamese order of name.
/// - `GET /api/v1/teams/{id}`, `GET /api/v1/teams/{id}/memberships?activeOn=`.
/// - `GET /api/v1/members?under=&activeOn=&q=`: members of teams in a subtree.
/// - `GET /api/v1/members/{id}`, `GET /api/v1/members/{id}/memberships?activeOn=`.
/// - `GET /api/v1/members/{id}/progress`: the member's visits this week and this month (``MemberProgressResponse``).
struct TeamController: Sendable {
    let store: any WorkStore
    let visibility: Visibility
    /// Today in Vietnam, which the progress's week and month end on.
    var today: @Sendable () -> CalendarDate = { CalendarDate(Date()) }

    func addRoutes(teams: RouterGroup<AppRequestContext>, members: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("", on: teams, access: .viewWork, use: listTeams)
        checkpoint.get("{id}", on: teams, access: .viewWork, use: team)
        checkpoint.get("{id}/memberships", on: teams, access: .viewWork, use: teamMemberships)
        checkpoint.get("", on: members, access: .viewWork, use: listMembers)
        checkpoint.get("{id}", on: members, access: .viewWork, use: member)
        checkpoint.get("{id}/memberships", on: members, access: .viewWork, use: memberMemberships)
        checkpoint.get("{id}/progress", on: members, access: .viewWork, use: memberProgress)
    }

    @Sendable func listTeams(_ request: Request, context: AppRequestContext) async throws -> PageResponse<TeamResponse> {
        try await workList(request, context, supports: [.under, .activeOn, .q], cursor: [.hex, .uuid], fetch: store.teams(matching:page:), as: TeamResponse.init)
    }

    @Sendable func team(_ request: Request, context: AppRequestContext) async throws -> TeamResponse {
        TeamResponse(try await visibleTeam(context))
    }

    @Sendable func teamMemberships(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MembershipResponse> {
        let team = try await visibleTeam(context)
        return try await memberships(request, team: team.id, member: nil)
    }

    @Sendable func listMembers(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MemberResponse> {
        let page = try await workList(request, context, supports: [.under, .activeOn, .q], cursor: [.hex, .uuid],
                                      fetch: store.members(matching:page:), as: { $0 })
        let disclosure = try await MemberDisclosure.of(page.items.map(\.id), to: try context.requireCaller(), store: store)
        return PageResponse(items: page.items.compactMap(disclosure.shown), nextCursor: page.nextCursor)
    }

    /// The member in the path as the caller is shown them, if the caller may see them (a member of a team
    /// in their view scope), else 404.
    private func visibleMember(_ context: AppRequestContext) async throws -> (Member, MemberResponse) {
        let id = try PathID.parse(context, as: Member.self, name: "member")
        let member = try found(try await store.member(id), "member", id) { $0 }
        guard let shown = try await MemberDisclosure.of([id], to: try context.requireCaller(), store: store).shown(member) else {
            throw ProblemDetails(status: .notFound, detail: "No member has id \(id).")
        }
        return (member, shown)
    }

    /// The team in the path, if it works inside the caller's view scope, else 404.
    private func visibleTeam(_ context: AppRequestContext) async throws -> Team {
        let id = try PathID.parse(context, as: Team.self, name: "team")
        let team = try found(try await store.team(id), "team", id) { $0 }
        try await visibility.requireVisible(team.unitID, to: try context.requireCaller(), notFound: "No team has id \(id).")
        return team
    }

    @Sendable func member(_ request: Request, context: AppRequestContext) async throws -> MemberResponse {
        try await visibleMember(context).1
    }

    /// A member's memberships on teams the caller views (a member's teams elsewhere are not told).
    @Sendable func memberMemberships(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MembershipResponse> {
        let (member, _) = try await visibleMember(context)
        return try await memberships(request, team: nil, member: member.id, within: try context.requireCaller().access.scope(for: .view))
    }

    /// What the member's visits came to from Monday of this week and from the 1st of this month to today
    /// (days in Vietnam); a member the caller does not view is 404.
    @Sendable func memberProgress(_ request: Request, context: AppRequestContext) async throws -> MemberProgressResponse {
        let (member, _) = try await visibleMember(context)
        let today = today()
        let week = today.startOfWeek...today, month = today.startOfMonth...today
        let scope = try context.requireCaller().access.scope(for: .view)
        let tallies = try await store.visitTallies(of: member.id, in: [week, month], within: scope)
        return MemberProgressResponse(memberId: member.id.description,
                                      week: .init(week, tallies[0]), month: .init(month, tallies[1]))
    }

    private func memberships(_ request: Request, team: ID<Team>?, member: ID<Member>?, within scope: AccessScope? = nil) async throws -> PageResponse<MembershipResponse> {
        var parameters = QueryParameters(request)
        let activeOn = parameters.optionalDate("activeOn")
        let page = parameters.page(cursor: [.date, .uuid, .uuid])
        try parameters.validate()
        let result = try await store.memberships(team: team, member: member, activeOn: activeOn, within: scope, page: page)
        return PageResponse(items: result.items.map(MembershipResponse.init), nextCursor: result.next?.token)
    }
}
