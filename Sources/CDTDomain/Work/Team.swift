/// A community digital technology team (Tổ công nghệ số cộng đồng), for one village-level unit or
/// one commune.
public struct Team: Hashable, Codable, Sendable {
    public let id: ID<Team>
    public var name: String
    /// The village (thôn, bản, ấp, tổ dân phố, …) or commune the team works in.
    public let unitID: ID<AdministrativeUnit>
    public let level: TeamLevel
    public let decision: EstablishmentDecision
    /// The team's chat group (Zalo or similar), when it has one.
    public var chatLink: String?
    /// The day the team starts to exist: the decision's date.
    public let establishedOn: CalendarDate
    /// The day it stopped, when it was dissolved or merged; the team is active before that day.
    public var endedOn: CalendarDate?
    /// How it ended.
    public var ending: TeamEnding?

    public init(
        id: ID<Team>, name: String, unitID: ID<AdministrativeUnit>, level: TeamLevel,
        decision: EstablishmentDecision, chatLink: String? = nil,
        endedOn: CalendarDate? = nil, ending: TeamEnding? = nil
    ) {
        self.id = id
        self.name = name
        self.unitID = unitID
        self.level = level
        self.decision = decision
        self.chatLink = chatLink
        self.establishedOn = decision.date
        self.endedOn = endedOn
        self.ending = ending
    }

    /// Whether the team exists on `date`.
    public func isActive(on date: CalendarDate) -> Bool {
        establishedOn <= date && (endedOn.map { date < $0 } ?? true)
    }
}

/// Where in the hierarchy a team works.
public enum TeamLevel: String, Codable, Sendable, Hashable, CaseIterable {
    /// A team for one village-level unit; at most one is active per village at a time.
    case village
    /// A team for a whole commune, beside its village teams.
    case commune

    /// The team level for a unit of `level`, or `nil` when teams cannot be set up there.
    public init?(unitLevel: UnitLevel) {
        switch unitLevel {
        case .village: self = .village
        case .commune: self = .commune
        default: return nil
        }
    }
}

/// The decision establishing a team, signed by the chairman of the commune People's Committee.
public struct EstablishmentDecision: Hashable, Codable, Sendable {
    /// The decision's number, such as `125/QĐ-UBND`.
    public var number: String
    public var date: CalendarDate
    /// Who signed it.
    public var signer: String
    /// The unit whose People's Committee issued it (usually the commune).
    public var issuingUnitID: ID<AdministrativeUnit>

    enum CodingKeys: String, CodingKey {
        case number, date, signer
        case issuingUnitID = "issuingUnitId"
    }

    public init(number: String, date: CalendarDate, signer: String, issuingUnitID: ID<AdministrativeUnit>) {
        self.number = number
        self.date = date
        self.signer = signer
        self.issuingUnitID = issuingUnitID
    }
}

/// How a team stopped.
public enum TeamEnding: Hashable, Codable, Sendable {
    case dissolved
    /// Merged into the team with this id (when their villages merged).
    case merged(into: ID<Team>)
}
