import Foundation
public import CDTDomain

// The column types each decoder accepts, made once (a set literal in the call would be built on every value).
private let calendarDateTypes: Set<PostgresDataType> = [.date, .text]

/// `CalendarDate` binds as `date` and reads from `date` columns (ISO output, `YYYY-MM-DD`).
extension CalendarDate: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .date }
    public static var postgresArrayType: PostgresDataType { .dateArray }
    public func encodePostgres() -> PostgresEncoded { .text(description) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> CalendarDate {
        try require(type, in: calendarDateTypes)
        let text = String(decoding: bytes, as: UTF8.self)
        guard let date = CalendarDate(text) else { throw PostgresDecodingFailure("'\(text)' is not a calendar date between years 1 and 9999") }
        return date
    }
}

/// A typed id binds and reads as `uuid`.
extension ID: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public func encodePostgres() -> PostgresEncoded { rawValue.encodePostgres() }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> ID<Entity> {
        ID(rawValue: try UUID.decodePostgres(bytes, type: type))
    }
}
