import CDTDomain
import CDTModuleKit
import Foundation
import Testing

/// Request bodies decode in one parse (`JSONInput.decode(_:fromJSON:)`): the same refusals, naming the same
/// fields, as parsing to a JSON value first and decoding that (`JSONInput.decode(_:from:)`).
@Suite struct OneParseDecodeTests {
    struct Visit: Codable, Equatable {
        struct Resident: Codable, Equatable {
            var name: String
            var age: Int?
        }
        var household: String
        var residents: [Resident]
        var note: String?
    }

    func oneParse(_ text: String) -> Result<Visit, ValidationFailure> {
        Result { () throws(ValidationFailure) -> Visit in try JSONInput.decode(Visit.self, fromJSON: Data(text.utf8)) }
    }

    func twoPasses(_ text: String) -> Result<Visit, ValidationFailure> {
        Result { () throws(ValidationFailure) -> Visit in try JSONInput.decode(Visit.self, from: try JSONInput.parse(Data(text.utf8))) }
    }

    func violations(_ result: Result<Visit, ValidationFailure>) -> [Violation] {
        if case .failure(let failure) = result { return failure.violations }
        return []
    }

    @Test func aGoodBodyDecodesAsBefore() throws {
        let text = #"{"household": "Nhà ông Bình", "residents": [{"name": "Lò Thị Mai", "age": 34}, {"name": "Bé Na"}], "note": null}"#
        #expect(try oneParse(text).get() == Visit(household: "Nhà ông Bình", residents: [.init(name: "Lò Thị Mai", age: 34), .init(name: "Bé Na")]))
        #expect(try oneParse(text).get() == twoPasses(text).get())
    }

    @Test func unknownFieldsAreRefusedByPathAtEveryDepthButNullsAreNot() {
        let text = #"{"household": "A", "residents": [{"name": "B", "nickname": "C"}], "extra": {"deep": 1}, "ignored": null}"#
        #expect(violations(oneParse(text)) == [
            Violation(field: "extra", rule: "is not a known field"),
            Violation(field: "residents[0].nickname", rule: "is not a known field"),
        ])
        #expect(Set(violations(oneParse(text))) == Set(violations(twoPasses(text))))
    }

    @Test func malformedJSONWrongTypesAndMissingFieldsNameTheFieldAndRule() {
        #expect(violations(oneParse(#"{"household": "A", "residents": [}"#)) == [Violation(field: "", rule: "must be well-formed JSON")])
        #expect(violations(oneParse(#"{"household": 12, "residents": []}"#)) == [Violation(field: "household", rule: "must be a string")])
        #expect(violations(oneParse(#"{"household": "A", "residents": [{"age": 3}]}"#)) == [Violation(field: "residents[0].name", rule: "is required")])
        for text in [#"{"household": 12, "residents": []}"#, #"{"residents": []}"#] {
            #expect(violations(oneParse(text)) == violations(twoPasses(text)))
        }
    }

    @Test func theScansRefusalsComeBeforeTheTypesAndTheDeepestInputIsNeverParsed() {
        // A key given twice is refused even where the type would also fail.
        #expect(violations(oneParse(#"{"household": 1, "household": "B", "residents": []}"#)).map(\.field) == ["household"])
        #expect(violations(oneParse(#"{"household": "A\u0000", "residents": []}"#)) == [Violation(field: "household", rule: Validator.nulRule)])
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(violations(oneParse(deep)).first?.rule.hasPrefix("must not nest") == true)
    }
}

/// A batch's events are decoded each from its own bytes: one scan of the body finds where each lies.
@Suite struct BatchElementRangesTests {
    @Test func eachElementOfTheArrayIsFoundWithItsBytesAndDecodesUnderItsPrefix() throws {
        let text = #"{"events": [ {"household": "A", "residents": []}, {"household": "B", "residents": [{"name": "Mai", "x": 1}]} ]}"#
        let data = Data(text.utf8)
        let ranges = try #require(JSONScan.onlyArray("events", in: data)).elements
        #expect(ranges.count == 2)
        let first = try JSONInput.decode(OneParseDecodeTests.Visit.self, fromJSON: data.subdata(in: ranges[0]), prefix: "events[0]")
        #expect(first == OneParseDecodeTests.Visit(household: "A", residents: []))
        #expect(throws: ValidationFailure([Violation(field: "events[1].residents[0].x", rule: "is not a known field")])) {
            try JSONInput.decode(OneParseDecodeTests.Visit.self, fromJSON: data.subdata(in: ranges[1]), prefix: "events[1]")
        }
        #expect(JSONScan.onlyArray("events", in: Data(#" {"events":[]} "#.utf8))?.elements.isEmpty == true)
    }

    /// The body's scan follows only its structure; what the scan refuses inside an element (a key given
    /// twice, NUL) is refused by the element's decoding, named under its place in the array.
    @Test func theScansRefusalsAreNamedUnderTheirElementByItsDecoding() throws {
        let data = Data(#"{"events": [{"household": "A", "residents": []}, {"household": "B", "household": "C", "residents": []}, {"household": "x\u0000", "residents": []}]}"#.utf8)
        let ranges = try #require(JSONScan.onlyArray("events", in: data)).elements
        #expect(ranges.count == 3)
        func refusals(_ index: Int) -> [String] {
            do {
                _ = try JSONInput.decode(OneParseDecodeTests.Visit.self, fromJSON: data.subdata(in: ranges[index]), prefix: "events[\(index)]")
                return []
            } catch {
                return error.violations.map { "\($0.field): \($0.rule)" }
            }
        }
        #expect(refusals(0).isEmpty)
        #expect(refusals(1) == ["events[1].household: must be given once (the key appears more than once)"])
        #expect(refusals(2).count == 1 && refusals(2)[0].hasPrefix("events[2].household: "))
    }

    @Test func anyOtherShapeOrBrokenGrammarAroundTheElementsIsLeftToAWholeParse() {
        let bodies = [
            #"{"other": [1, 2]}"#, #"{"events": [1], "other": 2}"#, #"{"\u0065vents": [1]}"#, #"["events"]"#,
            #"{"events": [1 2]}"#, #"{"events": [1,]}"#, #"{"events": [1]} x"#, #"{"events": [1]"#, #"{"events": {"a": 1}}"#,
            #"{"events": ["# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "]}",
        ]
        for body in bodies {
            #expect(JSONScan.onlyArray("events", in: Data(body.utf8)) == nil, "\(body.prefix(40))")
        }
    }
}
