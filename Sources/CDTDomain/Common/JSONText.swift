public import Foundation

/// A JSON text written piece by piece, commas placed as it goes: the bytes `JSONEncoder` writes with
/// `.sortedKeys` (and slashes not escaped), when the writer gives the keys in sorted order and leaves out
/// the values an encoder would leave out. For answers and payloads written often enough that `Encodable`
/// shows in a profile: the coverage module's figures, the log's visits, the answers to submitted events.
/// Each writer's tests compare its text with the encoder's.
///
/// ```swift
/// var json = JSONText(capacity: 64)
/// json.object { json in
///     json.key("id"); json.string("5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e")
///     json.key("size"); json.integer(4)
/// }
/// String(decoding: json.bytes, as: UTF8.self)   // {"id":"5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e","size":4}
/// ```
public struct JSONText {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 64 * 1024) { bytes.reserveCapacity(capacity) }

    public mutating func object(_ body: (inout JSONText) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func array<Element>(_ elements: [Element], _ write: (inout JSONText, Element) -> Void) {
        array(count: elements.count) { json, position in write(&json, elements[position]) }
    }

    /// An array of `count` elements, the `write` of each given its position.
    public mutating func array(count: Int, _ write: (inout JSONText, Int) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for position in 0..<count { write(&self, position) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A key of the current object; the value written next belongs to it. Keys are the answer's own names,
    /// written in the code (none needs an escape), so their bytes are copied as they are.
    public mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Keys, ids and names need no escape: copied in one go.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A UUID as a string, in its lower-case text (`UUID.lowercasedText`): `string(id.lowercasedText)`
    /// without the `String` or the check for escapes.
    public mutating func uuid(_ id: UUID) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        id.appendLowercasedText(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// One byte of a string's UTF-8, escaped as `JSONEncoder` escapes it.
    private mutating func appendEscaped(_ byte: UInt8) {
        let escape: UInt8
        switch byte {
        case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
        case 0x0A: escape = UInt8(ascii: "n")
        case 0x0D: escape = UInt8(ascii: "r")
        case 0x09: escape = UInt8(ascii: "t")
        case 0x08: escape = UInt8(ascii: "b")
        case 0x0C: escape = UInt8(ascii: "f")
        case ..<0x20:
            bytes.append(contentsOf: String(format: "\\u%04x", byte).utf8)
            return
        default:
            bytes.append(byte)
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(escape)
    }

    /// A finite number as the encoder writes it: whole numbers without ".0" (those below 2^53 digit by
    /// digit, without a `String`).
    public mutating func number(_ value: Double) {
        separate()
        if value.isFinite, value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992, !(value == 0 && value.sign == .minus) {
            integer(Int64(value))
            needsComma = true
            return
        }
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            needsComma = true
            return
        }
        // `value.description`'s digits, without the `String`: the standard library writes a number's
        // shortest text to a stream through `_writeASCII` (a province's shares went through a `String` each,
        // 8% of the server's CPU in its drill-down).
        var stream = ASCIIStream()
        swap(&stream.bytes, &bytes)
        value.write(to: &stream)
        swap(&stream.bytes, &bytes)
        let count = bytes.count
        if count >= 2, bytes[count - 2] == UInt8(ascii: "."), bytes[count - 1] == UInt8(ascii: "0") { bytes.removeLast(2) }
        needsComma = true
    }

    /// The stream a number writes its text to: its bytes appended as they come, from `_writeASCII` (what
    /// the standard library's numbers call) or as a `String`'s UTF-8 (whatever else writes to it).
    private struct ASCIIStream: TextOutputStream {
        var bytes: [UInt8] = []
        mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
    }

    /// An integer, digit by digit.
    public mutating func integer(_ value: Int) {
        separate()
        integer(Int64(value))
        needsComma = true
    }

    /// The digits written from the last into a buffer on the stack, then appended in one copy: appended
    /// one by one and reversed, each paid the array's checks (a province's drill-down writes 14,000 numbers).
    private mutating func integer(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count, magnitude = value.magnitude
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Bytes that are already JSON, in their place: the one who writes them places the commas (a comma
    /// before them is not added). `thenValue`: they end with a key, and the value written next needs no comma.
    /// From a buffer the writer holds (a slice of a table of fragments read once for many values), so no
    /// array is retained and released for each fragment.
    public mutating func raw(_ text: UnsafeBufferPointer<UInt8>, thenValue: Bool = false) {
        bytes.append(contentsOf: text)
        needsComma = !thenValue
    }

    /// ``raw(_:thenValue:)`` from a constant in the code.
    public mutating func raw(_ text: StaticString, thenValue: Bool = false) {
        text.withUTF8Buffer { raw($0, thenValue: thenValue) }
    }

    /// Drops the bytes written so far, keeping the buffer's capacity and the writer's place (whether the
    /// next value needs a comma): for a writer that hands its text on in parts, as it goes.
    ///
    /// ```swift
    /// var json = JSONText(capacity: 64 * 1024)
    /// json.array(count: rows.count) { json, index in
    ///     rows[index].write(to: &json)
    ///     if json.bytes.count > 48 * 1024 { send(json.bytes); json.removeWrittenBytes() }
    /// }
    /// send(json.bytes)
    /// ```
    public mutating func removeWrittenBytes() {
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        let text: StaticString = value ? "true" : "false"
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    /// The comma the next value needs, if it needs one: for a writer that opens a value with ``raw(_:thenValue:)``.
    public mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
