import Foundation
import CDTDomain

/// A value that can stand in an array parameter sent in PostgreSQL's binary form: its element type and
/// its bytes as that type's binary input reads them (`uuid_recv`, `timestamptz_recv`, `int8recv`,
/// `float8recv`, `date_recv`).
protocol PostgresBinaryElement {
    /// The element type's OID (`uuid`, not `uuid[]`).
    static var binaryElementType: PostgresDataType { get }
    /// Appends the element's binary form to `bytes`; false, appending nothing, for NULL.
    func appendBinary(to bytes: inout [UInt8]) -> Bool
}

extension UUID: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .uuid }
    func appendBinary(to bytes: inout [UInt8]) -> Bool {
        Swift.withUnsafeBytes(of: uuid) { bytes.append(contentsOf: $0) }
        return true
    }
}

extension Int: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .int8 }
    func appendBinary(to bytes: inout [UInt8]) -> Bool {
        Swift.withUnsafeBytes(of: Int64(self).bigEndian) { bytes.append(contentsOf: $0) }
        return true
    }
}

extension Date: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .timestamptz }
    /// Microseconds since 2000-01-01 UTC, rounded as the text form rounds them; the infinities as
    /// PostgreSQL stores them. A date beyond PostgreSQL's range is refused by the server, as its text was.
    func appendBinary(to bytes: inout [UInt8]) -> Bool {
        let micros: Int64
        if self == .distantFuture {
            micros = .max
        } else if self == .distantPast {
            micros = .min
        } else {
            micros = Int64((timeIntervalSince1970 * 1_000_000).rounded()) - 946_684_800 * 1_000_000
        }
        Swift.withUnsafeBytes(of: micros.bigEndian) { bytes.append(contentsOf: $0) }
        return true
    }
}

extension Double: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .float8 }
    /// The IEEE 754 bits, as `float8recv` reads them: every value exactly, NaN and the infinities included.
    func appendBinary(to bytes: inout [UInt8]) -> Bool {
        Swift.withUnsafeBytes(of: bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
        return true
    }
}

extension CalendarDate: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .date }
    /// Days since 2000-01-01, as `date_recv` reads them (every date of years 1 to 9999 is in its range).
    func appendBinary(to bytes: inout [UInt8]) -> Bool {
        Swift.withUnsafeBytes(of: Int32(daysSinceEpoch - Self.postgresEpochOffset).bigEndian) { bytes.append(contentsOf: $0) }
        return true
    }

    /// 2000-01-01, PostgreSQL's day 0, in days since 1970-01-01.
    private static let postgresEpochOffset = 10_957
}

extension Optional: PostgresBinaryElement where Wrapped: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { Wrapped.binaryElementType }
    func appendBinary(to bytes: inout [UInt8]) -> Bool {
        self?.appendBinary(to: &bytes) ?? false
    }
}

/// An array bound as a query parameter in PostgreSQL's binary form instead of its text literal.
protocol PostgresBinaryArrayParameter {
    var binaryArrayForm: [UInt8] { get }
}

/// Arrays of ids, instants, integers, numbers and dates (thousands of each in a batch's statements) go as
/// parameters in binary form: fixed-width values PostgreSQL copies, where the text literal was written out
/// here and read back by `array_in` and each element's input function there. Only parameters: COPY still
/// writes arrays as text.
extension Array: PostgresBinaryArrayParameter where Element: PostgresBinaryElement {
    var binaryArrayForm: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + count * 20)
        func int32(_ value: Int32, at offset: Int? = nil) {
            Swift.withUnsafeBytes(of: value.bigEndian) { raw in
                if let offset { bytes.replaceSubrange(offset..<offset + 4, with: raw) } else { bytes.append(contentsOf: raw) }
            }
        }
        let elementType = Int32(bitPattern: Element.binaryElementType.oid)
        int32(isEmpty ? 0 : 1)  // dimensions: none for the empty array
        int32(0)  // whether it holds NULLs, set below
        int32(elementType)
        guard !isEmpty else { return bytes }
        int32(Int32(count))
        int32(1)  // PostgreSQL's arrays start at 1
        var holdsNull = false
        for element in self {
            let lengthAt = bytes.count
            int32(0)
            if element.appendBinary(to: &bytes) {
                int32(Int32(bytes.count - lengthAt - 4), at: lengthAt)
            } else {
                int32(-1, at: lengthAt)
                holdsNull = true
            }
        }
        if holdsNull { int32(1, at: 4) }
        return bytes
    }
}
