import CDTDomain
import Foundation
import Synchronization

/// Payloads as the log stores them: JSON with sorted keys, compared as `jsonb` for duplicates.
enum EventPayloadCodec {
    /// One encoder for every payload (configuring one per event cost more than encoding on the ingest path).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ payload: EventPayload) throws -> String {
        if case .householdVisited(let visit) = payload { return EventJSONWriter.json(visit) }
        return try encodeWithJSONEncoder(payload)
    }

    /// The payload written by `JSONEncoder` alone (what ``encode(_:)`` gives for every type but visits).
    static func encodeWithJSONEncoder(_ payload: EventPayload) throws -> String {
        String(decoding: try encoder.encode(payload.body), as: UTF8.self)
    }

    /// The payload of `type` stored as `json`: the most frequent types read by ``EventJSONScanner``
    /// (the same value `JSONDecoder` gives, several times faster), anything it does not read by `JSONDecoder`.
    static func decode(_ type: EventType, json: String) throws -> EventPayload {
        if let payload = EventJSONScanner.payload(type, json: json) { return payload }
        return try decodeWithJSONDecoder(type, json: json)
    }

    /// The payload decoded by `JSONDecoder` alone (what ``decode(_:json:)`` falls back to).
    static func decodeWithJSONDecoder(_ type: EventType, json: String) throws -> EventPayload {
        try decoder(for: type).decode(Box.self, from: Data(json.utf8)).payload
    }

    /// One decoder per event type, made once: the feed decodes thousands of payloads a second, and a
    /// decoder is safe to share between threads once configured (only `decode` is called on it).
    private static func decoder(for type: EventType) -> JSONDecoder {
        if let decoder = decoders.withLock({ $0[type] }) { return decoder }
        let decoder = JSONDecoder()
        decoder.userInfo[typeKey] = type
        return decoders.withLock { cached in
            if let existing = cached[type] { return existing }
            cached[type] = decoder
            return decoder
        }
    }

    private static let decoders = Mutex<[EventType: JSONDecoder]>([:])

    private static let typeKey = CodingUserInfoKey(rawValue: "cdt.eventType")!

    private struct Box: Decodable {
        let payload: EventPayload
        init(from decoder: any Decoder) throws {
            guard let type = decoder.userInfo[EventPayloadCodec.typeKey] as? EventType else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no event type given"))
            }
            payload = try EventPayload.decode(type, from: decoder)
        }
    }
}
