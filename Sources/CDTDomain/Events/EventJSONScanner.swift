public import Foundation

/// Reads the JSON of the most frequent events (`household.visited`, `household.registered`,
/// `household.updated`) without `JSONDecoder`: the payloads the log stores, and whole events as clients
/// send them. A replay decodes hundreds of thousands of payloads, and a batch a thousand events; on both
/// paths `JSONDecoder` was the largest share of the server's CPU.
///
/// It gives exactly what `JSONDecoder` gives or nothing: on anything it does not expect (an escape in a
/// string, a number with a fraction or exponent, a value of the wrong kind, a missing field, an unknown
/// enumeration value, a key given twice, text that is not JSON or not UTF-8) it returns `nil` and the caller
/// decodes with `JSONDecoder`, which then decodes or throws as before. Reading a stored payload, unknown keys
/// are skipped, as the synthesized decoders skip them; reading what a client sent, an unknown key also gives
/// `nil`, so the caller's own path names it as a field it does not know.
public struct EventJSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Whether a key no field reads makes the text one this does not read (a client's event), instead of
    /// being skipped (a stored payload).
    private let strict: Bool

    private init(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) {
        self.bytes = bytes
        self.strict = strict
    }

    /// The payload of `type` read from `json` as the log stores it, or `nil` when this type is not one it
    /// reads or the text is not in the form it reads (then `JSONDecoder` must).
    public static func payload(_ type: EventType, json: String) -> EventPayload? {
        guard reads(type) else { return nil }
        var json = json
        return json.withUTF8 { buffer -> EventPayload? in
            var scanner = EventJSONScanner(buffer, strict: false)
            guard let payload = scanner.payload(type), scanner.atEnd() else { return nil }
            return payload
        }
    }

    /// The event a client sent as `json` (one event object), or `nil` when it is not of a type this reads
    /// or not in the form it reads, or holds anything `JSONDecoder` with the unknown-field check would
    /// refuse or read differently: then the caller must decode it that way, which also says what is wrong.
    /// An event given `recordedAt` is left to that path too (the server refuses it).
    ///
    /// `occurredAt` is read by ``Timestamp/parse(_:)``, as the server's decoder reads instants.
    public static func submittedEvent(_ json: Data) -> DomainEvent? {
        json.withUnsafeBytes { raw -> DomainEvent? in
            var scanner = EventJSONScanner(raw.bindMemory(to: UInt8.self), strict: true)
            guard let event = scanner.event(), scanner.atEnd() else { return nil }
            return event
        }
    }

    private static func reads(_ type: EventType) -> Bool {
        type == .householdVisited || type == .householdRegistered || type == .householdUpdated
    }

    // MARK: Events

    private mutating func event() -> DomainEvent? {
        var id: UUID?, type: EventType?, version: Int?, unitID: UUID?, authorID: UUID?, occurredAt: Date?
        var payloadStart: Int?, payloadEnd = 0
        let read = object { scanner, key in
            switch key {
            case "id": id = scanner.uuid(); return id != nil
            case "type": type = scanner.string().flatMap(EventType.init(rawValue:)); return type.map(Self.reads) ?? false
            case "version": version = scanner.integer(); return version != nil
            case "unitId": unitID = scanner.uuid(); return unitID != nil
            case "authorId": authorID = scanner.uuid(); return authorID != nil
            case "occurredAt": occurredAt = scanner.string().flatMap(Timestamp.parse); return occurredAt != nil
            case "payload":
                // Read once the type is known, which may come after it.
                payloadStart = scanner.index
                guard scanner.skipValue() else { return false }
                payloadEnd = scanner.index
                return true
            default: return false
            }
        }
        guard read, let id, let type, let version, let unitID, let authorID, let occurredAt, let payloadStart else { return nil }
        let end = index
        index = payloadStart
        guard let payload = payload(type), index == payloadEnd else { return nil }
        index = end
        return DomainEvent(id: ID(rawValue: id), unitID: ID(rawValue: unitID), authorID: authorID, occurredAt: occurredAt,
                           version: version, payload: payload)
    }

    private mutating func payload(_ type: EventType) -> EventPayload? {
        switch type {
        case .householdVisited: householdVisited().map { .householdVisited($0) }
        case .householdRegistered: householdDetails().map { .householdRegistered($0) }
        case .householdUpdated: householdDetails().map { .householdUpdated($0) }
        default: nil
        }
    }

    // MARK: Payloads

    private mutating func householdVisited() -> HouseholdVisited? {
        var householdId: UUID?, memberIds: [ID<Member>]?, skills: SkillOutcomes?, services: ServiceOutcomes?, note: String?
        let read = object { scanner, key in
            switch key {
            case "householdId": householdId = scanner.uuid(); return householdId != nil
            case "memberIds":
                memberIds = scanner.array { $0.uuid().map(ID.init(rawValue:)) }
                return memberIds != nil
            case "skills": skills = scanner.skillOutcomes(); return skills != nil
            case "services": services = scanner.serviceOutcomes(); return services != nil
            case "note": return scanner.optional(&note) { $0.string() }
            default: return scanner.unknown()
            }
        }
        guard read, let householdId, let memberIds, let skills, let services else { return nil }
        return HouseholdVisited(householdId: ID(rawValue: householdId), memberIds: memberIds, skills: skills, services: services, note: note)
    }

    private mutating func householdDetails() -> HouseholdDetails? {
        var householdId: UUID?, label: String?, size: Int?, residents: [ResidentCount]?, notApplicable: NotApplicableReason?
        let read = object { scanner, key in
            switch key {
            case "householdId": householdId = scanner.uuid(); return householdId != nil
            case "label": return scanner.optional(&label) { $0.string() }
            case "size": size = scanner.integer(); return size != nil
            case "residents": return scanner.optional(&residents) { $0.array { $0.residentCount() } }
            case "notApplicable": return scanner.optional(&notApplicable) { $0.enumeration(NotApplicableReason.self) }
            default: return scanner.unknown()
            }
        }
        guard read, let householdId, let size else { return nil }
        return HouseholdDetails(householdId: ID(rawValue: householdId), label: label, size: size, residents: residents, notApplicable: notApplicable)
    }

    private mutating func residentCount() -> ResidentCount? {
        var ageBand: AgeBand?, count: Int?, withSmartphone: Int?, notApplicable: Int?, reason: NotApplicableReason?
        let read = object { scanner, key in
            switch key {
            case "ageBand": ageBand = scanner.enumeration(AgeBand.self); return ageBand != nil
            case "count": count = scanner.integer(); return count != nil
            case "withSmartphone": return scanner.optional(&withSmartphone) { $0.integer() }
            case "notApplicable": return scanner.optional(&notApplicable) { $0.integer() }
            case "notApplicableReason": return scanner.optional(&reason) { $0.enumeration(NotApplicableReason.self) }
            default: return scanner.unknown()
            }
        }
        guard read, let ageBand, let count else { return nil }
        return ResidentCount(ageBand: ageBand, count: count, withSmartphone: withSmartphone ?? 0, notApplicable: notApplicable ?? 0,
                             notApplicableReason: reason)
    }

    private mutating func skillOutcomes() -> SkillOutcomes? {
        outcomes(SkillOutcomes(), Self.skillFields)
    }

    private mutating func serviceOutcomes() -> ServiceOutcomes? {
        outcomes(ServiceOutcomes(), Self.serviceFields)
    }

    // Made once: built on every call, their hashing showed in a batch's profile.
    private static let skillFields: [String: any WritableKeyPath<SkillOutcomes, GuidanceOutcome?> & Sendable] = [
        "onlinePublicServices": \.onlinePublicServices, "onlineShopping": \.onlineShopping, "onlinePayment": \.onlinePayment,
        "cyberSafety": \.cyberSafety, "otherPlatforms": \.otherPlatforms,
    ]

    private static let serviceFields: [String: any WritableKeyPath<ServiceOutcomes, GuidanceOutcome?> & Sendable] = [
        "vneidActivated": \.vneidActivated, "ePaymentAccountOpened": \.ePaymentAccountOpened,
        "digitalStoreOpened": \.digitalStoreOpened, "onlinePublicServiceUsed": \.onlinePublicServiceUsed,
    ]

    /// An object of guidance outcomes, each key read into its field (other keys skipped).
    private mutating func outcomes<Outcomes>(_ empty: Outcomes, _ fields: [String: any WritableKeyPath<Outcomes, GuidanceOutcome?> & Sendable]) -> Outcomes? {
        var outcomes = empty
        let read = object { scanner, key in
            guard let field = fields[key] else { return scanner.unknown() }
            return scanner.optional(&outcomes[keyPath: field]) { $0.enumeration(GuidanceOutcome.self) }
        }
        return read ? outcomes : nil
    }

    // MARK: JSON

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func atEnd() -> Bool {
        skipSpace()
        return index == bytes.count
    }

    /// An object: `member` reads each member's value (the scanner placed on it) and says whether it could.
    /// A key repeated is refused (`JSONDecoder` would take one of them).
    private mutating func object(_ member: (inout EventJSONScanner, String) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        var seen: [String] = []
        repeat {
            skipSpace()
            guard let key = string(), !seen.contains(key), consume(UInt8(ascii: ":")) else { return false }
            seen.append(key)
            skipSpace()
            guard member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    private mutating func array<Element>(_ element: (inout EventJSONScanner) -> Element?) -> [Element]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if consume(UInt8(ascii: "]")) { return elements }
        repeat {
            skipSpace()
            guard let value = element(&self) else { return nil }
            elements.append(value)
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? elements : nil
    }

    /// An optional field: `null` leaves `value` nil, anything else must read with `read`.
    private mutating func optional<Value>(_ value: inout Value?, _ read: (inout EventJSONScanner) -> Value?) -> Bool {
        if literal("null") {
            value = nil
            return true
        }
        value = read(&self)
        return value != nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// A string without escapes (`nil` for one with any: `JSONDecoder` reads those).
    private mutating func string() -> String? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var end = start, ascii = true
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // What a client sent may not be UTF-8 (`JSONDecoder` refuses it); PostgreSQL's text always is. ASCII
        // is UTF-8 already, and is most of what is read (keys, ids, enumerations): it skips the generic
        // validating initializer, which looked up its metadata on every call (2% of the server in a batch).
        guard strict, !ascii else { return String(decoding: text, as: UTF8.self) }
        return String(validating: text, as: UTF8.self)
    }

    private mutating func enumeration<Value: RawRepresentable<String>>(_: Value.Type) -> Value? {
        string().flatMap(Value.init(rawValue:))
    }

    /// An integer written without a fraction or an exponent, of at most 18 digits.
    private mutating func integer() -> Int? {
        var position = index
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value = 0, digits = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            // Longer numbers are left to JSONDecoder before they could overflow here.
            guard digits < 18 else { return nil }
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        guard (1...18).contains(digits) else { return nil }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) { return nil }
        // JSON has no leading zeros ("01"); leave such text to JSONDecoder.
        if digits > 1, bytes[position - digits] == UInt8(ascii: "0") { return nil }
        index = position
        return negative ? -value : value
    }

    /// A UUID in its text form (either case), as `UUID(uuidString:)` reads it.
    private mutating func uuid() -> UUID? {
        guard peek() == UInt8(ascii: "\""), index + 38 <= bytes.count, bytes[index + 37] == UInt8(ascii: "\""),
              let id = UUID(text: bytes[(index + 1)..<(index + 37)]) else { return nil }
        index += 38
        return id
    }

    /// A key no field reads: its value passed over in a stored payload, the end of reading in a client's event.
    private mutating func unknown() -> Bool {
        !strict && skipValue()
    }

    /// Passes over a value of a key no field reads (strings with escapes included).
    private mutating func skipValue() -> Bool {
        skipSpace()
        guard let first = peek() else { return false }
        switch first {
        case UInt8(ascii: "\""):
            index += 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                if bytes[index] == UInt8(ascii: "\"") { index += 1; return true }
                index += 1
            }
            return false
        case UInt8(ascii: "{"):
            return object { scanner, _ in scanner.skipValue() }
        case UInt8(ascii: "["):
            return array { $0.skipValue() ? () : nil } != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            let start = index
            while index < bytes.count, let byte = peek(),
                  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(byte) {
                index += 1
            }
            return index > start
        }
    }
}
