/// A Swift value that can be read from a column of a query result.
///
/// Values arrive in PostgreSQL's text output form. A decoder checks the column type first, so decoding
/// an `int4` column as `UUID` fails with an error naming the column instead of guessing.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value.
    /// - Parameters:
    ///   - bytes: the value's text output, UTF-8.
    ///   - type: the column's PostgreSQL type.
    /// - Throws: ``PostgresDecodingFailure`` when the type does not fit or the text does not parse.
    static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Self

    /// The value for SQL NULL, or `nil` when this type cannot represent NULL (the default).
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }

    /// Throws unless `type` is one of `accepted`.
    static func require(_ type: PostgresDataType, in accepted: Set<PostgresDataType>) throws {
        // Walked, not hashed: the sets hold a few types, and this runs for every value read.
        guard accepted.contains(where: { $0 == type }) else {
            throw PostgresDecodingFailure("cannot decode a column of type \(type) as \(Self.self)")
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Self {
        try Wrapped.decodePostgres(bytes, type: type)
    }
    public static var postgresNull: Self? { .some(.none) }
}
