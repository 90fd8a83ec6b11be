import CDTModuleKit
import Foundation

/// PostgreSQL array literals (`{a,b,c}`) written as one text value, for columns whose Swift types are not
/// bound as arrays directly (`bytea`, epochs' starts that may be `-infinity`): the statement casts the text
/// (`::bytea[]`, `::text[]`, …). Ids, numbers and dates are bound as `[UUID]`, `[Double]` and
/// `[CalendarDate]`, which the client sends in binary form.
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
}
