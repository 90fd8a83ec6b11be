/// Writes a visit's payload as `JSONEncoder` writes it with keys sorted and slashes not escaped (the settings
/// of the log's payloads and of the API's answers), byte for byte, without going through `Encodable`: visits
/// are most of what is ingested, and encoding each with `JSONEncoder` was 9% of the server's CPU during batch
/// ingestion (docs/benchmarks.md, "Eighth round").
public enum EventJSONWriter {
    /// A visit's payload: the same bytes as `JSONEncoder` writes of it with `.sortedKeys` and
    /// `.withoutEscapingSlashes` (fields without a value left out).
    public static func json(_ visit: HouseholdVisited) -> String {
        var json = JSONText(capacity: 256 + (visit.note?.utf8.count ?? 0))
        write(visit, to: &json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Writes a visit's payload as the next value of `json`, as ``json(_:)`` writes it.
    public static func write(_ visit: HouseholdVisited, to json: inout JSONText) {
        json.object { json in
            json.key("householdId")
            json.string(visit.householdId.description)
            json.key("memberIds")
            json.array(visit.memberIds) { json, member in json.string(member.description) }
            if let note = visit.note {
                json.key("note")
                json.string(note)
            }
            let services = visit.services, skills = visit.skills
            json.key("services")
            json.object { json in
                outcome("digitalStoreOpened", services.digitalStoreOpened, &json)
                outcome("ePaymentAccountOpened", services.ePaymentAccountOpened, &json)
                outcome("onlinePublicServiceUsed", services.onlinePublicServiceUsed, &json)
                outcome("vneidActivated", services.vneidActivated, &json)
            }
            json.key("skills")
            json.object { json in
                outcome("cyberSafety", skills.cyberSafety, &json)
                outcome("onlinePayment", skills.onlinePayment, &json)
                outcome("onlinePublicServices", skills.onlinePublicServices, &json)
                outcome("onlineShopping", skills.onlineShopping, &json)
                outcome("otherPlatforms", skills.otherPlatforms, &json)
            }
        }
    }

    /// One guidance outcome of an object whose keys the caller gives in sorted order; none when not given.
    private static func outcome(_ key: StaticString, _ outcome: GuidanceOutcome?, _ json: inout JSONText) {
        guard let outcome else { return }
        json.key(key)
        json.string(outcome.rawValue)
    }
}
