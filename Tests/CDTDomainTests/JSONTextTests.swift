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

    /// Shares and other fractions in their shortest text, whole numbers without ".0", the very large and the
    /// very small with an exponent: as the encoder writes them.
    @Test func numbersAreWrittenAsTheEncoderWritesThem() throws {
        var values: [Double] = [0, 1, -1, 0.5, 1.0 / 3, 2.0 / 3, -0.25, 1e-5, 1.5e-7, 123_456.789, 1e15, 1e16, 1e21, 1e300,
                                -1e300, 9_007_199_254_740_992, 9_007_199_254_740_993, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1 + 0.2]
        values += (1...400).map { Double($0 % 97) / Double(1 + $0 % 89) }
        values += (0..<300).map { _ in Double(bitPattern: UInt64.random(in: 0...UInt64.max)) }.filter(\.isFinite)
        var json = JSONText()
        json.array(values) { json, value in json.number(value) }
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
            json.key("e"); json.array(count: 2) { json, index in json.bool(index == 1) }
        }
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":1,"b":2,"c":3,"d":true,"e":[false,true]}"#)
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
