public import Foundation

/// A kind of event a module declares and records through the platform's one event log: idempotent on the
/// event's id, audited, delivered to the modules that consume it, replayed when they rebuild.
///
/// The payload is the module's own `EventBody` type; the kit checks it strictly when the event is
/// submitted (unknown fields, wrong types, the payload's own `validate`) and the module reads it back with
/// ``payload(of:)``. Declare each kind once, as a static constant, and list it in the manifest's `events`:
///
/// ```swift
/// struct Endorsed: EventBody {
///     var practiceId: UUID
///     var note: String
///     func validate(into check: inout Validator) { check.text(note, "note", maximumLength: 500) }
/// }
///
/// extension GoodPracticesModule {
///     static let endorsed = ModuleEventKind<Endorsed>("good-practices.endorsed")
/// }
///
/// // In the manifest: consumes: [Self.endorsed.type], events: [Self.endorsed.declaration]
/// // In apply(_:in:context:):
/// if let endorsement = try Self.endorsed.payload(of: feed.event) { … }
/// // In a route, in the transaction of the module's own writes:
/// try await context.record(Self.endorsed.event(in: unit, by: author, at: context.module.now(), Endorsed(…)), in: tx)
/// ```
public struct ModuleEventKind<Payload: EventBody>: Sendable {
    /// `<module-id>.<name>`.
    public let type: EventType
    /// The payload versions this build reads.
    public let versions: ClosedRange<Int>
    /// Whether clients may submit it to `POST /api/v1/events` (otherwise only the module's routes record it).
    public let submittedByClients: Bool
    /// Names the log holds it under from before it was the module's (read as this kind, never written).
    public let formerNames: [String]
    /// What `/openapi.json` says the payload is (`nil`: a JSON object); names refer to the module's schemas.
    public let payloadSchema: APISchema?
    private let references: @Sendable (Payload) -> EventReferences

    /// - Parameters:
    ///   - type: `<module-id>.<name>`: the module's id, a dot, then lower-case letters, digits, `_` and `.`.
    ///   - payloadSchema: the payload as `/openapi.json` documents it (a plain JSON object when `nil`).
    ///   - references: the teams and members the payload names (with the field naming each), so the
    ///     recorder's authority over each is checked as for the core's events. None by default.
    public init(_ type: String, versions: ClosedRange<Int> = 1...1, submittedByClients: Bool = false, formerNames: [String] = [],
                payloadSchema: APISchema? = nil, references: @escaping @Sendable (Payload) -> EventReferences = { _ in EventReferences() }) {
        guard let parsed = EventType(rawValue: type), !parsed.isCore else {
            preconditionFailure("'\(type)' is not a module's event type: use <module-id>.<name>")
        }
        self.type = parsed
        self.versions = versions
        self.submittedByClients = submittedByClients
        self.formerNames = formerNames
        self.payloadSchema = payloadSchema
        self.references = references
    }

    /// The types the log may hold it under: ``type`` and each former name, for a manifest's `consumes`.
    public var storedTypes: [EventType] { [type] + formerNames.compactMap(EventType.init(rawValue:)) }

    /// The payload of `event` when it is of this kind, `nil` when it is of another.
    /// - Throws: when the stored payload does not read as `Payload` (a version this build does not know).
    public func payload(of event: DomainEvent) throws -> Payload? {
        guard case .module(let body) = event.payload, body.type == type || formerNames.contains(body.type.rawValue) else { return nil }
        return try JSONInput.decoder.decode(Payload.self, from: JSONEncoder().encode(body.json))
    }

    /// A new event of this kind, its id made now unless given.
    public func event(id: ID<DomainEvent> = ID(), in unit: ID<AdministrativeUnit>, by author: UUID, at occurredAt: Date = Date(),
                      version: Int = 1, _ payload: Payload) throws -> DomainEvent {
        let json = try JSONDecoder().decode(JSONValue.self, from: Self.encoder.encode(payload))
        return DomainEvent(id: id, unitID: unit, authorID: author, occurredAt: occurredAt, version: version,
                           payload: .module(ModuleEventPayload(type: type, json: json, references: references(payload))))
    }

    /// Writes a payload as a client would send it: instants in ISO 8601 (`…Z`), read back by the same strict
    /// decoder that checks submitted events.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// What the manifest lists, for the server to check submitted events of this kind.
    public var declaration: ModuleEventDeclaration {
        let versions = versions, references = references, type = type
        return ModuleEventDeclaration(type: type, versions: versions, submittedByClients: submittedByClients, formerNames: formerNames,
                                      payloadSchema: payloadSchema) { (json: JSONValue) throws(ValidationFailure) -> ModuleEventPayload in
            let payload = try JSONInput.decode(Payload.self, from: json.foundationValue, prefix: "payload")
            var check = Validator()
            check.nested("payload") { payload.validate(into: &$0) }
            try check.finish()
            return ModuleEventPayload(type: type, json: json, references: references(payload))
        }
    }
}

/// A kind of event as a module's manifest declares it (made by ``ModuleEventKind/declaration``).
public struct ModuleEventDeclaration: Sendable, Hashable {
    public let type: EventType
    public let versions: ClosedRange<Int>
    public let submittedByClients: Bool
    public let formerNames: [String]
    /// What `/openapi.json` says the payload is (`nil`: a JSON object).
    public let payloadSchema: APISchema?
    let check: @Sendable (JSONValue) throws(ValidationFailure) -> ModuleEventPayload

    public static func == (lhs: Self, rhs: Self) -> Bool {
        (lhs.type, lhs.versions, lhs.submittedByClients, lhs.formerNames) == (rhs.type, rhs.versions, rhs.submittedByClients, rhs.formerNames)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
    }
}

extension JSONValue {
    /// The value as `JSONSerialization` gives it, for the strict decoder.
    var foundationValue: Any {
        switch self {
        case .null: NSNull()
        case .boolean(let value): value
        case .number(let value): Int(exactly: value).map { $0 as Any } ?? value
        case .string(let value): value
        case .array(let values): values.map(\.foundationValue)
        case .object(let members): members.mapValues(\.foundationValue)
        }
    }
}
