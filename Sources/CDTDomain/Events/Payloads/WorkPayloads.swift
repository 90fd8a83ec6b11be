public import Foundation

/// `training.held`: a training of members in the event's unit, with who attended.
public struct TrainingHeld: EventBody {
    public var trainingId: ID<Training>
    public var organiser: String
    public var topic: String
    public var format: TrainingFormat
    public var attendeeIds: [ID<Member>]

    public init(trainingId: ID<Training>, organiser: String, topic: String, format: TrainingFormat, attendeeIds: [ID<Member>]) {
        self.trainingId = trainingId
        self.organiser = organiser
        self.topic = topic
        self.format = format
        self.attendeeIds = attendeeIds
    }

    public func validate(into check: inout Validator) {
        check.text(organiser, "organiser")
        check.text(topic, "topic", maximumLength: 500)
        check.require(attendeeIds.count <= 5000, "attendeeIds", "must name at most 5000 members")
        check.require(Set(attendeeIds).count == attendeeIds.count, "attendeeIds", "must not repeat a member")
    }
}

/// `campaign.launched`: a campaign over the event unit's subtree, for a period, with targets.
public struct CampaignLaunched: EventBody {
    public var campaignId: ID<Campaign>
    public var name: String
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var targetSkills: [BasicSkill]
    public var targetServices: [DigitalService]?
    public var targets: [CampaignTarget]?

    public init(
        campaignId: ID<Campaign>, name: String, startsOn: CalendarDate, endsOn: CalendarDate,
        targetSkills: [BasicSkill], targetServices: [DigitalService]? = nil, targets: [CampaignTarget]? = nil
    ) {
        self.campaignId = campaignId
        self.name = name
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.targetSkills = targetSkills
        self.targetServices = targetServices
        self.targets = targets
    }

    public func validate(into check: inout Validator) {
        check.text(name, "name")
        check.require(startsOn >= DomainEvent.earliestDay, "startsOn", "must be on or after \(DomainEvent.earliestDay)")
        check.require(endsOn >= startsOn, "endsOn", "must be on or after startsOn")
        check.require(endsOn.daysSinceEpoch - startsOn.daysSinceEpoch <= 3 * 366, "endsOn", "must be at most three years after startsOn")
        check.require(Set(targetSkills).count == targetSkills.count, "targetSkills", "must not repeat a skill")
        let services = targetServices ?? []
        check.require(Set(services).count == services.count, "targetServices", "must not repeat a service")
        for (index, target) in (targets ?? []).enumerated() {
            check.require(target.value > 0, "targets[\(index)].value", "must be above 0")
        }
        check.require(Set((targets ?? []).map(\.metric)).count == (targets ?? []).count, "targets", "must not repeat a metric")
    }
}

/// `campaign.closed`: the campaign ends on the day the event occurred.
public struct CampaignClosed: EventBody {
    public var campaignId: ID<Campaign>

    public init(campaignId: ID<Campaign>) {
        self.campaignId = campaignId
    }

    public func validate(into check: inout Validator) {}
}

/// `units.reorganized`: an import changed the hierarchy of a province (a tree or a reorganization map
/// took effect); recorded by `cdt import`, one event in each province the import changed, never by clients.
public struct UnitsReorganized: EventBody {
    public var effective: CalendarDate
    public var lineageLinks: Int
    public var source: String
    /// `tree` or `reorganization`; absent in events recorded before imports were recorded whole.
    public var kind: String?
    /// The import this event belongs to (the same in every province it changed).
    public var importId: UUID?
    /// SHA-256 (hex) of the imported files.
    public var checksum: String?
    /// What the import changed in the whole tree: `created`, `renamed`, `closed`, `villagesMoved`, …
    public var changes: [String: Int]?

    /// The author of record of the events the importer writes.
    public static let importer = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!

    public init(effective: CalendarDate, lineageLinks: Int, source: String, kind: String? = nil, importId: UUID? = nil,
                checksum: String? = nil, changes: [String: Int]? = nil) {
        self.effective = effective
        self.lineageLinks = lineageLinks
        self.source = source
        self.kind = kind
        self.importId = importId
        self.checksum = checksum
        self.changes = changes
    }

    public func validate(into check: inout Validator) {}
}
