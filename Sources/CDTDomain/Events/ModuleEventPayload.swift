/// The payload of an event of a kind a module declares (`<module-id>.<name>`), as JSON.
///
/// The domain keeps it as it came; the module that declares the kind decodes and checks it (the server
/// refuses a kind no installed module declares), and says which teams and members it names, so that the
/// recorder's authority over each is checked like a core event's (``EventAuthority``).
public struct ModuleEventPayload: EventBody {
    public let type: EventType
    public let json: JSONValue
    /// The teams and members the payload names, as the declaring module reads it: set by the server when the
    /// event is submitted, empty for an event read back from the log. Not part of the payload.
    public let references: EventReferences

    public init(type: EventType, json: JSONValue, references: EventReferences = EventReferences()) {
        self.type = type
        self.json = json
        self.references = references
    }

    /// The module checks the payload; on its own the domain asks only for a JSON object.
    public func validate(into check: inout Validator) {
        if case .object = json { return }
        check.record("", "must be a JSON object")
    }

    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a module's payload is decoded with its type"))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.type == rhs.type && lhs.json == rhs.json }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(json)
    }
}

/// The teams and members an event names, each with the field that names it.
public struct EventReferences: Hashable, Sendable {
    public var teams: [Reference<Team>]
    public var members: [Reference<Member>]

    public init(teams: [Reference<Team>] = [], members: [Reference<Member>] = []) {
        self.teams = teams
        self.members = members
    }

    /// One object named at `field` (a path under `payload`, such as `payload.teamId`).
    public struct Reference<Entity>: Hashable, Sendable {
        public let id: ID<Entity>
        public let field: String

        public init(_ id: ID<Entity>, field: String) {
            self.id = id
            self.field = field
        }
    }
}
