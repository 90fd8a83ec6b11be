import CDTDomain
import CDTModuleKit
import Foundation
import Hummingbird

/// The answers of `POST /api/v1/events` (for a visit) and of `POST /api/v1/events/batch`, written by hand:
/// the same bytes the server's `JSONEncoder` writes (keys sorted, slashes not escaped, instants in ISO 8601
/// without fractions), without going through `Encodable`, which was 6% of the server's CPU during batch
/// ingestion (docs/benchmarks.md, "Eighth round"). `EventResponseWriterTests` compares the two.
enum EventResponseWriter {
    static func json(_ batch: BatchResponse) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(80 + batch.results.count * 140)
        out += #"{"accepted":"#.utf8
        appendInteger(batch.accepted, to: &out)
        out += #","conflicts":"#.utf8
        appendInteger(batch.conflicts, to: &out)
        out += #","duplicates":"#.utf8
        appendInteger(batch.duplicates, to: &out)
        out += #","rejected":"#.utf8
        appendInteger(batch.rejected, to: &out)
        out += #","results":["#.utf8
        var instants = InstantText()
        for (position, result) in batch.results.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            var first = true
            if let errors = result.errors {
                first = false
                out += #""errors":["#.utf8
                for (number, error) in errors.enumerated() {
                    if number > 0 { out.append(UInt8(ascii: ",")) }
                    out += #"{"field":"#.utf8
                    EventJSONWriter.appendString(error.field, to: &out)
                    out += #","rule":"#.utf8
                    EventJSONWriter.appendString(error.rule, to: &out)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "]"))
            }
            if let id = result.id {
                out += (first ? #""id":"# : #","id":"#).utf8
                first = false
                EventJSONWriter.appendString(id, to: &out)
            }
            out += (first ? #""index":"# : #","index":"#).utf8
            appendInteger(result.index, to: &out)
            out += #","outcome":"#.utf8
            EventJSONWriter.appendString(result.outcome, to: &out)
            if let recordedAt = result.recordedAt {
                out += #","recordedAt":""#.utf8
                out += instants.text(recordedAt).utf8
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "}"))
        }
        out += "]}".utf8
        return out
    }

    /// A submitted visit's answer; `nil` for any other event (the encoder writes those).
    static func json(_ submitted: SubmittedEventResponse) -> [UInt8]? {
        let event = submitted.event.event
        guard case .householdVisited(let visit) = event.payload else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(512 + (visit.note?.utf8.count ?? 0))
        var instants = InstantText()
        out += #"{"event":{"authorId":""#.utf8
        out += event.authorID.uuidString.lowercased().utf8
        out += #"","id":""#.utf8
        out += event.id.description.utf8
        out += #"","occurredAt":""#.utf8
        out += instants.text(event.occurredAt).utf8
        out += #"","payload":"#.utf8
        EventJSONWriter.append(visit, to: &out)
        if let recordedAt = event.recordedAt {
            out += #","recordedAt":""#.utf8
            out += instants.text(recordedAt).utf8
            out.append(UInt8(ascii: "\""))
        }
        out += #","type":"#.utf8
        EventJSONWriter.appendString(event.type.rawValue, to: &out)
        out += #","unitId":""#.utf8
        out += event.unitID.description.utf8
        out += #"","version":"#.utf8
        appendInteger(event.version, to: &out)
        out += #"},"outcome":"#.utf8
        EventJSONWriter.appendString(submitted.outcome, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func response(_ json: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(json.count)],
                 body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    private static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        out += String(value).utf8
    }

    /// Instants as the encoder's `.iso8601` writes them, the last one kept (a batch's events share one).
    private struct InstantText {
        private var last: (Date, String)?

        mutating func text(_ date: Date) -> String {
            if let last, last.0 == date { return last.1 }
            let text = date.formatted(Self.style)
            last = (date, text)
            return text
        }

        private static let style = Date.ISO8601FormatStyle()
    }
}

extension BatchResponse {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        EventResponseWriter.response(EventResponseWriter.json(self))
    }
}

extension SubmittedEventResponse {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        guard let json = EventResponseWriter.json(self) else { return try context.responseEncoder.encode(self, from: request, context: context) }
        return EventResponseWriter.response(json)
    }
}
