/// A training of members, with who attended.
public struct Training: Hashable, Codable, Sendable {
    public let id: ID<Training>
    /// The unit where (or for which) it was held.
    public let unitID: ID<AdministrativeUnit>
    /// Who organised it, such as the provincial Department of Science and Technology.
    public var organiser: String
    public var topic: String
    public var format: TrainingFormat
    public var heldOn: CalendarDate
    public var attendeeIDs: [ID<Member>]

    public init(id: ID<Training>, unitID: ID<AdministrativeUnit>, organiser: String, topic: String, format: TrainingFormat, heldOn: CalendarDate, attendeeIDs: [ID<Member>]) {
        self.id = id
        self.unitID = unitID
        self.organiser = organiser
        self.topic = topic
        self.format = format
        self.heldOn = heldOn
        self.attendeeIDs = attendeeIDs
    }
}

public enum TrainingFormat: String, Codable, Sendable, Hashable, CaseIterable {
    case onSite, online
}
