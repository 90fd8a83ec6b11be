/// A column of a result: its name and PostgreSQL type.
public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let type: PostgresDataType
}

/// The rows a statement returned, copied out of libpq into Swift memory.
///
/// ```swift
/// let rows = try await db.query("SELECT code, name FROM units WHERE parent_code = \(code)")
/// for row in rows {
///     let (code, name) = try row.decode((String, String).self)
/// }
/// ```
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// The result's columns, in order.
    public let columns: [PostgresColumn]
    /// The command tag's row count: rows returned, or rows inserted/updated/deleted.
    public let affectedRows: Int
    let storage: [UInt8]
    /// Per cell, the offset into `storage`, or -1 for NULL; `cellEnds` holds where each cell stops.
    let cellStarts: [Int]
    let cellEnds: [Int]
    let columnIndexByName: [String: Int]

    init(columns: [PostgresColumn], affectedRows: Int, storage: [UInt8], cellStarts: [Int], cellEnds: [Int]) {
        self.columns = columns
        self.affectedRows = affectedRows
        self.storage = storage
        self.cellStarts = cellStarts
        self.cellEnds = cellEnds
        var byName: [String: Int] = [:]
        for (index, column) in columns.enumerated() where byName[column.name] == nil { byName[column.name] = index }
        self.columnIndexByName = byName
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : cellStarts.count / columns.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }

    /// Decodes the first column of every row: `try rows.decode(String.self)`.
    @inlinable
    public func decode<Value: PostgresDecodable>(_ type: Value.Type) throws -> [Value] {
        try map { try $0.decode(type, at: 0) }
    }

    /// Decodes every row positionally; see ``PostgresRow/decode(_:)``.
    @inlinable
    public func decode<each Column: PostgresDecodable>(_ types: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(types) }
    }

    /// Decodes every row as a `Decodable` record; see ``PostgresRow/decode(as:)``.
    public func decode<Record: Decodable>(as type: Record.Type) throws -> [Record] {
        try map { try $0.decode(as: type) }
    }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// The number of columns.
    public var count: Int { rows.columns.count }

    /// Whether the cell at `column` is SQL NULL.
    public func isNull(at column: Int) -> Bool {
        rows.cellStarts[index * rows.columns.count + column] < 0
    }

    /// Decodes the column at `position` (zero-based).
    ///
    /// Inlinable, so a caller decoding a concrete type gets a copy for that type: unspecialized, each call
    /// looked up the generic metadata of `Value` (2.4% of the server's time in a batch, docs/benchmarks.md,
    /// "Twenty-first round").
    @inlinable
    public func decode<Value: PostgresDecodable>(_ type: Value.Type, at position: Int) throws -> Value {
        let (bytes, columnType) = try cell(at: position)
        guard let bytes else { return try null(Value.self, at: position) }
        do {
            return try Value.decodePostgres(bytes, type: columnType)
        } catch let failure as PostgresDecodingFailure {
            throw decodingError(failure, at: position)
        }
    }

    /// The bytes of the cell at `position` (`nil` for NULL) and its column's type.
    @usableFromInline
    func cell(at position: Int) throws -> (bytes: ArraySlice<UInt8>?, type: PostgresDataType) {
        guard position < rows.columns.count else {
            throw PostgresError(code: .decoding, message: "the row has \(rows.columns.count) columns; no column at position \(position)")
        }
        let cell = index * rows.columns.count + position
        let start = rows.cellStarts[cell]
        return (start >= 0 ? rows.storage[start..<rows.cellEnds[cell]] : nil, rows.columns[position].type)
    }

    /// `Value`'s NULL, or the error saying it has none.
    @usableFromInline
    func null<Value: PostgresDecodable>(_: Value.Type, at position: Int) throws -> Value {
        guard let null = Value.postgresNull else {
            throw PostgresError(
                code: .decoding, message: "NULL cannot be decoded as \(Value.self); decode as \(Value.self)?",
                column: rows.columns[position].name)
        }
        return null
    }

    /// The error naming the column whose value `failure` refused.
    @usableFromInline
    func decodingError(_ failure: PostgresDecodingFailure, at position: Int) -> PostgresError {
        PostgresError(code: .decoding, message: failure.reason, column: rows.columns[position].name)
    }

    /// Decodes the column named `name`.
    @inlinable
    public func decode<Value: PostgresDecodable>(_ type: Value.Type, column name: String) throws -> Value {
        try decode(type, at: position(named: name))
    }

    /// The position of the column named `name`.
    @usableFromInline
    func position(named name: String) throws -> Int {
        guard let position = rows.columnIndexByName[name] else {
            throw PostgresError(code: .decoding, message: "the result has no column named \"\(name)\"", column: name)
        }
        return position
    }

    /// Decodes the first columns, in order, into a tuple: `try row.decode((UUID, String, Int?).self)`.
    @inlinable
    public func decode<each Column: PostgresDecodable>(_ types: (repeat each Column).Type) throws -> (repeat each Column) {
        var position = 0
        func next<Value: PostgresDecodable>(_ type: Value.Type) throws -> Value {
            defer { position += 1 }
            return try decode(type, at: position)
        }
        return (repeat try next((each Column).self))
    }

    /// Decodes the row into a `Decodable` record, matching properties to columns by name
    /// (`birthYear` matches a column `birthYear` or `birth_year`).
    public func decode<Record: Decodable>(as type: Record.Type) throws -> Record {
        try Record(from: PostgresRowDecoder(row: self))
    }

    func columnPosition(forKey key: String) -> Int? {
        rows.columnIndexByName[key] ?? rows.columnIndexByName[key.snakeCased]
    }
}

extension String {
    /// `birthYear` → `birth_year`.
    var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
