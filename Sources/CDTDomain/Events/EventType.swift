/// The kinds of domain event, by the name clients send in `type`.
public enum EventType: String, Codable, Sendable, Hashable, CaseIterable {
    case teamEstablished = "team.established"
    case teamDissolved = "team.dissolved"
    case teamMerged = "team.merged"
    case teamChatLinkChanged = "team.chat_link_changed"
    case memberJoined = "member.joined"
    case memberLeft = "member.left"
    case memberRoleChanged = "member.role_changed"
    case trainingHeld = "training.held"
    case campaignLaunched = "campaign.launched"
    case campaignClosed = "campaign.closed"
    case householdRegistered = "household.registered"
    case householdUpdated = "household.updated"
    case householdVisited = "household.visited"
    case householdSurveyed = "household.surveyed"
    case practiceShared = "practice.shared"
    case unitsReorganized = "units.reorganized"
    case villageAdded = "village.added"
    case villageRenamed = "village.renamed"
    case villageMoved = "village.moved"
    case villageClosed = "village.closed"

    /// The payload versions this build reads. A new incompatible payload shape gets a new version; old
    /// versions stay readable because the log keeps every event as it was recorded.
    public var supportedVersions: ClosedRange<Int> { 1...1 }

    /// Whether clients may submit it; `units.reorganized` is recorded only by `cdt import`.
    public var isSubmittedByClients: Bool { self != .unitsReorganized }

    /// Whether it changes the hierarchy itself (a province's villages): only callers who may manage units
    /// there (``Capability/manageUnits``) may record it.
    public var changesTheHierarchy: Bool { [.villageAdded, .villageRenamed, .villageMoved, .villageClosed].contains(self) }
}
