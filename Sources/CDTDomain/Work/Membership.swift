/// A member's place on a team with one role over a period. A role change ends one membership and
/// starts another on the same day, so the history of roles is kept.
public struct Membership: Hashable, Codable, Sendable {
    public let teamID: ID<Team>
    public let memberID: ID<Member>
    public let role: TeamRole
    public let joinedOn: CalendarDate
    /// The day the member left (or changed role); a member is on the team before that day.
    public var leftOn: CalendarDate?

    public init(teamID: ID<Team>, memberID: ID<Member>, role: TeamRole, joinedOn: CalendarDate, leftOn: CalendarDate? = nil) {
        self.teamID = teamID
        self.memberID = memberID
        self.role = role
        self.joinedOn = joinedOn
        self.leftOn = leftOn
    }

    /// Whether the membership holds on `date`.
    public func holds(on date: CalendarDate) -> Bool {
        joinedOn <= date && (leftOn.map { date < $0 } ?? true)
    }
}

public enum TeamRole: String, Codable, Sendable, Hashable, CaseIterable {
    case head, deputyHead, member
}
