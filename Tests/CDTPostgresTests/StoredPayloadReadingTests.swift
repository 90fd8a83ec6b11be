import CDTDomain
@testable import CDTPostgres
import Foundation
import Testing

/// The feed reads the log's most frequent payloads without `JSONDecoder` (``EventJSONScanner``): it must
/// give exactly what `JSONDecoder` gives, and leave to `JSONDecoder` whatever it does not read.
@Suite struct StoredPayloadReadingTests {
    /// Payloads as PostgreSQL prints `jsonb` (keys by length, a space after `:` and `,`) and as the server
    /// writes them (sorted keys, no spaces), with optional fields present, `null` and absent, unknown keys,
    /// upper-case ids and Vietnamese text.
    static let readable: [(EventType, String)] = [
        (.householdVisited, #"{"skills": {"cyberSafety": "notApplicable", "onlinePayment": "mastered", "onlineShopping": "guided"}, "services": {"ePaymentAccountOpened": "guided", "onlinePublicServiceUsed": "mastered"}, "memberIds": ["b0a4142f-9afd-4000-856c-4d84faf385b4"], "householdId": "87002920-ab4b-43e9-8ca8-090d97213c60"}"#),
        (.householdVisited, #"{"householdId":"87002920-AB4B-43E9-8CA8-090D97213C60","memberIds":["b0a4142f-9afd-4000-856c-4d84faf385b4","74008919-bad3-4c54-acbe-86f60a983f35"],"note":"Hướng dẫn cài VNeID","services":{},"skills":{"onlinePublicServices":"mastered","otherPlatforms":null}}"#),
        (.householdVisited, #"{"note": null, "skills": {"digital": {"deep": [1, 2.5e3, true, false, null, "x\"y"]}}, "extra": "ignored \\ text", "services": {"vneidActivated": "mastered", "digitalStoreOpened": "notApplicable"}, "memberIds": [], "householdId": "87002920-ab4b-43e9-8ca8-090d97213c60"}"#),
        (.householdRegistered, #"{"size": 6, "label": "Hộ Hồ Công Bình", "residents": [{"count": 1, "ageBand": "0-14"}, {"count": 4, "ageBand": "15-59", "withSmartphone": 2}, {"count": 1, "ageBand": "60+", "notApplicable": 0, "withSmartphone": 0, "notApplicableReason": "elderly"}], "householdId": "87002920-ab4b-43e9-8ca8-090d97213c60"}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":1}"#),
        (.householdUpdated, #"{"size": 12, "label": null, "residents": null, "householdId": "3c75c24f-1b21-4afc-b973-8e79065f5357", "notApplicable": "movedAway"}"#),
        (.householdUpdated, #"{"size": -3, "residents": [{"count": 0, "ageBand": "60+", "notApplicable": 2, "notApplicableReason": null}], "householdId": "3c75c24f-1b21-4afc-b973-8e79065f5357"}"#),
    ]

    /// Texts it leaves to `JSONDecoder`: escapes, fractions, wrong kinds, missing fields, unknown values,
    /// ids not in the canonical form, repeated keys, trailing text.
    static let leftToJSONDecoder: [(EventType, String)] = [
        (.householdVisited, #"{"householdId":"87002920-ab4b-43e9-8ca8-090d97213c60","memberIds":[],"note":"a \"quoted\" word","services":{},"skills":{}}"#),
        (.householdVisited, #"{"householdId":"87002920-ab4b-43e9-8ca8-090d97213c60","memberIds":[],"services":{}}"#),
        (.householdVisited, #"{"householdId":"87002920-ab4b-43e9-8ca8-090d97213c60","memberIds":[],"services":{},"skills":{"cyberSafety":"expert"}}"#),
        (.householdVisited, #"{"householdId":"87002920ab4b43e98ca8090d97213c60","memberIds":[],"services":{},"skills":{}}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":2.0}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":"2"}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":02}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":2,"size":3}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":null}"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":2} x"#),
        (.householdRegistered, #"{"householdId":"3c75c24f-1b21-4afc-b973-8e79065f5357","size":2,"residents":[{"count":1,"ageBand":"0-99"}]}"#),
        (.teamDissolved, #"{"teamId":"3c75c24f-1b21-4afc-b973-8e79065f5357"}"#),
    ]

    @Test(arguments: readable.indices)
    func readsWhatJSONDecoderReadsTheSame(_ index: Int) throws {
        let (type, json) = Self.readable[index]
        let scanned = try #require(EventJSONScanner.payload(type, json: json))
        #expect(scanned == (try EventPayloadCodec.decodeWithJSONDecoder(type, json: json)))
        #expect(try EventPayloadCodec.decode(type, json: json) == scanned)
    }

    @Test(arguments: leftToJSONDecoder.indices)
    func leavesTheRestToJSONDecoder(_ index: Int) throws {
        let (type, json) = Self.leftToJSONDecoder[index]
        #expect(EventJSONScanner.payload(type, json: json) == nil)
        // Whatever JSONDecoder makes of it, decoding gives the same (a payload or the same refusal).
        let expected = Result { try EventPayloadCodec.decodeWithJSONDecoder(type, json: json) }
        let decoded = Result { try EventPayloadCodec.decode(type, json: json) }
        switch (expected, decoded) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure, .failure): break
        default: Issue.record("decode and JSONDecoder disagree on \(json)")
        }
    }

    /// Payloads made by the domain's own encoder, many of them, read back the same.
    @Test func readsEncodedPayloadsBackTheSame() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let visit = RandomVisits.visit(note: round % 3 == 0 ? nil : "Ghi chú \(round)", maximumMembers: 3)
            let residents: [ResidentCount]? = round % 4 == 0 ? nil : AgeBand.allCases.map {
                ResidentCount(ageBand: $0, count: Int.random(in: 0...9, using: &generator), withSmartphone: Int.random(in: 0...3, using: &generator),
                              notApplicable: Int.random(in: 0...2, using: &generator), notApplicableReason: NotApplicableReason.allCases.randomElement())
            }
            let details = HouseholdDetails(householdId: ID(), label: round % 5 == 0 ? nil : "Hộ số \(round)", size: Int.random(in: 1...20, using: &generator),
                                           residents: residents, notApplicable: round % 7 == 0 ? .refused : nil)
            for payload in [EventPayload.householdVisited(visit), .householdRegistered(details), .householdUpdated(details)] {
                let json = try EventPayloadCodec.encode(payload)
                #expect(EventJSONScanner.payload(payload.type, json: json) == payload)
            }
        }
    }
}
