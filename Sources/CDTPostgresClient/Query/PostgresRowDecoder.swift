import Foundation

/// Decodes a row into a `Decodable` type: each property reads the column of the same (or snake_case) name.
/// Properties whose type is ``PostgresDecodable`` decode directly; other `Decodable` types decode from a
/// single value (a typed id wrapping a UUID, say) or, for `json`/`jsonb` columns, from the JSON.
struct PostgresRowDecoder: Decoder {
    let row: PostgresRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row decodes as a keyed record"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        CellDecoder(row: row, position: 0, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PostgresRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.rows.columns.compactMap { Key(stringValue: $0.name) } }

        func contains(_ key: Key) -> Bool { row.columnPosition(forKey: key.stringValue) != nil }

        func position(_ key: Key) throws -> Int {
            guard let position = row.columnPosition(forKey: key.stringValue) else {
                throw PostgresError(code: .decoding, message: "the result has no column for property \"\(key.stringValue)\"", column: key.stringValue)
            }
            return position
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            try row.isNull(at: position(key))
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try CellDecoder(row: row, position: position(key), codingPath: [key]).decode(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "nested records are read from json columns; use PostgresJSON"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "arrays decode as [Element] properties"))
        }

        func superDecoder() throws -> any Decoder { PostgresRowDecoder(row: row) }
        func superDecoder(forKey key: Key) throws -> any Decoder { PostgresRowDecoder(row: row) }
    }
}

/// One cell as a single value: lets `Decodable` wrappers around supported values decode from a column.
struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let row: PostgresRow
    let position: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a column holds a single value; use PostgresJSON for JSON objects"))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a column holds a single value"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { row.isNull(at: position) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let decodable = type as? any PostgresDecodable.Type {
            return try row.decode(decodable, at: position) as! T
        }
        let column = row.rows.columns[position]
        if column.type == .json || column.type == .jsonb, !row.isNull(at: position) {
            let text = try row.decode(String.self, at: position)
            do {
                return try JSONDecoder().decode(type, from: Data(text.utf8))
            } catch {
                throw PostgresError(code: .decoding, message: "JSON does not decode as \(T.self): \(error)", column: column.name)
            }
        }
        return try T(from: self)
    }
}
