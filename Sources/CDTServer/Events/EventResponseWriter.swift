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
        var json = JSONText(capacity: 80 + batch.results.count * 140)
        var instants = InstantText()
        json.object { json in
            json.key("accepted")
            json.integer(batch.accepted)
            json.key("conflicts")
            json.integer(batch.conflicts)
            json.key("duplicates")
            json.integer(batch.duplicates)
            json.key("rejected")
            json.integer(batch.rejected)
            json.key("results")
            json.array(batch.results) { json, result in
                json.object { json in
                    if let errors = result.errors {
                        json.key("errors")
                        json.array(errors) { json, error in
                            json.object { json in
                                json.key("field")
                                json.string(error.field)
                                json.key("rule")
                                json.string(error.rule)
                            }
                        }
                    }
                    if let id = result.id {
                        json.key("id")
                        json.string(id)
                    }
                    json.key("index")
                    json.integer(result.index)
                    json.key("outcome")
                    json.string(result.outcome)
                    if let recordedAt = result.recordedAt {
                        json.key("recordedAt")
                        json.string(instants.text(recordedAt))
                    }
                }
            }
        }
        return json.bytes
    }

    /// A submitted visit's answer; `nil` for any other event (the encoder writes those).
    static func json(_ submitted: SubmittedEventResponse) -> [UInt8]? {
        let event = submitted.event.event
        guard case .householdVisited(let visit) = event.payload else { return nil }
        var json = JSONText(capacity: 512 + (visit.note?.utf8.count ?? 0))
        var instants = InstantText()
        json.object { json in
            json.key("event")
            json.object { json in
                json.key("authorId")
                json.uuid(event.authorID)
                json.key("id")
                json.string(event.id.description)
                json.key("occurredAt")
                json.string(instants.text(event.occurredAt))
                json.key("payload")
                EventJSONWriter.write(visit, to: &json)
                if let recordedAt = event.recordedAt {
                    json.key("recordedAt")
                    json.string(instants.text(recordedAt))
                }
                json.key("type")
                json.string(event.type.rawValue)
                json.key("unitId")
                json.string(event.unitID.description)
                json.key("version")
                json.integer(event.version)
            }
            json.key("outcome")
            json.string(submitted.outcome)
        }
        return json.bytes
    }

    static func response(_ json: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(json.count)],
                 body: .init(byteBuffer: ByteBuffer(bytes: json)))
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
