import CDTDomain
import CDTModuleKit
import Foundation
import Testing

/// The server reads the most frequent events clients send without `JSONDecoder`
/// (``EventJSONScanner/submittedEvent(_:)``). It must give exactly the event the strict decoder gives
/// (``JSONInput/decode(_:fromJSON:prefix:)``, with its unknown-field check), and read nothing the decoder
/// would refuse or read differently, so that the server's answers, refusals included, stay as they were.
@Suite struct SubmittedEventScannerTests {
    static let visitPayload = #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": ["b0a4142f-9afd-4000-856c-4d84faf385b4"], "skills": {"onlinePayment": "mastered"}, "services": {"vneidActivated": "guided"}}"#

    static func event(_ fields: String, payload: String = visitPayload, type: String = "household.visited") -> String {
        #"{"id": "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e", "type": "\#(type)", "version": 1, "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "occurredAt": "2026-11-20T09:30:00+07:00", "payload": \#(payload)\#(fields)}"#
    }

    /// Events it reads: other key orders and spacing, the payload before the type, upper-case ids, instants
    /// in UTC and with fractions, `null` and Vietnamese text, and the household events it reads besides visits.
    static let readable: [String] = [
        event(""),
        #"{"payload":{"services":{},"skills":{"cyberSafety":"notApplicable"},"memberIds":["B0A4142F-9AFD-4000-856C-4D84FAF385B4"],"householdId":"87002920-AB4B-43E9-8CA8-090D97213C60","note":null},"occurredAt":"2026-11-20T02:30:00.250Z","authorId":"B0A4142F-9AFD-4000-856C-4D84FAF385B4","unitId":"0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b","version":1,"type":"household.visited","id":"5F0C2D6E-8A47-4B8E-9D7E-1C2A3B4C5D6E"}"#,
        "\n\t{ \"id\" : \"5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e\" ,\r\n \"type\":\"household.visited\", \"version\": 1, \"unitId\": \"0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b\", \"authorId\": \"b0a4142f-9afd-4000-856c-4d84faf385b4\", \"occurredAt\": \"2026-11-20T09:30:00+07:00\", \"payload\" : " + visitPayload + " } \n",
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": ["b0a4142f-9afd-4000-856c-4d84faf385b4", "74008919-bad3-4c54-acbe-86f60a983f35"], "skills": {}, "services": {"digitalStoreOpened": "notApplicable"}, "note": "Hướng dẫn cài VNeID cho bà Hồ"}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "size": 4, "label": "Hộ Lò Văn Pọm", "residents": [{"ageBand": "15-59", "count": 2, "withSmartphone": 1}]}"#, type: "household.registered"),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "size": 1, "notApplicable": "movedAway"}"#, type: "household.updated"),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "size": 3, "label": null, "residents": [{"ageBand": "60+", "count": 1, "withSmartphone": 0, "notApplicable": 0, "notApplicableReason": null}, {"count": 2, "ageBand": "0-14"}]}"#, type: "household.updated"),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {}, "services": {}}"#),
    ]

    /// Events it leaves to the decoder: unknown keys anywhere (with a value or `null`), `recordedAt`, a key
    /// twice, escapes, text that is not UTF-8, types it does not read, wrong kinds, missing fields, instants
    /// the server refuses, trailing text, more than one value.
    static let leftToTheDecoder: [String] = [
        event(#", "extra": 1"#),
        event(#", "extra": null"#),
        event(#", "recordedAt": "2026-11-20T09:30:00+07:00""#),
        event(#", "recordedAt": null"#),
        event(#", "version": 1"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {}, "services": {}, "mood": "happy"}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {"juggling": "mastered"}, "services": {}}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {}, "services": {}, "note": "a \"quoted\" word"}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {}, "services": {}, "note": "NUL \u0000 here"}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {}}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": null, "services": {}}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {"cyberSafety": "expert"}, "services": {}}"#),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "size": 2.0}"#, type: "household.registered"),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "size": 99999999999999999999999999}"#, type: "household.registered"),
        event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "size": -9223372036854775809}"#, type: "household.registered"),
        event("", payload: #"{"teamId": "87002920-ab4b-43e9-8ca8-090d97213c60"}"#, type: "team.dissolved"),
        event("", type: "household.teleported"),
        event("", payload: "[]"),
        event("", payload: "null"),
        #"{"id": "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e", "type": "household.visited", "version": 1, "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "payload": \#(visitPayload)}"#,
        #"{"id": "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e", "type": "household.visited", "version": "1", "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "occurredAt": "2026-11-20T09:30:00+07:00", "payload": \#(visitPayload)}"#,
        #"{"id": "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e", "type": "household.visited", "version": 123456789012345678901234567890, "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "occurredAt": "2026-11-20T09:30:00+07:00", "payload": \#(visitPayload)}"#,
        #"{"id": "5f0c2d6e8a474b8e9d7e1c2a3b4c5d6e", "type": "household.visited", "version": 1, "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "occurredAt": "2026-11-20T09:30:00+07:00", "payload": \#(visitPayload)}"#,
        #"{"id": "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e", "type": "household.visited", "version": 1, "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "occurredAt": "2026-11-20T09:30:00", "payload": \#(visitPayload)}"#,
        #"{"id": "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e", "type": "household.visited", "version": 1, "unitId": "0f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "authorId": "b0a4142f-9afd-4000-856c-4d84faf385b4", "occurredAt": "2026-02-30T09:30:00+07:00", "payload": \#(visitPayload)}"#,
        event("") + " x",
        event("") + " " + event(""),
        "[" + event("") + "]",
    ]

    @Test(arguments: readable.indices)
    func readsWhatTheDecoderReadsTheSame(_ index: Int) throws {
        let json = Data(Self.readable[index].utf8)
        let scanned = try #require(EventJSONScanner.submittedEvent(json))
        #expect(scanned == (try JSONInput.decode(DomainEvent.self, fromJSON: json)))
    }

    @Test(arguments: leftToTheDecoder.indices)
    func leavesTheRestToTheDecoder(_ index: Int) {
        #expect(EventJSONScanner.submittedEvent(Data(Self.leftToTheDecoder[index].utf8)) == nil)
    }

    @Test func leavesTextThatIsNotUTF8ToTheDecoder() {
        var bytes = Array(Self.event("", payload: #"{"householdId": "87002920-ab4b-43e9-8ca8-090d97213c60", "memberIds": [], "skills": {}, "services": {}, "note": "ab"}"#).utf8)
        let note = bytes.indices.first { bytes[$0] == UInt8(ascii: "a") && bytes[$0 + 1] == UInt8(ascii: "b") && bytes[$0 + 2] == UInt8(ascii: "\"") }!
        bytes[note] = 0xC3  // the start of a two-byte sequence, followed by an ASCII letter
        #expect(EventJSONScanner.submittedEvent(Data(bytes)) == nil)
        #expect(throws: ValidationFailure.self) { try JSONInput.decode(DomainEvent.self, fromJSON: Data(bytes)) }
    }

    /// Visits of every shape the synthetic data makes, written as a client writes them, read the same.
    @Test func readsManyVisitsTheSame() throws {
        var generator = SystemRandomNumberGenerator()
        let outcomes = ["null"] + GuidanceOutcome.allCases.map { "\"\($0.rawValue)\"" }
        let skills = ["onlinePublicServices", "onlineShopping", "onlinePayment", "cyberSafety", "otherPlatforms"]
        let services = ["vneidActivated", "ePaymentAccountOpened", "digitalStoreOpened", "onlinePublicServiceUsed"]
        func outcomesObject(_ keys: [String]) -> String {
            "{" + keys.filter { _ in Bool.random(using: &generator) }.map { "\"\($0)\": \(outcomes.randomElement(using: &generator)!)" }.joined(separator: ", ") + "}"
        }
        for round in 0..<300 {
            let members = (0..<Int.random(in: 0...4, using: &generator)).map { _ in "\"\(UUID().uuidString.lowercased())\"" }.joined(separator: ",")
            let note = round % 3 == 0 ? "" : round % 3 == 1 ? #", "note": null"# : #", "note": "Ghi chú số \#(round)""#
            let payload = #"{"householdId": "\#(UUID().uuidString)", "memberIds": [\#(members)], "skills": \#(outcomesObject(skills)), "services": \#(outcomesObject(services))\#(note)}"#
            let seconds = Int.random(in: 0..<86_400 * 300, using: &generator)
            let instant = Date(timeIntervalSince1970: 1_735_689_600 + Double(seconds)).formatted(.iso8601)
            let json = Data(#"{"id": "\#(UUID().uuidString.lowercased())", "type": "household.visited", "version": \#(round % 2 + 1), "unitId": "\#(UUID().uuidString.lowercased())", "authorId": "\#(UUID().uuidString.lowercased())", "occurredAt": "\#(instant)", "payload": \#(payload)}"#.utf8)
            let scanned = try #require(EventJSONScanner.submittedEvent(json))
            #expect(scanned == (try JSONInput.decode(DomainEvent.self, fromJSON: json)))
        }
    }
}
