/// A time-boxed push with a scope and targets, such as Nghệ An's "go to every alley, knock on every
/// door" campaign, 1 to 10 October 2024, across the province.
public struct Campaign: Hashable, Codable, Sendable {
    public let id: ID<Campaign>
    public var name: String
    /// The unit whose subtree the campaign covers.
    public let scopeUnitID: ID<AdministrativeUnit>
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var targetSkills: [BasicSkill]
    public var targetServices: [DigitalService]
    public var targets: [CampaignTarget]
    /// Set when the campaign was closed (possibly before `endsOn`).
    public var closedOn: CalendarDate?

    public init(
        id: ID<Campaign>, name: String, scopeUnitID: ID<AdministrativeUnit>, startsOn: CalendarDate, endsOn: CalendarDate,
        targetSkills: [BasicSkill] = [], targetServices: [DigitalService] = [], targets: [CampaignTarget] = [], closedOn: CalendarDate? = nil
    ) {
        self.id = id
        self.name = name
        self.scopeUnitID = scopeUnitID
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.targetSkills = targetSkills
        self.targetServices = targetServices
        self.targets = targets
        self.closedOn = closedOn
    }
}

/// A number the campaign aims for.
public struct CampaignTarget: Hashable, Codable, Sendable {
    public var metric: CampaignMetric
    public var value: Int

    public init(metric: CampaignMetric, value: Int) {
        self.metric = metric
        self.value = value
    }
}

/// What a campaign target counts.
public enum CampaignMetric: String, Codable, Sendable, Hashable, CaseIterable {
    /// Households visited at least once in scope and period.
    case householdsVisited
    /// Households where someone mastered at least one target skill.
    case householdsWithTargetSkill
    /// Members trained in the period.
    case membersTrained
}
