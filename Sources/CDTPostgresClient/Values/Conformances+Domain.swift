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
        // `YYYY-MM-DD`, as PostgreSQL writes every date of years 1 to 9999, read from its bytes (this is
        // thousands a request: every unit's validity); anything else goes through the text parser to be refused.
        if bytes.count == 10, let date = Self.isoDigits(bytes) { return date }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let date = CalendarDate(text) else { throw PostgresDecodingFailure("'\(text)' is not a calendar date between years 1 and 9999") }
        return date
    }

    /// The date in ten bytes `YYYY-MM-DD`, or nil when they are not that (or not a real date).
    private static func isoDigits(_ bytes: ArraySlice<UInt8>) -> CalendarDate? {
        let start = bytes.startIndex
        func digits(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start + offset..<start + offset + count {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2) else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}

/// A typed id binds and reads as `uuid`.
extension ID: PostgresArrayElement, PostgresBinaryElement {
    static var binaryElementType: PostgresDataType { .uuid }
    var binaryLength: Int? { 16 }
    func writeBinary(to destination: UnsafeMutableRawPointer) { rawValue.writeBinary(to: destination) }
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public func encodePostgres() -> PostgresEncoded { rawValue.encodePostgres() }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> ID<Entity> {
        ID(rawValue: try UUID.decodePostgres(bytes, type: type))
    }
}
