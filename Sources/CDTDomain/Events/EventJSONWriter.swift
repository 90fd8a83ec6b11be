/// Writes JSON as `JSONEncoder` writes it with keys sorted and slashes not escaped (the settings of the
/// log's payloads and of the API's answers), byte for byte, without going through `Encodable`: visits are
/// most of what is ingested, and encoding each with `JSONEncoder` was 9% of the server's CPU during batch
/// ingestion (docs/benchmarks.md, "Eighth round").
public enum EventJSONWriter {
    /// A visit's payload: the same bytes as `JSONEncoder` writes of it with `.sortedKeys` and
    /// `.withoutEscapingSlashes` (fields without a value left out).
    public static func json(_ visit: HouseholdVisited) -> String {
        var out: [UInt8] = []
        append(visit, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a visit's payload, as ``json(_:)`` writes it.
    public static func append(_ visit: HouseholdVisited, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 256 + (visit.note?.utf8.count ?? 0))
        out.append(contentsOf: #"{"householdId":""#.utf8)
        out.append(contentsOf: visit.householdId.description.utf8)
        out.append(contentsOf: #"","memberIds":["#.utf8)
        for (position, member) in visit.memberIds.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: member.description.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        if let note = visit.note {
            out.append(contentsOf: #","note":"#.utf8)
            appendString(note, to: &out)
        }
        out.append(contentsOf: #","services":"#.utf8)
        let services = visit.services
        appendOutcomes([("digitalStoreOpened", services.digitalStoreOpened), ("ePaymentAccountOpened", services.ePaymentAccountOpened),
                        ("onlinePublicServiceUsed", services.onlinePublicServiceUsed), ("vneidActivated", services.vneidActivated)], to: &out)
        out.append(contentsOf: #","skills":"#.utf8)
        let skills = visit.skills
        appendOutcomes([("cyberSafety", skills.cyberSafety), ("onlinePayment", skills.onlinePayment), ("onlinePublicServices", skills.onlinePublicServices),
                        ("onlineShopping", skills.onlineShopping), ("otherPlatforms", skills.otherPlatforms)], to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// An object of the outcomes given, keys in the order passed (sorted by the caller).
    private static func appendOutcomes(_ outcomes: [(StaticString, GuidanceOutcome?)], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, outcome) in outcomes {
            guard let outcome else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            out.append(contentsOf: #"":""#.utf8)
            out.append(contentsOf: outcome.rawValue.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string as `JSONEncoder` escapes it: quotes, backslashes and control characters; the rest as it is.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
