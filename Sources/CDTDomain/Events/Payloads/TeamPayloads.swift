/// `team.established`: a decision set up a team for the event's unit (a village-level unit or a commune).
public struct TeamEstablished: EventBody {
    public var teamId: ID<Team>
    public var name: String
    public var decision: EstablishmentDecision
    public var chatLink: String?

    public init(teamId: ID<Team>, name: String, decision: EstablishmentDecision, chatLink: String? = nil) {
        self.teamId = teamId
        self.name = name
        self.decision = decision
        self.chatLink = chatLink
    }

    public func validate(into check: inout Validator) {
        check.text(name, "name")
        check.nested("decision") { check in
            check.text(decision.number, "number", maximumLength: 60)
            check.text(decision.signer, "signer")
            check.require(decision.date >= DomainEvent.earliestDay, "date", "must be on or after \(DomainEvent.earliestDay)")
        }
        if let chatLink { ChatLink.validate(chatLink, into: &check) }
    }
}

/// `team.dissolved`: the team stops on the day the event occurred.
public struct TeamDissolved: EventBody {
    public var teamId: ID<Team>
    public var reason: String?

    public init(teamId: ID<Team>, reason: String? = nil) {
        self.teamId = teamId
        self.reason = reason
    }

    public func validate(into check: inout Validator) {
        check.text(reason, "reason", required: false, maximumLength: 500)
    }
}

/// `team.merged`: the teams in `teamIds` stop and their members carry on in `intoTeamId`, usually
/// because their villages merged. The event's unit is the surviving team's.
public struct TeamMerged: EventBody {
    public var teamIds: [ID<Team>]
    public var intoTeamId: ID<Team>

    public init(teamIds: [ID<Team>], intoTeamId: ID<Team>) {
        self.teamIds = teamIds
        self.intoTeamId = intoTeamId
    }

    public func validate(into check: inout Validator) {
        check.require(!teamIds.isEmpty, "teamIds", "must name at least one team")
        check.require(teamIds.count <= 50, "teamIds", "must name at most 50 teams")
        check.require(Set(teamIds).count == teamIds.count, "teamIds", "must not repeat a team")
        check.require(!teamIds.contains(intoTeamId), "intoTeamId", "must not be one of teamIds")
    }
}

/// `team.chat_link_changed`: the team's chat group link is set, replaced, or removed (`null`).
public struct TeamChatLinkChanged: EventBody {
    public var teamId: ID<Team>
    public var chatLink: String?

    public init(teamId: ID<Team>, chatLink: String?) {
        self.teamId = teamId
        self.chatLink = chatLink
    }

    public func validate(into check: inout Validator) {
        if let chatLink { ChatLink.validate(chatLink, into: &check) }
    }
}

enum ChatLink {
    /// A chat link is an https URL of reasonable length.
    static func validate(_ link: String, into check: inout Validator) {
        check.require(link.hasPrefix("https://") && link.count > 8 && !link.contains(" "), "chatLink", "must be an https:// link")
        check.require(link.count <= 500, "chatLink", "must be at most 500 characters")
        check.storable(link, "chatLink")
    }
}
