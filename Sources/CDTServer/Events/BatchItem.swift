import CDTDomain
import CDTModuleKit
import Foundation

/// One event of a batch body before it is decoded: its own bytes (the body scanned once; decoding them
/// refuses what ``JSONScan`` refuses in them) or its parsed value (a body that had to be parsed whole), with
/// what ``JSONScan`` refused in it.
struct BatchItem {
    private let bytes: Data?
    private let parsed: Any?
    /// A key given twice or a NUL character in a parsed event: it is refused, the rest of the batch is not.
    let problems: [Violation]

    /// An event of a body scanned once: its decoding refuses what ``JSONScan`` refuses in it.
    init(bytes: Data) {
        self.bytes = bytes
        self.parsed = nil
        self.problems = []
    }

    init(parsed: Any, problems: [Violation]) {
        self.bytes = nil
        self.parsed = parsed
        self.problems = problems
    }

    /// The event, its fields named under `prefix`.
    func decode(prefix: String) throws(ValidationFailure) -> DomainEvent {
        if let bytes {
            // The most frequent events read without JSONDecoder; anything else (or anything wrong) the decoder's way.
            if let event = EventJSONScanner.submittedEvent(bytes) { return event }
            return try JSONInput.decode(DomainEvent.self, fromJSON: bytes, prefix: prefix)
        }
        return try JSONInput.decode(DomainEvent.self, from: parsed ?? NSNull(), prefix: prefix)
    }

    /// Whether these bytes failed to decode because they are not JSON at all (which refuses the batch).
    static func isMalformed(_ failure: ValidationFailure) -> Bool {
        failure.violations.contains { $0.rule == JSONInput.malformedRule }
    }

    /// The event's `id` as sent, for the answer of an event that is refused.
    var id: String? {
        if let parsed { return (parsed as? [String: Any])?["id"] as? String }
        guard let bytes else { return nil }
        return (try? JSONDecoder().decode(SentID.self, from: bytes))?.id
    }

    private struct SentID: Decodable {
        let id: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try? container.decodeIfPresent(String.self, forKey: .id)
        }
        enum CodingKeys: String, CodingKey { case id }
    }
}
