import CDTDomain
import Hummingbird

/// Teams and their members, read-only (changes are events):
/// - `GET /api/v1/teams?under=&activeOn=&q=&limit=&cursor=`: teams in Vietnamese order of name.
/// - `GET /api/v1/teams/{id}`, `GET /api/v1/teams/{id}/memberships?activeOn=`.
/// - `GET /api/v1/members?under=&activeOn=&q=`: members of teams in a subtree.
/// - `GET /api/v1/members/{id}`, `GET /api/v1/members/{id}/memberships?activeOn=`.
struct TeamController: Sendable {
    let store: any WorkStore

    func addRoutes(teams: RouterGroup<AppRequestContext>, members: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("", on: teams, access: .viewWork, use: listTeams)
        checkpoint.get("{id}", on: teams, access: .viewWork, use: team)
        checkpoint.get("{id}/memberships", on: teams, access: .viewWork, use: teamMemberships)
        checkpoint.get("", on: members, access: .viewWork, use: listMembers)
        checkpoint.get("{id}", on: members, access: .viewWork, use: member)
        checkpoint.get("{id}/memberships", on: members, access: .viewWork, use: memberMemberships)
    }

    @Sendable func listTeams(_ request: Request, context: AppRequestContext) async throws -> PageResponse<TeamResponse> {
        try await workList(request, supports: [.under, .activeOn, .q], cursor: [.hex, .uuid], fetch: store.teams(matching:page:), as: TeamResponse.init)
    }

    @Sendable func team(_ request: Request, context: AppRequestContext) async throws -> TeamResponse {
        let id = try PathID.parse(context, as: Team.self, name: "team")
        return try found(try await store.team(id), "team", id, TeamResponse.init)
    }

    @Sendable func teamMemberships(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MembershipResponse> {
        let id = try PathID.parse(context, as: Team.self, name: "team")
        _ = try found(try await store.team(id), "team", id) { $0 }
        return try await memberships(request, team: id, member: nil)
    }

    @Sendable func listMembers(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MemberResponse> {
        try await workList(request, supports: [.under, .activeOn, .q], cursor: [.hex, .uuid], fetch: store.members(matching:page:), as: MemberResponse.init)
    }

    @Sendable func member(_ request: Request, context: AppRequestContext) async throws -> MemberResponse {
        let id = try PathID.parse(context, as: Member.self, name: "member")
        return try found(try await store.member(id), "member", id, MemberResponse.init)
    }

    @Sendable func memberMemberships(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MembershipResponse> {
        let id = try PathID.parse(context, as: Member.self, name: "member")
        _ = try found(try await store.member(id), "member", id) { $0 }
        return try await memberships(request, team: nil, member: id)
    }

    private func memberships(_ request: Request, team: ID<Team>?, member: ID<Member>?) async throws -> PageResponse<MembershipResponse> {
        var parameters = QueryParameters(request)
        let activeOn = parameters.optionalDate("activeOn")
        let page = parameters.page(cursor: [.date, .uuid, .uuid])
        try parameters.validate()
        let result = try await store.memberships(team: team, member: member, activeOn: activeOn, page: page)
        return PageResponse(items: result.items.map(MembershipResponse.init), nextCursor: result.next?.token)
    }
}
