import Foundation
import CDTDomain

/// A value that can stand in an array parameter sent in PostgreSQL's binary form: its element type and
/// its bytes as that type's binary input reads them (`uuid_recv`, `timestamptz_recv`, `int8recv`,
/// `float8recv`, `date_recv`, `bytearecv`).
protocol PostgresBinaryElement {
    /// The element type's OID (`uuid`, not `uuid[]`).
    static var binaryElementType: PostgresDataType { get }
    /// How many bytes the element's binary form takes; `nil` for NULL.
    var binaryLength: Int? { get }
    /// Writes the element's binary form, ``binaryLength`` bytes, at `destination`.
    func writeBinary(to destination: UnsafeMutableRawPointer)
}

extension UUID: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .uuid }
    var binaryLength: Int? { 16 }
    func writeBinary(to destination: UnsafeMutableRawPointer) {
        Swift.withUnsafeBytes(of: uuid) { destination.copyMemory(from: $0.baseAddress!, byteCount: 16) }
    }
}

extension Int: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .int8 }
    var binaryLength: Int? { 8 }
    func writeBinary(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: Int64(self).bigEndian, as: Int64.self)
    }
}

extension Date: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .timestamptz }
    var binaryLength: Int? { 8 }
    /// Microseconds since 2000-01-01 UTC, rounded as the text form rounds them; the infinities as
    /// PostgreSQL stores them. A date beyond PostgreSQL's range is refused by the server, as its text was.
    func writeBinary(to destination: UnsafeMutableRawPointer) {
        let micros: Int64
        if self == .distantFuture {
            micros = .max
        } else if self == .distantPast {
            micros = .min
        } else {
            micros = Int64((timeIntervalSince1970 * 1_000_000).rounded()) - 946_684_800 * 1_000_000
        }
        destination.storeBytes(of: micros.bigEndian, as: Int64.self)
    }
}

extension Double: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .float8 }
    var binaryLength: Int? { 8 }
    /// The IEEE 754 bits, as `float8recv` reads them: every value exactly, NaN and the infinities included.
    func writeBinary(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: bitPattern.bigEndian, as: UInt64.self)
    }
}

extension CalendarDate: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .date }
    var binaryLength: Int? { 4 }
    /// Days since 2000-01-01, as `date_recv` reads them (every date of years 1 to 9999 is in its range).
    func writeBinary(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: Int32(daysSinceEpoch - Self.postgresEpochOffset).bigEndian, as: Int32.self)
    }

    /// 2000-01-01, PostgreSQL's day 0, in days since 1970-01-01.
    private static let postgresEpochOffset = 10_957
}

extension Data: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .bytea }
    var binaryLength: Int? { count }
    /// The bytes as they are, as `bytearecv` reads them (their length goes before them, in the array).
    func writeBinary(to destination: UnsafeMutableRawPointer) {
        withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { destination.copyMemory(from: base, byteCount: bytes.count) }
        }
    }
}

extension Optional: PostgresBinaryElement where Wrapped: PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { Wrapped.binaryElementType }
    var binaryLength: Int? { self?.binaryLength }
    func writeBinary(to destination: UnsafeMutableRawPointer) { self?.writeBinary(to: destination) }
}

/// An array bound as a query parameter in PostgreSQL's binary form instead of its text literal.
protocol PostgresBinaryArrayParameter {
    var binaryArrayForm: [UInt8] { get }
}

/// Arrays of ids, instants, integers, numbers, dates and byte strings (thousands of each in a batch's
/// statements) go as parameters in binary form: values PostgreSQL copies, where the text literal was written
/// out here and read back by `array_in` and each element's input function there (for `bytea`, two hex digits
/// a byte). Only parameters: COPY still writes arrays as text.
extension Array: PostgresBinaryArrayParameter where Element: PostgresBinaryElement {
    /// `array_recv`'s form: dimensions, whether NULLs are held, the element type, the length and lower bound
    /// of the one dimension, then each element's length (-1 for NULL) and bytes; every integer big-endian.
    /// Written into one buffer sized first (appending value by value cost more than PostgreSQL's reading it).
    var binaryArrayForm: [UInt8] {
        let header = isEmpty ? 12 : 20
        var size = header, holdsNull = false
        for element in self {
            size += 4
            if let length = element.binaryLength { size += length } else { holdsNull = true }
        }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            func int32(_ value: Int32, at offset: Int) { base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: Int32.self) }
            int32(isEmpty ? 0 : 1, at: 0)  // dimensions: none for the empty array
            int32(holdsNull ? 1 : 0, at: 4)
            int32(Int32(bitPattern: Element.binaryElementType.oid), at: 8)
            if !isEmpty {
                int32(Int32(count), at: 12)
                int32(1, at: 16)  // PostgreSQL's arrays start at 1
            }
            var offset = header
            for element in self {
                guard let length = element.binaryLength else {
                    int32(-1, at: offset)
                    offset += 4
                    continue
                }
                int32(Int32(length), at: offset)
                element.writeBinary(to: base + offset + 4)
                offset += 4 + length
            }
            initialized = size
        }
    }
}
