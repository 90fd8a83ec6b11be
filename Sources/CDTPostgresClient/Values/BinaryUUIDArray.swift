import Foundation

/// A value that is a UUID (or NULL) as a parameter: `UUID`, a typed id, and optionals of them.
protocol PostgresUUIDValue {
    var postgresUUID: UUID? { get }
}

extension UUID: PostgresUUIDValue {
    var postgresUUID: UUID? { self }
}

extension Optional: PostgresUUIDValue where Wrapped: PostgresUUIDValue {
    var postgresUUID: UUID? { self?.postgresUUID }
}

/// An array bound as a query parameter in PostgreSQL's binary form instead of its text literal.
protocol PostgresBinaryArrayParameter {
    var binaryArrayForm: [UInt8] { get }
}

/// A `uuid[]` parameter (thousands of ids in a batch's statements) goes in binary form: 16 bytes an id, which
/// PostgreSQL copies, where the text literal was written out here and read back by `array_in` and `uuid_in`
/// there. Only parameters: COPY still writes arrays as text.
extension Array: PostgresBinaryArrayParameter where Element: PostgresUUIDValue {
    var binaryArrayForm: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + count * 20)
        func int32(_ value: Int32) {
            Swift.withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        let uuidOID = Int32(bitPattern: PostgresDataType.uuid.oid)
        guard !isEmpty else {
            int32(0)  // no dimensions: the empty array
            int32(0)
            int32(uuidOID)
            return bytes
        }
        let ids = map(\.postgresUUID)
        int32(1)  // one dimension
        int32(ids.contains(nil) ? 1 : 0)  // whether it holds NULLs
        int32(uuidOID)
        int32(Int32(ids.count))
        int32(1)  // PostgreSQL's arrays start at 1
        for id in ids {
            guard let id else {
                int32(-1)
                continue
            }
            int32(16)
            Swift.withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
