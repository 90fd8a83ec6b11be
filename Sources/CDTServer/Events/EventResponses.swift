import CDTModuleKit
import CDTDomain
import Foundation
import Hummingbird

/// A stored event as the API shows it: the event's own JSON with `recordedAt`.
struct EventResponse: ResponseEncodable {
    var event: DomainEvent

    func encode(to encoder: any Encoder) throws { try event.encode(to: encoder) }
}

/// The answer to `POST /api/v1/events`.
struct SubmittedEventResponse: ResponseEncodable {
    /// `accepted` or `duplicate`.
    var outcome: String
    var event: EventResponse
}

/// One event's outcome in a batch.
struct BatchResult: Encodable, Sendable {
    /// The event's position in the batch, from 0.
    var index: Int
    /// The event's id, when it could be read.
    var id: String?
    /// `accepted`, `duplicate`, `conflict` or `rejected`.
    var outcome: String
    var recordedAt: Date?
    /// For `rejected` and `conflict`: the broken rules.
    var errors: [ProblemDetails.FieldError]?
}

/// The answer to `POST /api/v1/events/batch`.
struct BatchResponse: ResponseEncodable {
    var accepted: Int
    var duplicates: Int
    var conflicts: Int
    var rejected: Int
    var results: [BatchResult]
}

