/// The kind of a domain event, by the name clients send in `type`.
///
/// The core's kinds are the static constants below (``core`` lists them). A module declares kinds of its
/// own, named `<module-id>.<name>` (`good-practices.practice_shared`); their payloads reach the domain as
/// ``ModuleEventPayload`` and the module that declares them checks them.
public struct EventType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// A kind by name: a core kind's, or one shaped as a module's (`<module-id>.<name>`: lower-case
    /// letters, digits, `-` in the module id, `_` and `.` in the name). `nil` for anything else.
    public init?(rawValue: String) {
        guard Self.coreNames.contains(rawValue) || Self.isModuleName(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(core name: String) {
        rawValue = name
    }

    public static let teamEstablished = EventType(core: "team.established")
    public static let teamDissolved = EventType(core: "team.dissolved")
    public static let teamMerged = EventType(core: "team.merged")
    public static let teamChatLinkChanged = EventType(core: "team.chat_link_changed")
    public static let memberJoined = EventType(core: "member.joined")
    public static let memberLeft = EventType(core: "member.left")
    public static let memberRoleChanged = EventType(core: "member.role_changed")
    public static let trainingHeld = EventType(core: "training.held")
    public static let campaignLaunched = EventType(core: "campaign.launched")
    public static let campaignClosed = EventType(core: "campaign.closed")
    public static let householdRegistered = EventType(core: "household.registered")
    public static let householdUpdated = EventType(core: "household.updated")
    public static let householdVisited = EventType(core: "household.visited")
    public static let householdSurveyed = EventType(core: "household.surveyed")
    public static let unitsReorganized = EventType(core: "units.reorganized")
    public static let villageAdded = EventType(core: "village.added")
    public static let villageRenamed = EventType(core: "village.renamed")
    public static let villageMoved = EventType(core: "village.moved")
    public static let villageClosed = EventType(core: "village.closed")

    /// The core's kinds.
    public static let core: [EventType] = [
        .teamEstablished, .teamDissolved, .teamMerged, .teamChatLinkChanged, .memberJoined, .memberLeft, .memberRoleChanged,
        .trainingHeld, .campaignLaunched, .campaignClosed, .householdRegistered, .householdUpdated, .householdVisited,
        .householdSurveyed, .unitsReorganized, .villageAdded, .villageRenamed, .villageMoved, .villageClosed,
    ]

    /// The first words of the core's kinds (`team`, `household`, …): no module may take one as its id.
    public static let coreNamespaces: Set<String> = Set(core.map { String($0.rawValue.prefix { $0 != "." }) })

    /// The core's names, for the checks every event on the ingest path goes through.
    private static let coreNames: Set<String> = Set(core.map(\.rawValue))

    /// Whether the core defines it (otherwise a module declares it).
    public var isCore: Bool { Self.coreNames.contains(rawValue) }

    /// The id of the module a module's kind belongs to (`good-practices` for `good-practices.practice_shared`).
    public var moduleID: String? { isCore ? nil : String(rawValue.prefix { $0 != "." }) }

    /// The payload versions this build reads for a core kind. A new incompatible payload shape gets a new
    /// version; old versions stay readable because the log keeps every event as it was recorded. A module's
    /// kinds say their own versions.
    public var supportedVersions: ClosedRange<Int> { 1...1 }

    /// Whether clients may submit it; `units.reorganized` is recorded only by `cdt import`.
    public var isSubmittedByClients: Bool { self != .unitsReorganized }

    /// Whether it changes the hierarchy itself (a province's villages): only callers who may manage units
    /// there (``Capability/manageUnits``) may record it.
    public var changesTheHierarchy: Bool { [.villageAdded, .villageRenamed, .villageMoved, .villageClosed].contains(self) }

    public var description: String { rawValue }

    /// `<module-id>.<name>` with a module id that is not one of the core's namespaces.
    static func isModuleName(_ name: String) -> Bool {
        guard name.utf8.count <= 100, let dot = name.firstIndex(of: ".") else { return false }
        let module = name[..<dot], rest = name[name.index(after: dot)...]
        guard !module.isEmpty, !rest.isEmpty, !coreNamespaces.contains(String(module)),
              module.first!.isLetter, rest.first!.isLetter, rest.last != "." else { return false }
        let moduleCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-"), nameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_.")
        return module.allSatisfy(moduleCharacters.contains) && rest.allSatisfy(nameCharacters.contains)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let type = EventType(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be one of: "
                + Self.core.filter(\.isSubmittedByClients).map(\.rawValue).joined(separator: ", ") + ", or an installed module's <module-id>.<name>")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
