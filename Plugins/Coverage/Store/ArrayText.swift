import CDTModuleKit
import Foundation

/// PostgreSQL array literals (`{a,b,c}`) written as one text value, for the roll-up's columns of thousands
/// of elements whose Swift types are not bound as arrays directly (dates, `bytea`, rows of `float8[]`): the
/// statement casts the text (`::date[]`, `::bytea[]`, …). Ids and texts are bound as `[UUID]` and `[String]`,
/// which the client writes straight into the literal, quoting an element only where it must.
enum ArrayText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// A `bytea[]` literal: each element in the hex form, quoted (`{"\\x0a1b",…}`).
    static func byteas(_ values: [[UInt8]]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(values.reduce(2) { $0 + $1.count * 2 + 6 })
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #""\\x"#.utf8)
            for byte in value {
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0f)])
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `{a,b,…}` of elements that need no quoting (dates, `-infinity`, digits): their text as given.
    static func plain<Element: CustomStringConvertible>(_ elements: [Element]) -> String {
        "{" + elements.map(\.description).joined(separator: ",") + "}"
    }

    /// A `text[]` whose elements are `float8[]` literals, one per row: `{"{1,0}","{0,2}"}`.
    static func rows(_ rows: [[Double]]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(rows.count * (SlotRollUp.width * 2 + 4) + 2)
        for (index, row) in rows.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            append(row, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One `float8[]` literal: whole numbers without a fraction, others in the shortest form that reads
    /// back as the same double.
    static func append(_ values: [Double], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if value == 0 {
                bytes.append(UInt8(ascii: "0"))
            } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
                var whole = Int64(value)
                if whole < 0 { bytes.append(UInt8(ascii: "-")); whole = -whole }
                var digits: [UInt8] = []
                repeat { digits.append(UInt8(ascii: "0") + UInt8(whole % 10)); whole /= 10 } while whole > 0
                bytes.append(contentsOf: digits.reversed())
            } else {
                bytes.append(contentsOf: "\(value)".utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
