import CDTModuleKit
import Hummingbird

/// `GET /api/v1/auth/me`: the account (as ``AccountResponse``, phone in full) and who it is on the teams today.
struct CurrentAccountResponse: ResponseEncodable {
    var account: AccountResponse
    /// The caller's memberships today, from the member records with the account's phone; `[]` when none.
    var members: [CallerMembershipResponse]

    enum CodingKeys: String, CodingKey { case members }

    func encode(to encoder: any Encoder) throws {
        try account.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(members, forKey: .members)
    }
}

/// One team the signed-in account belongs to today, as a member.
struct CallerMembershipResponse: Encodable, Sendable {
    var memberId: String
    var name: String
    var teamId: String
    var teamName: String
    /// The team's unit: its village, or its commune for a commune-level team.
    var unitId: String
    /// `head`, `deputyHead` or `member`.
    var role: String
    var joinedOn: String

    init(_ row: CallerMemberLookup.Row) {
        memberId = row.member.memberID.description
        name = row.member.name
        teamId = row.member.teamID.description
        teamName = row.teamName
        unitId = row.member.teamUnitID.description
        role = row.member.role
        joinedOn = row.member.joinedOn.description
    }
}
