public import Foundation

/// A typed identifier: an `ID<Team>` can never be passed where an `ID<Member>` is expected.
///
/// ```swift
/// enum Team {}
/// let team = ID<Team>()            // a fresh random id
/// let same = ID<Team>(rawValue: team.rawValue)
/// ```
public struct ID<Entity>: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID

    /// Wraps an existing UUID.
    public init(rawValue: UUID) {
        self.rawValue = rawValue
    }

    /// A new random (version 4) identifier.
    public init() {
        self.rawValue = UUID()
    }

    /// Parses the canonical text form; `nil` when `text` is not a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.rawValue = uuid
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Whether this is the nil UUID (`00000000-0000-0000-0000-000000000000`), which no client may use as an id.
    public var isNil: Bool { rawValue == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }

    /// The lower-case canonical text form.
    public var description: String { rawValue.lowercasedText }
}
