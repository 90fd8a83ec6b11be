public import Foundation

/// Instants as clients send them, ISO 8601 with an offset: `2025-10-02T09:30:00+07:00`, with or without
/// fractions of a second, `Z` for UTC. The one parser of instants the platform has.
///
/// Strict: an impossible date or time (`2025-09-31`, `24:00:00`, `23:59:60`) is refused, never rolled
/// over into the next day.
/// ```swift
/// Timestamp.parse("2025-10-02T09:30:00+07:00")   // 2025-10-02 02:30 UTC
/// Timestamp.parse("2025-09-31T09:00:00+07:00")   // nil
/// ```
public enum Timestamp {
    /// The instant `text` names, or `nil` when it is not of the form `YYYY-MM-DDThh:mm:ss[.fff]±hh:mm` (or
    /// `Z`) or names a day or a time that does not exist.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2), expect("T"),
              let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2),
              let date = CalendarDate(year: year, month: month, day: day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if expect(".") {
            var scale = 0.1, count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                count += 1
                index += 1
            }
            guard (1...9).contains(count) else { return nil }
        }
        var offset = 0
        if expect("Z") {
            offset = 0
        } else {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2) else { return nil }
            _ = expect(":")
            guard let minutes = digits(2), hours <= 14, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }
}
