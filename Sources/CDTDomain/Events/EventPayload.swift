/// What happened, by kind. Each case carries the versioned payload of its ``EventType``.
public enum EventPayload: Hashable, Sendable {
    case teamEstablished(TeamEstablished)
    case teamDissolved(TeamDissolved)
    case teamMerged(TeamMerged)
    case teamChatLinkChanged(TeamChatLinkChanged)
    case memberJoined(MemberJoined)
    case memberLeft(MemberLeft)
    case memberRoleChanged(MemberRoleChanged)
    case trainingHeld(TrainingHeld)
    case campaignLaunched(CampaignLaunched)
    case campaignClosed(CampaignClosed)
    case householdRegistered(HouseholdDetails)
    case householdUpdated(HouseholdDetails)
    case householdVisited(HouseholdVisited)
    case householdSurveyed(HouseholdSurveyed)
    case unitsReorganized(UnitsReorganized)
    case villageAdded(VillageAdded)
    case villageRenamed(VillageRenamed)
    case villageMoved(VillageMoved)
    case villageClosed(VillageClosed)
    /// An event of a kind a module declares, its payload as JSON; the module checks and reads it.
    case module(ModuleEventPayload)

    public var type: EventType {
        switch self {
        case .teamEstablished: .teamEstablished
        case .teamDissolved: .teamDissolved
        case .teamMerged: .teamMerged
        case .teamChatLinkChanged: .teamChatLinkChanged
        case .memberJoined: .memberJoined
        case .memberLeft: .memberLeft
        case .memberRoleChanged: .memberRoleChanged
        case .trainingHeld: .trainingHeld
        case .campaignLaunched: .campaignLaunched
        case .campaignClosed: .campaignClosed
        case .householdRegistered: .householdRegistered
        case .householdUpdated: .householdUpdated
        case .householdVisited: .householdVisited
        case .householdSurveyed: .householdSurveyed
        case .unitsReorganized: .unitsReorganized
        case .villageAdded: .villageAdded
        case .villageRenamed: .villageRenamed
        case .villageMoved: .villageMoved
        case .villageClosed: .villageClosed
        case .module(let body): body.type
        }
    }

    /// The payload itself, for encoding and validation.
    public var body: any EventBody {
        switch self {
        case .teamEstablished(let body): body
        case .teamDissolved(let body): body
        case .teamMerged(let body): body
        case .teamChatLinkChanged(let body): body
        case .memberJoined(let body): body
        case .memberLeft(let body): body
        case .memberRoleChanged(let body): body
        case .trainingHeld(let body): body
        case .campaignLaunched(let body): body
        case .campaignClosed(let body): body
        case .householdRegistered(let body): body
        case .householdUpdated(let body): body
        case .householdVisited(let body): body
        case .householdSurveyed(let body): body
        case .unitsReorganized(let body): body
        case .villageAdded(let body): body
        case .villageRenamed(let body): body
        case .villageMoved(let body): body
        case .villageClosed(let body): body
        case .module(let body): body
        }
    }

    /// Decodes the payload of `type` from `decoder`.
    public static func decode(_ type: EventType, from decoder: any Decoder) throws -> EventPayload {
        switch type {
        case .teamEstablished: .teamEstablished(try .init(from: decoder))
        case .teamDissolved: .teamDissolved(try .init(from: decoder))
        case .teamMerged: .teamMerged(try .init(from: decoder))
        case .teamChatLinkChanged: .teamChatLinkChanged(try .init(from: decoder))
        case .memberJoined: .memberJoined(try .init(from: decoder))
        case .memberLeft: .memberLeft(try .init(from: decoder))
        case .memberRoleChanged: .memberRoleChanged(try .init(from: decoder))
        case .trainingHeld: .trainingHeld(try .init(from: decoder))
        case .campaignLaunched: .campaignLaunched(try .init(from: decoder))
        case .campaignClosed: .campaignClosed(try .init(from: decoder))
        case .householdRegistered: .householdRegistered(try .init(from: decoder))
        case .householdUpdated: .householdUpdated(try .init(from: decoder))
        case .householdVisited: .householdVisited(try .init(from: decoder))
        case .householdSurveyed: .householdSurveyed(try .init(from: decoder))
        case .unitsReorganized: .unitsReorganized(try .init(from: decoder))
        case .villageAdded: .villageAdded(try .init(from: decoder))
        case .villageRenamed: .villageRenamed(try .init(from: decoder))
        case .villageMoved: .villageMoved(try .init(from: decoder))
        case .villageClosed: .villageClosed(try .init(from: decoder))
        default: .module(ModuleEventPayload(type: type, json: try JSONValue(from: decoder)))
        }
    }
}

/// A payload: Codable, and able to check its own fields.
public protocol EventBody: Codable, Hashable, Sendable {
    /// Records every rule the payload breaks on its own (without looking at stored data), with field
    /// paths relative to the payload.
    func validate(into check: inout Validator)
}
