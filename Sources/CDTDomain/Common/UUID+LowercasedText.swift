public import Foundation

/// A UUID's lower-case text, the form every answer, log line and SQL setting of the platform uses, written
/// digit by digit, and read back from its bytes in either case. Foundation's `uuidString` goes through
/// `snprintf` on Linux: sorting a national reader's 34 provinces by it, and writing a province's 57 units in
/// a drill-down's answer, were a quarter of the server's CPU in a drill-down (`perf`, docs/benchmarks.md
/// "Eighteenth round").
///
/// ```swift
/// let id = UUID(uuidString: "5F0C2D6E-8A47-4B8E-9D7E-1C2A3B4C5D6E")!
/// id.lowercasedText   // "5f0c2d6e-8a47-4b8e-9d7e-1c2a3b4c5d6e"
/// UUID(text: Array(id.lowercasedText.utf8)[...]) == id   // true
/// ```
extension UUID {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The canonical text form (`8-4-4-4-12`), lower case: `uuidString.lowercased()`, without `snprintf`.
    public var lowercasedText: String {
        String(unsafeUninitializedCapacity: 36) { out in
            var at = 0
            forEachLowercasedCharacter { out[at] = $0; at += 1 }
            return at
        }
    }

    /// The UUID whose canonical text (`8-4-4-4-12` hex digits, either case) is `text`; `nil` for anything else.
    /// What `UUID(uuidString:)` reads, without its `sscanf` on Linux: a batch of events reads thousands of ids,
    /// from the clients' JSON and from PostgreSQL's answers.
    @inlinable
    public init?<Text: Collection<UInt8>>(text: Text) where Text.Index == Int {
        guard text.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &raw) { bytes -> Bool in
            var index = text.startIndex
            for count in 0..<16 {
                if count == 4 || count == 6 || count == 8 || count == 10 {
                    guard text[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = HexDigit.value(of: text[index]), let low = HexDigit.value(of: text[index + 1]) else { return false }
                bytes[count] = high << 4 | low
                index += 2
            }
            return true
        }
        guard valid else { return nil }
        self.init(uuid: raw)
    }

    /// Appends ``lowercasedText``'s bytes to `bytes`.
    public func appendLowercasedText(to bytes: inout [UInt8]) {
        forEachLowercasedCharacter { bytes.append($0) }
    }

    /// Whether this id comes before `other` in byte order, which is also the order of their texts (hex
    /// digits sort as the values they stand for, in either case): a sort without making any text.
    public func precedesInTextOrder(_ other: UUID) -> Bool {
        withUnsafeBytes(of: uuid) { lhs in withUnsafeBytes(of: other.uuid) { rhs in lhs.lexicographicallyPrecedes(rhs) } }
    }

    /// The 36 characters of the lower-case text, in order.
    private func forEachLowercasedCharacter(_ emit: (UInt8) -> Void) {
        withUnsafeBytes(of: uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { emit(UInt8(ascii: "-")) }
                emit(Self.hexDigits[Int(byte >> 4)])
                emit(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
    }
}
