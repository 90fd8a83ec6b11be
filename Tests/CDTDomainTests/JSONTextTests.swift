import CDTDomain
import Foundation
import Testing

/// `JSONText` writes what `JSONEncoder` writes, whichever of its ways a writer takes.
@Suite struct JSONTextTests {
    @Test func integersAreWrittenAsTheirDigitsAtEveryLength() throws {
        var values: [Int] = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var magnitude = 1
        for _ in 0..<18 {
            magnitude *= 10
            values += [magnitude - 1, magnitude, magnitude + 1, -magnitude + 1, -magnitude, -magnitude - 1]
        }
        values += (0..<500).map { _ in Int.random(in: Int.min...Int.max) }
        var json = JSONText()
        json.array(values) { json, value in json.integer(value) }
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try JSONEncoder().encode(values), as: UTF8.self))
    }

    @Test func fragmentsFromAnyOfTheirSourcesAreCopiedAsTheyAre() {
        let table = Array(#","b":2,"c":3"#.utf8)
        var json = JSONText()
        json.object { json in
            json.raw(#""a":"#, thenValue: true)
            json.integer(1)
            table.withUnsafeBufferPointer { json.raw(UnsafeBufferPointer(rebasing: $0[0..<6])) }
            json.raw(#","c":"#, thenValue: true)
            json.integer(3)
            json.key("d"); json.bool(true)
        }
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":1,"b":2,"c":3,"d":true}"#)
    }

    /// A writer that hands its text on in parts keeps its place: the parts joined are the text written whole.
    @Test func textHandedOnInPartsJoinsIntoTheWholeText() {
        func write(_ json: inout JSONText, after: (inout JSONText) -> Void) {
            json.object { json in
                json.key("rows")
                json.array(count: 40) { json, index in
                    json.object { json in json.key("n"); json.integer(index); json.key("name"); json.string("Xã \(index)") }
                    after(&json)
                }
                json.key("total"); json.integer(40)
            }
        }
        var whole = JSONText()
        write(&whole) { _ in }
        var parts: [[UInt8]] = [], json = JSONText(capacity: 64)
        write(&json) { json in
            parts.append(json.bytes)
            json.removeWrittenBytes()
        }
        parts.append(json.bytes)
        #expect(parts.count == 41)
        #expect(parts.flatMap { $0 } == whole.bytes)
    }
}
