public import Foundation
import CDTDomain

// The column types each decoder accepts, made once (a set literal in the call would be built on every value).
private let uuidTypes: Set<PostgresDataType> = [.uuid, .text, .varchar, .bpchar]
private let byteaTypes: Set<PostgresDataType> = [.bytea]
private let jsonTypes: Set<PostgresDataType> = [.json, .jsonb, .text]

extension String: PostgresArrayElement {
    /// Strings are sent as `text`; the server converts them where a column of another type expects them.
    public static var postgresType: PostgresDataType { .text }
    public static var postgresArrayType: PostgresDataType { .textArray }
    public func encodePostgres() -> PostgresEncoded { .text(self) }

    /// Any column but `bytea` reads as its text output (a `uuid` as its canonical form, say).
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> String {
        guard type != .bytea else { throw PostgresDecodingFailure("cannot decode a column of type bytea as String; use Data") }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UUID: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public func encodePostgres() -> PostgresEncoded { .text(lowercasedText) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> UUID {
        try require(type, in: uuidTypes)
        if let uuid = UUID(text: bytes) { return uuid }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let uuid = UUID(uuidString: text) else { throw PostgresDecodingFailure("'\(text)' is not a UUID") }
        return uuid
    }
}

extension Data: PostgresArrayElement {
    /// Sent as raw bytes, so no escaping is involved; `[Data]` as a `bytea[]` in binary form.
    public static var postgresType: PostgresDataType { .bytea }
    public static var postgresArrayType: PostgresDataType { .byteaArray }
    public func encodePostgres() -> PostgresEncoded { .binary([UInt8](self)) }

    /// Reads `bytea` in its hex output form (`\x0a1b…`, PostgreSQL's default since 9.0).
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Data {
        try require(type, in: byteaTypes)
        guard bytes.count >= 2, bytes[bytes.startIndex] == UInt8(ascii: "\\"), bytes[bytes.startIndex + 1] == UInt8(ascii: "x"),
              bytes.count % 2 == 0
        else { throw PostgresDecodingFailure("bytea value is not in hex form; set bytea_output = 'hex'") }
        // Into a plain buffer, then one copy: appending to `Data` byte by byte costs a call per byte.
        var valid = true
        let decoded = [UInt8](unsafeUninitializedCapacity: (bytes.count - 2) / 2) { buffer, count in
            var index = bytes.startIndex + 2
            while index < bytes.endIndex {
                guard let high = HexDigit.value(of: bytes[index]), let low = HexDigit.value(of: bytes[index + 1]) else {
                    valid = false
                    return
                }
                buffer[count] = high << 4 | low
                count += 1
                index += 2
            }
        }
        guard valid else { throw PostgresDecodingFailure("bytea value has a non-hex digit") }
        return Data(decoded)
    }
}

/// A value stored as `jsonb` (or read from `json`/`jsonb`) through `Codable`.
///
/// ```swift
/// try await db.execute("INSERT INTO events (payload) VALUES (\(PostgresJSON(visit)))")
/// let payload = try row.decode(PostgresJSON<Visit>.self, column: "payload").value
/// ```
public struct PostgresJSON<Value: Codable & Sendable>: Sendable, PostgresArrayElement {
    /// The wrapped value.
    public var value: Value

    public init(_ value: Value) { self.value = value }

    public static var postgresType: PostgresDataType { .jsonb }
    public static var postgresArrayType: PostgresDataType { .jsonbArray }

    public func encodePostgres() throws -> PostgresEncoded {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .text(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> PostgresJSON<Value> {
        try require(type, in: jsonTypes)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return PostgresJSON(try decoder.decode(Value.self, from: Data(bytes)))
        } catch {
            throw PostgresDecodingFailure("JSON does not decode as \(Value.self): \(error)")
        }
    }
}
