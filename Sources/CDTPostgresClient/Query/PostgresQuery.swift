import Foundation

/// A SQL statement whose interpolated values are bound as parameters, never spliced into the text.
///
/// ```swift
/// let code = "'); DROP TABLE units; --"
/// let query: PostgresQuery = "SELECT name FROM units WHERE code = \(code) AND level = \(level)"
/// // query.sql == "SELECT name FROM units WHERE code = $1 AND level = $2"
/// ```
///
/// SQL text that is not a literal in the source must be spelled out as unsafe:
/// `PostgresQuery(unsafeSQL: text)` or `"… \(unsafeSQL: fragment) …"`. Identifiers can be
/// interpolated safely with `\(identifier: name)`, which quotes them.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text with `$1`, `$2`, … placeholders.
    public private(set) var sql: String
    /// The bound values, in placeholder order.
    public private(set) var bindings: [PostgresBinding]

    /// A statement from text you vouch for: nothing in it is escaped or bound.
    public init(unsafeSQL sql: String, bindings: [PostgresBinding] = []) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, bindings: stringInterpolation.bindings)
    }

    /// The SQL text only; values are never printed.
    public var description: String { sql }

    /// Builds the statement text and its bindings.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var bindings: [PostgresBinding] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds `value` as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            bindings.append(PostgresBinding(value))
            sql += "$\(bindings.count)"
        }

        /// Binds `value`, or NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(PostgresBinding(value))
            sql += "$\(bindings.count)"
        }

        /// Inserts another query, renumbering its placeholders.
        public mutating func appendInterpolation(_ fragment: PostgresQuery) {
            sql += fragment.sql.renumberingPlaceholders(by: bindings.count)
            bindings += fragment.bindings
        }

        /// Inserts a quoted identifier (`"name"`, with embedded quotes doubled); `schema.table` quotes each part.
        public mutating func appendInterpolation(identifier: String) {
            sql += PostgresQuery.quoteIdentifier(identifier)
        }

        /// Inserts SQL text unchanged. Never pass a value that came from outside the program.
        public mutating func appendInterpolation(unsafeSQL text: String) {
            sql += text
        }
    }

    /// Quotes an identifier, each dot-separated part on its own.
    public static func quoteIdentifier(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false)
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            .joined(separator: ".")
    }
}

/// The array types whose parameters go in binary form (see ``PostgresBinaryArrayParameter``).
private let binaryArrayTypes: Set<PostgresDataType> = [.uuidArray, .timestamptzArray, .int8Array, .float8Array, .dateArray, .byteaArray]

/// One bound parameter: its declared type and its encoded value (arrays of ids, instants, integers, numbers,
/// dates and byte strings in PostgreSQL's binary form, everything else as text).
public struct PostgresBinding: Sendable, Hashable {
    public var type: PostgresDataType
    public var value: PostgresEncoded

    init<Value: PostgresEncodable>(_ value: Value) {
        self.type = Value.postgresType
        if binaryArrayTypes.contains(Value.postgresType), let array = value as? any PostgresBinaryArrayParameter {
            self.value = .binary(array.binaryArrayForm)
            return
        }
        do {
            self.value = try value.encodePostgres()
        } catch {
            self.value = .null
            self.encodingError = "\(error)"
        }
    }

    /// Set when the value could not be encoded; running the query then fails with this message.
    var encodingError: String?
}


extension String {
    /// `$1` becomes `$(1 + offset)`; used when composing fragments.
    func renumberingPlaceholders(by offset: Int) -> String {
        guard offset > 0 else { return self }
        var result = ""
        var iterator = makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            guard character == "$", let next = pending, next.isASCII, next.isNumber else {
                result.append(character)
                continue
            }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = iterator.next()
            }
            result += "$\(Int(digits)! + offset)"
        }
        return result
    }
}
