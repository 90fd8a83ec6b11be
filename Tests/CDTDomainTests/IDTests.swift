import CDTDomain
import Foundation
import Testing

private enum Team {}

@Suite struct IDTests {
    @Test func parsesAndPrintsTheCanonicalLowerCaseForm() throws {
        let id = try #require(ID<Team>("6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(id.description == "6f9619ff-8b86-d011-b42d-00c04fc964ff")
        #expect(ID<Team>("not a uuid") == nil)
    }

    @Test func encodesAsABareLowerCaseUUIDString() throws {
        let uuid = UUID()
        let data = try JSONEncoder().encode([ID<Team>(rawValue: uuid)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(uuid.uuidString.lowercased())\"]")
        #expect(try JSONDecoder().decode([ID<Team>].self, from: data) == [ID(rawValue: uuid)])
    }

    @Test func aUUIDsLowerCaseTextAndOrderAreFoundationsWithoutMakingText() {
        let ids = (0..<500).map { _ in UUID() } + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                                                  UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for id in ids {
            #expect(id.lowercasedText == id.uuidString.lowercased())
            var bytes: [UInt8] = [1]
            id.appendLowercasedText(to: &bytes)
            #expect(bytes == [1] + Array(id.uuidString.lowercased().utf8))
        }
        // Byte order is the texts' order, in either case: a sort by it is a sort by text.
        for (a, b) in zip(ids, ids.shuffled()) {
            #expect(a.precedesInTextOrder(b) == (a.uuidString < b.uuidString))
            #expect(a.precedesInTextOrder(b) == (a.uuidString.lowercased() < b.uuidString.lowercased()))
        }
        #expect(ids.sorted { $0.precedesInTextOrder($1) } == ids.sorted { $0.uuidString < $1.uuidString })
    }

    @Test func aUUIDIsReadFromItsTextInEitherCaseAndNothingElseIs() {
        let ids = (0..<500).map { _ in UUID() } + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                                                  UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for id in ids {
            #expect(UUID(text: Array(id.uuidString.utf8)) == id)
            #expect(UUID(text: Array(id.lowercasedText.utf8)) == id)
            // A slice that does not start at zero, as the JSON scanner and the Postgres client pass it.
            #expect(UUID(text: Array(("\"" + id.lowercasedText + "\"").utf8)[1...36]) == id)
        }
        let good = "6f9619ff-8b86-d011-b42d-00c04fc964ff"
        for bad in ["", String(good.dropLast()), good + "0", good.replacingOccurrences(of: "-", with: ""),
                    "6f9619ff-8b86-d011-b42d-00c04fc964fg", "6f9619ff+8b86-d011-b42d-00c04fc964ff", "6f9619ff-8b86-d011-b42d00-c04fc964ff",
                    "{6f9619ff-8b86-d011-b42d-00c04fc964f}"] {
            #expect(UUID(text: Array(bad.utf8)) == nil, "\(bad)")
            #expect((UUID(text: Array(bad.utf8)) == nil) == (UUID(uuidString: bad) == nil), "\(bad)")
        }
        #expect(HexDigit.value(of: UInt8(ascii: "F")) == 15 && HexDigit.value(of: UInt8(ascii: "a")) == 10)
        #expect(HexDigit.value(of: UInt8(ascii: "g")) == nil && HexDigit.value(of: UInt8(ascii: "/")) == nil)
    }

    @Test func jsonTextWritesAUUIDAsItsLowerCaseString() throws {
        let id = try #require(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        var json = JSONText()
        json.object { json in
            json.key("id"); json.uuid(id)
            json.key("ids"); json.array([id, id]) { json, id in json.uuid(id) }
        }
        #expect(String(decoding: json.bytes, as: UTF8.self)
            == #"{"id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","ids":["6f9619ff-8b86-d011-b42d-00c04fc964ff","6f9619ff-8b86-d011-b42d-00c04fc964ff"]}"#)
    }

    @Test func injectedEnvironmentIsDeterministic() {
        let fixed = UUID()
        let environment = DomainEnvironment(now: { Date(timeIntervalSince1970: 0) }, makeUUID: { fixed })
        #expect(environment.now() == Date(timeIntervalSince1970: 0))
        #expect(environment.makeUUID() == fixed)
    }
}
