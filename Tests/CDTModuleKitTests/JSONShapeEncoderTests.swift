import CDTDomain
@testable import CDTModuleKit
import CDTTesting
import Foundation
import Testing

/// The unknown-field check compares what a request gave with what the decoded type would write. The shape
/// recorder must find the same fields, of the same kinds, as writing the value with `JSONEncoder` and
/// scanning the JSON again (what the check did before).
@Suite struct JSONShapeEncoderTests {
    func written(_ value: some Encodable) throws -> [String: JSONScan.Kind] {
        JSONScan.shape(of: try JSONEncoder().encode(value))
    }

    struct Everything: Codable {
        enum Mood: String, Codable { case calm, busy }
        enum Outcome: Codable { case done(at: Date, by: [String]), skipped(reason: String?), none }
        struct Nested: Codable { var a: Int; var b: [Int?]; var c: [String: Double] }
        var text = "Lò Thị Mai"
        var absent: String? = nil
        var present: Int? = 3
        var flag = true
        var when = Date(timeIntervalSince1970: 1_754_017_200)
        var bytes = Data([1, 2, 3])
        var link = URL(string: "https://zalo.me/g/abc")!
        var amount = Decimal(string: "12.5")!
        var id = UUID()
        var mood = Mood.busy
        var outcomes: [Outcome] = [.done(at: Date(timeIntervalSince1970: 0), by: ["a", "b"]), .skipped(reason: nil), .none]
        var nested = [Nested(a: 1, b: [1, nil, 3], c: ["x": 1.5, "y.z": 2]), Nested(a: 2, b: [], c: [:])]
        var table: [String: [String: Int]] = ["outer": ["inner": 1], "empty": [:]]
        var byNumber: [Int: String] = [7: "bảy"]
        var grid: [[Int]] = [[1, 2], [], [3]]
        var json: JSONValue = .object(["list": .array([.null, .object(["k": .string("v")])]), "n": .null])
    }

    final class WithSuper: Encodable {
        let own = 1
        class Base: Encodable { let base = "b" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(own, forKey: .own)
            try Base().encode(to: container.superEncoder())
            try Base().encode(to: container.superEncoder(forKey: .parent))
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(2, forKey: .own)
            try Base().encode(to: list.superEncoder())
        }
        enum Keys: String, CodingKey { case own, parent, list }
    }

    @Test func findsWhatJSONEncoderWritesForEveryKindOfValue() throws {
        let value = Everything()
        let shape = JSONShapeEncoder.shape(of: value)
        #expect(shape == (try written(value)))
        // Scalars that conform through containers are scalars, as JSONEncoder writes them.
        #expect(shape["when"] == .scalar && shape["bytes"] == .scalar && shape["link"] == .scalar && shape["amount"] == .scalar)
        // null is not a field given a value; elements keep their positions around it.
        #expect(shape["absent"] == nil && shape["nested[0].b[1]"] == nil && shape["nested[0].b[2]"] == .scalar)
        #expect(try JSONShapeEncoder.shape(of: WithSuper()) == written(WithSuper()))
    }

    @Test func findsWhatJSONEncoderWritesForEvents() throws {
        let units = TestEvents()
        let unit = ID<AdministrativeUnit>()
        let events = [
            units.event(unit, .householdVisited(HouseholdVisited(
                householdId: ID(), memberIds: [ID(), ID()],
                skills: SkillOutcomes(onlinePublicServices: .guided, onlinePayment: .mastered),
                services: ServiceOutcomes(vneidActivated: .mastered), note: "Hướng dẫn cài VNeID"))),
            units.event(unit, .householdRegistered(HouseholdDetails(
                householdId: ID(), label: "Số 12 ngõ 3", size: 4,
                residents: [ResidentCount(ageBand: .working, count: 2, withSmartphone: 2),
                            ResidentCount(ageBand: .elderly, count: 2, withSmartphone: 0, notApplicable: 1, notApplicableReason: .elderly)]))),
            units.shared(in: unit, title: "Chợ 4.0"),
            units.module(TestEvents.sharedType, in: unit, ["deep": .object(["list": .array([.number(1), .null, .boolean(true)])])]),
        ]
        for event in events {
            #expect(JSONShapeEncoder.shape(of: event) == (try written(event)), "\(event.type)")
        }
    }
}
