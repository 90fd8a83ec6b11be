public import Foundation

/// Who records an event, and the rules on everything the event names: its unit is checked by the server
/// before the append, and here every other object (the teams, members, author) against the recorder's
/// scopes, with how far back the event may have occurred. The rules are pure; the log's adapter gives the
/// facts (``NamedPlaces``: where each named object is) from the same transaction that stores the event.
///
/// | object | the recorder needs |
/// | --- | --- |
/// | the event's unit | to record work there (checked before the append) |
/// | a team any event names | its unit in their change scope; for `team.merged`, every team and the survivor where they may merge teams (commune officers and above) |
/// | an existing member `member.joined` names | the member on a team (now, or last) where they may record work; `person` may not rewrite an existing member |
/// | the members a visit credits, a training's attendees | the same |
/// | the author | their own account, or a member they may change |
/// | the day it occurred | within ``Role/backdatingDays`` of today for their roles in the unit |
///
/// A household a visit, survey or update names must be the event unit's (or one the unit carries on
/// after a reorganization), which the projection checks; the unit is in the change scope, so the household is.
public struct EventAuthority: Hashable, Sendable {
    /// The recording account.
    public let accountID: UUID
    public let access: CallerAccess

    public init(accountID: UUID, access: CallerAccess) {
        self.accountID = accountID
        self.access = access
    }

    /// The teams `event` names, each with the field naming it.
    public static func teams(in event: DomainEvent) -> [(id: ID<Team>, field: String)] {
        switch event.payload {
        case .teamDissolved(let body): [(body.teamId, "payload.teamId")]
        case .teamChatLinkChanged(let body): [(body.teamId, "payload.teamId")]
        case .memberJoined(let body): [(body.teamId, "payload.teamId")]
        case .memberLeft(let body): [(body.teamId, "payload.teamId")]
        case .memberRoleChanged(let body): [(body.teamId, "payload.teamId")]
        case .teamMerged(let body):
            [(body.intoTeamId, "payload.intoTeamId")] + body.teamIds.enumerated().map { ($0.element, "payload.teamIds[\($0.offset)]") }
        case .module(let body): body.references.teams.map { ($0.id, $0.field) }
        default: []
        }
    }

    /// The members `event` credits or adds (not the author), each with the field naming it.
    public static func members(in event: DomainEvent) -> [(id: ID<Member>, field: String)] {
        switch event.payload {
        case .memberJoined(let body): [(body.memberId, "payload.memberId")]
        case .householdVisited(let body): body.memberIds.enumerated().map { ($0.element, "payload.memberIds[\($0.offset)]") }
        case .trainingHeld(let body): body.attendeeIds.enumerated().map { ($0.element, "payload.attendeeIds[\($0.offset)]") }
        case .module(let body): body.references.members.map { ($0.id, $0.field) }
        default: []
        }
    }

    /// Every member whose place the rules need for `event`: those it names and its author, who may be one.
    public static func memberIDs(in event: DomainEvent) -> [ID<Member>] {
        members(in: event).map(\.id) + [ID(rawValue: event.authorID)]
    }

    /// Why the recorder may not record `event` in the unit at `unitPath`, or `nil` when they may.
    /// - Parameter today: the day in Vietnam by the server's clock.
    public func refusal(of event: DomainEvent, unitPath: String, places: NamedPlaces, today: CalendarDate) -> ValidationFailure? {
        var check = Validator()
        if let days = access.backdatingDays(at: unitPath), event.occurredOn < today.adding(days: -days) {
            check.record("occurredAt", days == 0 ? "must be today for your roles in this unit"
                                                 : "must be at most \(days) days before today for your roles in this unit")
        }
        if event.authorID != accountID, !mayChange(ID(rawValue: event.authorID), places) {
            check.record("authorId", "must be your own account or a member of a team where you may record work")
        }
        let change = access.scope(for: .change), merge = access.scope(for: .mergeTeams)
        let merging = event.type == .teamMerged
        for (team, field) in Self.teams(in: event) {
            guard let path = places.teams[team] else { continue }  // a team that does not exist: the projection says so
            if merging, !merge.contains(path: path) {
                check.record(field, "must name a team where you may merge teams (commune officers and above, in their area)")
            } else if !change.contains(path: path) {
                check.record(field, "must name a team where you may record work")
            }
        }
        for (member, field) in Self.members(in: event) {
            // A member id not stored yet is a new member (member.joined); elsewhere the projection refuses it.
            guard places.members[member] != nil else { continue }
            if !mayChange(member, places) {
                check.record(field, "must name a member of a team where you may record work")
            }
        }
        return check.violations.isEmpty ? nil : ValidationFailure(check.violations)
    }

    /// Whether the member is on a team (now, or last when on none now) in the recorder's change scope.
    func mayChange(_ member: ID<Member>, _ places: NamedPlaces) -> Bool {
        let change = access.scope(for: .change)
        return places.members[member]?.contains { change.contains(path: $0) } ?? false
    }
}

/// Where the objects an event names are, as ``EventAuthority`` needs it; loaded by the log's adapter in
/// the transaction that stores the event.
public struct NamedPlaces: Hashable, Sendable {
    /// The path of each named team's unit (teams that do not exist are left out).
    public var teams: [ID<Team>: String]
    /// For each named member that exists: the paths of the units of the teams they are on now, or, when on
    /// none, of the team they left last.
    public var members: [ID<Member>: [String]]

    public init(teams: [ID<Team>: String] = [:], members: [ID<Member>: [String]] = [:]) {
        self.teams = teams
        self.members = members
    }
}
