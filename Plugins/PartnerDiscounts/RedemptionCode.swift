import Foundation

/// A claim's one-time code: 10 characters of Crockford's base32 (digits and letters without I, L, O and
/// U), 50 bits from the system's random generator, grouped `XXXX-XXXX-XX` to read aloud and type at a
/// counter. Guessing one is hopeless: with a million live codes, one guess in a billion finds a code at
/// all, and lookups are rate limited (``CounterGuard``). Typing is forgiving: lower case, spaces and
/// dashes are ignored, and I, L (as 1) and O (as 0) are read as Crockford says.
struct RedemptionCode: Hashable, Sendable, CustomStringConvertible {
    /// The ten characters without grouping.
    let characters: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func random() -> RedemptionCode {
        var generator = SystemRandomNumberGenerator()
        return RedemptionCode(characters: String((0..<10).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }))
    }

    /// A code as someone typed it, or `nil` when it cannot be one.
    init?(typed text: String) {
        var characters = ""
        for character in text.uppercased() where character != "-" && character != " " {
            let read: Character = switch character {
            case "I", "L": "1"
            case "O": "0"
            default: character
            }
            guard Self.alphabet.contains(read) else { return nil }
            characters.append(read)
        }
        guard characters.count == 10 else { return nil }
        self.characters = characters
    }

    private init(characters: String) {
        self.characters = characters
    }

    /// `XXXX-XXXX-XX`.
    var description: String {
        let c = Array(characters)
        return String(c[0..<4]) + "-" + String(c[4..<8]) + "-" + String(c[8..<10])
    }
}
