import CDTDomain
import Foundation
import HTTPTypes
import Testing

/// A batch body of the plain shape `{"events": [ … ]}` is scanned once and each event decoded from its own
/// bytes; every other body is parsed whole. Either way the answers are the same: malformed JSON anywhere
/// refuses the whole batch and stores nothing, a key given twice refuses its own event, and an escaped key
/// or odd whitespace is still a batch. (Foundation's parser forgives a trailing comma; so does the batch.)
@Suite struct BatchBodyTests {
    @Test func malformedJSONAnywhereInABatchRefusesItWholeAndStoresNothing() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let good = EventJSON.text(make.register(ID(), in: fixture.villageA1))
            let bodies = [
                #"{"events": ["# + good + #", {"id": }]}"#,               // an event that is not JSON
                #"{"events": ["# + good + " " + good + "]}",              // no comma between events
                #"{"events": ["# + good + "]} x",                         // something after the body
                #"{"events": ["# + good + #", {"a": 1 "a": 2}]}"#,        // a key twice in an event that is not JSON
                #"{"events": ["# + good + ",,]}",                         // commas and no event
            ]
            for body in bodies {
                let answer = try await client.post("/api/v1/events/batch", body)
                #expect(answer.status == .badRequest, "\(body.suffix(40)): \(answer.text)")
                #expect(answer.fields == [""], "\(body.suffix(40)): \(answer.text)")
            }
            #expect(try await client.get("/api/v1/events?under=\(fixture.provinceA)").items.isEmpty)
        }
    }

    @Test func otherShapesAreParsedWholeAndAnsweredAsBefore() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let first = make.register(ID(), in: fixture.villageA1), second = make.register(ID(), in: fixture.villageA1)
            // An escaped key and whitespace everywhere: still the batch's events.
            let escaped = "\n { \"\\u0065vents\" :\t[ " + EventJSON.text(first) + " ] } \n"
            let accepted = try await client.post("/api/v1/events/batch", escaped)
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.json["accepted"] as? Int == 1)
            let spaced = "{\"events\"\n:\n[\n" + EventJSON.text(second) + "\n]\n}"
            #expect(try await client.post("/api/v1/events/batch", spaced).json["accepted"] as? Int == 1)
            // A field beside the events is unknown; events that are not an array are not a batch.
            let extra = try await client.post("/api/v1/events/batch", #"{"events": [], "note": 1}"#)
            #expect(extra.status == .badRequest)
            #expect(extra.fields == ["note"])
            let notArray = try await client.post("/api/v1/events/batch", #"{"events": {}}"#)
            #expect(notArray.fields == ["events"])
            #expect(try await client.get("/api/v1/events?under=\(fixture.provinceA)").items.count == 2)
        }
    }

    @Test func aKeyGivenTwiceRefusesItsEventAloneWithItsIDAndTheRestIsStored() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let twice = make.register(ID(), in: fixture.villageA1, size: 4)
            let twiceText = EventJSON.text(twice).replacingOccurrences(of: #""size":4"#, with: #""size":4,"size":60"#)
            let answer = try await client.post("/api/v1/events/batch", EventJSON.batch([make.register(ID(), in: fixture.villageA1)], extra: [twiceText]))
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["accepted"] as? Int == 1)
            let refused = (answer.json["results"] as? [[String: Any]])?.first { $0["outcome"] as? String == "rejected" }
            #expect(refused?["index"] as? Int == 1)
            #expect(refused?["id"] as? String == twice.id.description)
        }
    }
}
