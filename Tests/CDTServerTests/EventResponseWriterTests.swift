import CDTDomain
import CDTModuleKit
@testable import CDTServer
import Foundation
import Testing

/// The answers to submitted visits and to batches are written by hand (``EventResponseWriter``): they must be
/// the very bytes the server's `JSONEncoder` writes of the same values, for every outcome and error.
@Suite struct EventResponseWriterTests {
    static let instants = [Date(timeIntervalSince1970: 1_796_000_000), Date(timeIntervalSince1970: 1_796_000_000.731),
                           Date(timeIntervalSince1970: 1_767_225_599.999)]

    @Test func writesBatchAnswersAsTheEncoderDoes() throws {
        var generator = SystemRandomNumberGenerator()
        let rules = ["must name an existing unit", #"is "quoted" \ and / slashed"#, "không được để trống", "tab\there\nnewline\u{1}"]
        for round in 0..<200 {
            let results = (0..<Int.random(in: 0...40, using: &generator)).map { index -> BatchResult in
                let outcome = ["accepted", "duplicate", "conflict", "rejected"].randomElement(using: &generator)!
                let errors: [ProblemDetails.FieldError]? = outcome == "rejected" || outcome == "conflict"
                    ? (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                        ProblemDetails.FieldError(field: "events[\(index)].payload.memberIds[0]", rule: rules.randomElement(using: &generator)!) }
                    : nil
                return BatchResult(index: index, id: Bool.random(using: &generator) ? UUID().uuidString.lowercased() : (round % 5 == 0 ? nil : "not \"an\" id"),
                                   outcome: outcome, recordedAt: errors == nil ? Self.instants.randomElement(using: &generator)! : nil, errors: errors)
            }
            let batch = BatchResponse(accepted: results.filter { $0.outcome == "accepted" }.count, duplicates: round, conflicts: round % 3,
                                      rejected: results.filter { $0.outcome == "rejected" }.count, results: results)
            #expect(String(decoding: EventResponseWriter.json(batch), as: UTF8.self) == String(decoding: try AppRequestContext.encoder.encode(batch), as: UTF8.self))
        }
    }

    @Test func writesSubmittedVisitsAsTheEncoderDoes() throws {
        let notes: [String?] = [nil, "", "Hướng dẫn \"VNeID\" / thanh toán\n", "\u{0}\u{1F}"]
        for (round, note) in notes.enumerated() {
            let visit = HouseholdVisited(householdId: ID(), memberIds: [ID(), ID()], skills: SkillOutcomes(onlinePayment: .mastered),
                                         services: ServiceOutcomes(vneidActivated: .guided), note: note)
            let event = DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: Self.instants[round % 3],
                                    recordedAt: round == 3 ? nil : Self.instants[(round + 1) % 3], version: round + 1, payload: .householdVisited(visit))
            for outcome in ["accepted", "duplicate"] {
                let answer = SubmittedEventResponse(outcome: outcome, event: EventResponse(event: event))
                let written = try #require(EventResponseWriter.json(answer))
                #expect(String(decoding: written, as: UTF8.self) == String(decoding: try AppRequestContext.encoder.encode(answer), as: UTF8.self))
            }
        }
        // Other events are left to the encoder.
        let team = DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: Self.instants[0], payload: .teamDissolved(.init(teamId: ID())))
        #expect(EventResponseWriter.json(SubmittedEventResponse(outcome: "accepted", event: EventResponse(event: team))) == nil)
    }
}
