/// Hexadecimal digits read from their ASCII bytes, for the parsers that read ids and bytes from text
/// (``Foundation/UUID/init(text:)``, the Postgres client's `bytea`).
///
/// ```swift
/// HexDigit.value(of: UInt8(ascii: "b"))  // 11
/// HexDigit.value(of: UInt8(ascii: "G"))  // nil
/// ```
public enum HexDigit {
    /// The value of the digit `byte` (`0`–`9`, `a`–`f`, `A`–`F`); `nil` for any other byte.
    @inlinable
    public static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
