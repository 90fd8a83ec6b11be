import CDTDomain
import CDTModuleKit
import Foundation
import Testing

/// What a JSON parser forgives and the platform refuses, by field: a key given twice (the parser keeps
/// the last, so the client and the server would read different values), the NUL character (PostgreSQL
/// cannot store it), and nesting deep enough to exhaust a recursive parser's stack.
@Suite struct StrictJSONTests {
    func refusal(_ text: String) -> [Violation] {
        do {
            _ = try JSONInput.parse(Data(text.utf8))
            return []
        } catch {
            return error.violations
        }
    }

    @Test func aKeyGivenTwiceIsRefusedNamingTheKey() {
        #expect(refusal(#"{"size": 1, "size": 60}"#) == [Violation(field: "size", rule: "must be given once (the key appears more than once)")])
        #expect(refusal(#"{"payload": {"residents": [{"count": 1}, {"count": 2, "count": -1}]}}"#).map(\.field) == ["payload.residents[1].count"])
        // Escapes are decoded before comparing: "a" and "\u0061" are the same key.
        #expect(refusal(#"{"a": 1, "\u0061": 2}"#).map(\.field) == ["a"])
        #expect(refusal(#"{"a": {"b": 1}, "c": {"b": 1}}"#).isEmpty)
        #expect(refusal(#"{"a": "a:\"b\", \"a\": 1"}"#).isEmpty)
    }

    @Test func theNULCharacterIsRefusedNamingTheField() {
        #expect(refusal(#"{"payload": {"label": "Số 12\u0000"}}"#) == [Violation(field: "payload.label", rule: Validator.nulRule)])
        #expect(refusal(#"{"list": ["ok", "\u0000"]}"#).map(\.field) == ["list[1]"])
        #expect(refusal(#"{"ke\u0000y": 1}"#).map(\.rule) == [Validator.nulRule])
        #expect(refusal(#"{"text": "\\u0000 is only written out"}"#).isEmpty)
    }

    @Test func nestingTooDeepIsRefusedBeforeAnyParserRecursesIntoIt() {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(refusal(deep).map(\.rule).first?.hasPrefix("must not nest") == true)
        let fine = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        #expect(refusal(fine).isEmpty)
    }

    /// A value missing where one must be once made the scan ask for the same value forever: one request
    /// held a thread at full speed until the server was restarted.
    @Test func aMissingValueIsMalformedAndTheScanEnds() {
        for text in [#"{"a": [}"#, #"[}"#, #"{"a": }"#, #"[:]"#, #"{"events": [{"id": 1}, }"#] {
            #expect(refusal(text) == [Violation(field: "", rule: "must be well-formed JSON")], "\(text)")
        }
    }

    @Test func aBatchKeepsEachProblemUnderItsEventForTheCallerToRefuseAlone() throws {
        let (value, problems) = try JSONInput.parseKeepingProblems(Data(#"{"events": [{"id": 1}, {"id": 2, "id": 3}, {"note": "\u0000"}]}"#.utf8))
        #expect((value as? [String: Any])?["events"] is [Any])
        #expect(problems.map(\.field) == ["events[1].id", "events[2].note"])
    }
}
