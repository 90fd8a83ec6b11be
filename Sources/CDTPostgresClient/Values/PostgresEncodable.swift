/// A value as it is sent to PostgreSQL: NULL, its text form, or raw bytes (for `bytea`).
public enum PostgresEncoded: Sendable, Hashable {
    case null
    case text(String)
    case binary([UInt8])
}

/// A Swift value that can be bound as a query parameter or written by COPY.
///
/// Conform a type of your own by choosing its PostgreSQL type and giving its text form:
/// ```swift
/// extension UnitCode: PostgresEncodable {
///     public static var postgresType: PostgresDataType { .text }
///     public func encodePostgres() throws -> PostgresEncoded { .text(rawValue) }
/// }
/// ```
public protocol PostgresEncodable: Sendable {
    /// The parameter's declared type; ``PostgresDataType/unspecified`` lets the server infer it.
    static var postgresType: PostgresDataType { get }
    /// The value in a form PostgreSQL's input function for ``postgresType`` reads.
    func encodePostgres() throws -> PostgresEncoded
}

/// A value that can also stand inside a PostgreSQL array (`[Element]` binds as `element[]`).
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The array type whose elements are of this type, such as `int8[]` for `Int`.
    static var postgresArrayType: PostgresDataType { get }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public func encodePostgres() throws -> PostgresEncoded {
        switch self {
        case .none: .null
        case .some(let value): try value.encodePostgres()
        }
    }
}

extension PostgresEncoded {
    /// The text form, with `bytea` bytes in PostgreSQL's hex notation; `nil` for NULL.
    var textForm: String? {
        switch self {
        case .null: nil
        case .text(let text): text
        case .binary(let bytes): "\\x" + hexString(bytes)
        }
    }
}
/// The lower-case hexadecimal digits of `bytes`.

public func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
