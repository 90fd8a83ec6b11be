public import Foundation
import CDTDomain

// The column types each decoder accepts, made once (a set literal in the call would be built on every value).
private let timestampTypes: Set<PostgresDataType> = [.timestamptz, .timestamp, .date]

/// `Date` binds as `timestamptz` with microsecond precision and reads from `timestamptz`, `timestamp`
/// (taken as UTC) and `date` (midnight UTC). Connections run with `TimeZone = 'UTC'` and `DateStyle = ISO`.
extension Date: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .timestamptz }
    public static var postgresArrayType: PostgresDataType { .timestamptzArray }

    public func encodePostgres() -> PostgresEncoded {
        if self == .distantFuture { return .text("infinity") }
        if self == .distantPast { return .text("-infinity") }
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = CivilDate.fromDays(days)
        // Year 0 is 1 BC in PostgreSQL's notation.
        let text = CivilDate.pad(year > 0 ? year : 1 - year, 4) + "-" + CivilDate.pad(month, 2) + "-" + CivilDate.pad(day, 2) + " "
            + CivilDate.pad(secondOfDay / 3600, 2) + ":" + CivilDate.pad(secondOfDay / 60 % 60, 2) + ":"
            + CivilDate.pad(secondOfDay % 60, 2) + "." + CivilDate.pad(fraction, 6) + "+00"
        return .text(year > 0 ? text : text + " BC")
    }

    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Date {
        try require(type, in: timestampTypes)
        // Compared byte by byte: a string made of every timestamp read (thousands a pass) only to compare it.
        if bytes.elementsEqual("infinity".utf8) { return .distantFuture }
        if bytes.elementsEqual("-infinity".utf8) { return .distantPast }
        var bytes = bytes
        let isBC = bytes.count > 3 && bytes.suffix(3).elementsEqual(" BC".utf8)
        if isBC { bytes = bytes.dropLast(3) }
        var scanner = DigitScanner(bytes: bytes)
        guard var year = scanner.number(), scanner.skip("-"), let month = scanner.number(), scanner.skip("-"),
              let day = scanner.number()
        else { throw PostgresDecodingFailure("'\(String(decoding: bytes, as: UTF8.self))' is not an ISO date") }
        if isBC { year = 1 - year }
        var seconds = CivilDate.toDays(year: year, month: month, day: day) * 86_400
        var micros: Int64 = 0
        if scanner.skip(" ") || scanner.skip("T") {
            guard let hour = scanner.number(), scanner.skip(":"), let minute = scanner.number(), scanner.skip(":"),
                  let second = scanner.number()
            else { throw PostgresDecodingFailure("'\(String(decoding: bytes, as: UTF8.self))' is not an ISO timestamp") }
            seconds += hour * 3600 + minute * 60 + second
            if scanner.skip(".") {
                let (digits, count) = scanner.numberWithCount()
                micros = digits * Int64(pow(10.0, Double(6 - min(count, 6))))
            }
            if let sign = scanner.sign() {
                let offsetHours = scanner.number() ?? 0
                let offsetMinutes = scanner.skip(":") ? (scanner.number() ?? 0) : 0
                let offsetSeconds = scanner.skip(":") ? (scanner.number() ?? 0) : 0
                seconds -= sign * (offsetHours * 3600 + offsetMinutes * 60 + offsetSeconds)
            }
        }
        guard scanner.atEnd else {
            throw PostgresDecodingFailure("'\(String(decoding: bytes, as: UTF8.self))' is not a timestamp this client reads")
        }
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}

/// Calendar arithmetic comes from the domain's ``CalendarDate``; this adds zero padding.
enum CivilDate {
    static func toDays(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(CalendarDate.days(year: Int(year), month: Int(month), day: Int(day)))
    }

    static func fromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (year, month, day) = CalendarDate(daysSinceEpoch: Int(days)).components
        return (Int64(year), Int64(month), Int64(day))
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Reads numbers and punctuation off ASCII bytes.
struct DigitScanner {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var atEnd: Bool { index == bytes.endIndex }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.endIndex, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    mutating func number() -> Int64? {
        let (value, count) = numberWithCount()
        return count == 0 ? nil : value
    }

    mutating func numberWithCount() -> (Int64, Int) {
        var value: Int64 = 0
        var count = 0
        while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            if count < 18 { value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        return (value, count)
    }
}
