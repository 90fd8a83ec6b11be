/// One team's memberships over time, and the rules for changing them: a member is on a team at most
/// once at a time, a team has at most one head at a time, and nobody joins a team that is not active.
///
/// ```swift
/// var roster = TeamRoster(team: team, memberships: stored)
/// let changes = try roster.join(lan, as: .head, on: CalendarDate("2025-03-02")!)
/// // store `changes`; a second head on the same day throws a ValidationFailure on payload.role
/// ```
public struct TeamRoster: Sendable {
    public let team: Team
    public private(set) var memberships: [Membership]

    public init(team: Team, memberships: [Membership]) {
        self.team = team
        self.memberships = memberships
    }

    /// A change to store.
    public enum Change: Hashable, Sendable {
        /// A new membership.
        case start(Membership)
        /// The membership of `memberID` that started on `joinedOn` ends on `leftOn`.
        case end(memberID: ID<Member>, joinedOn: CalendarDate, leftOn: CalendarDate)
    }

    /// `member` joins with `role` from `date`.
    public mutating func join(_ member: ID<Member>, as role: TeamRole, on date: CalendarDate) throws(ValidationFailure) -> [Change] {
        try requireActive(on: date)
        if let current = memberships.first(where: { $0.memberID == member && overlapsFromward($0, date) }) {
            throw ValidationFailure(field: "payload.memberId", rule: "is already on this team from \(current.joinedOn)")
        }
        try requireNoOtherHead(role, besides: member, from: date)
        let membership = Membership(teamID: team.id, memberID: member, role: role, joinedOn: date)
        memberships.append(membership)
        return [.start(membership)]
    }

    /// `member` leaves on `date`.
    public mutating func leave(_ member: ID<Member>, on date: CalendarDate) throws(ValidationFailure) -> [Change] {
        let index = try currentIndex(of: member, on: date)
        return [end(at: index, on: date)]
    }

    /// `member` takes `role` from `date`: the current membership ends and one with the new role starts.
    public mutating func changeRole(of member: ID<Member>, to role: TeamRole, on date: CalendarDate) throws(ValidationFailure) -> [Change] {
        try requireActive(on: date)
        let index = try currentIndex(of: member, on: date)
        guard memberships[index].role != role else {
            throw ValidationFailure(field: "payload.role", rule: "is already the member's role")
        }
        try requireNoOtherHead(role, besides: member, from: date)
        var changes = [end(at: index, on: date)]
        let membership = Membership(teamID: team.id, memberID: member, role: role, joinedOn: date)
        memberships.append(membership)
        changes.append(.start(membership))
        return changes
    }

    /// Everyone on the team on `date` leaves: the team was dissolved or merged.
    public mutating func endAll(on date: CalendarDate) -> [Change] {
        memberships.indices.filter { memberships[$0].holds(on: date) && memberships[$0].joinedOn < date }.map { end(at: $0, on: date) }
    }

    /// The memberships holding on `date`.
    public func members(on date: CalendarDate) -> [Membership] {
        memberships.filter { $0.holds(on: date) }
    }

    // MARK: Rules

    private func requireActive(on date: CalendarDate) throws(ValidationFailure) {
        guard team.isActive(on: date) else {
            throw ValidationFailure(field: "payload.teamId", rule: "must name a team active on the day the event occurred")
        }
    }

    private func requireNoOtherHead(_ role: TeamRole, besides member: ID<Member>, from date: CalendarDate) throws(ValidationFailure) {
        guard role == .head else { return }
        if let head = memberships.first(where: { $0.role == .head && $0.memberID != member && overlapsFromward($0, date) }) {
            throw ValidationFailure(field: "payload.role", rule: "the team already has a head (member \(head.memberID)) on or after \(date); a team has one head at a time")
        }
    }

    private func currentIndex(of member: ID<Member>, on date: CalendarDate) throws(ValidationFailure) -> Int {
        guard let index = memberships.firstIndex(where: { $0.memberID == member && $0.holds(on: date) }) else {
            throw ValidationFailure(field: "payload.memberId", rule: "must name a member of this team on the day the event occurred")
        }
        guard memberships[index].joinedOn < date else {
            throw ValidationFailure(field: "occurredAt", rule: "must be after the day the membership started (\(memberships[index].joinedOn))")
        }
        return index
    }

    /// Whether `membership` holds on `date` or any later day.
    private func overlapsFromward(_ membership: Membership, _ date: CalendarDate) -> Bool {
        membership.leftOn.map { $0 > date } ?? true
    }

    private mutating func end(at index: Int, on date: CalendarDate) -> Change {
        memberships[index].leftOn = date
        let membership = memberships[index]
        return .end(memberID: membership.memberID, joinedOn: membership.joinedOn, leftOn: date)
    }
}
