import Foundation

/// Vietnamese text as people search and sort it: names keep their diacritics, search ignores them,
/// and sorting follows the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y)
/// with tones ordered level, grave, hook, tilde, acute, dot below.
public enum VietnameseText {
    /// The key to search by: lower-case, without diacritics, `đ` as `d`, runs of spaces as one.
    /// `Hà Nội`, `ha noi` and `HA  NOI` all give `ha noi`.
    public static func searchKey(_ text: String) -> String {
        var key = ""
        var pendingSpace = false
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !key.isEmpty
                continue
            }
            if (0x0300...0x036F).contains(scalar.value) { continue }  // combining marks: tones, breve, circumflex, horn
            if pendingSpace { key.append(" "); pendingSpace = false }
            switch scalar {
            case "đ", "Đ": key.append("d")
            default: key.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return key
    }

    /// Whether `a` sorts before `b` in Vietnamese order: letters first (ă after a, đ after d, ư after u),
    /// then tones, then case.
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        sortKey(a) < sortKey(b)
    }

    /// A key whose plain ordering is Vietnamese order; store it to sort in the database. Both tone-mark
    /// placements give the same key (`Hoà` and `Hòa`: ``canonicalToneMarks(_:)``).
    public static func sortKey(_ text: String) -> SortKey {
        let text = canonicalToneMarks(text)
        var letters: [UInt16] = []
        var tones: [UInt8] = []
        var cases: [UInt8] = []
        for character in text {
            let scalars = Array(String(character).decomposedStringWithCanonicalMapping.unicodeScalars)
            guard let base = scalars.first else { continue }
            let isUpper = base.properties.isUppercase || base == "Đ"
            let lower = base == "Đ" ? "đ" : Character(String(base.properties.lowercaseMapping))
            var letter = lower
            var tone: UInt8 = 0
            for mark in scalars.dropFirst() {
                switch mark.value {
                case 0x0306: letter = letter == "a" ? "ă" : letter           // breve
                case 0x0302: letter = ["a": "â", "e": "ê", "o": "ô"][letter] ?? letter  // circumflex
                case 0x031B: letter = ["o": "ơ", "u": "ư"][letter] ?? letter  // horn
                case 0x0300: tone = 1  // huyền
                case 0x0309: tone = 2  // hỏi
                case 0x0303: tone = 3  // ngã
                case 0x0301: tone = 4  // sắc
                case 0x0323: tone = 5  // nặng
                default: break
                }
            }
            letters.append(rank(of: letter))
            tones.append(tone)
            cases.append(isUpper ? 1 : 0)
        }
        return SortKey(letters: letters, tones: tones, cases: cases)
    }

    /// Compares letters, then tones, then case, each left to right.
    public struct SortKey: Comparable, Hashable, Sendable {
        let letters: [UInt16]
        let tones: [UInt8]
        let cases: [UInt8]

        /// The key as bytes whose plain byte order (`memcmp`, PostgreSQL's `bytea` order) is the same as
        /// the key's: letters (two bytes each), a zero pair, tones, a zero, cases.
        public var bytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(letters.count * 4 + 3)
            for letter in letters { bytes += [UInt8(letter >> 8), UInt8(letter & 0xFF)] }
            bytes += [0, 0]
            bytes += tones.map { $0 + 1 }
            bytes.append(0)
            bytes += cases.map { $0 + 1 }
            return bytes
        }

        public static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            if lhs.letters != rhs.letters { return lhs.letters.lexicographicallyPrecedes(rhs.letters) }
            if lhs.tones != rhs.tones { return lhs.tones.lexicographicallyPrecedes(rhs.tones) }
            return lhs.cases.lexicographicallyPrecedes(rhs.cases)
        }
    }

    private static let alphabet: [Character] = Array("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
    private static let ranks: [Character: UInt16] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt16($0 + 1000)) })

    /// Letters of the alphabet rank in Vietnamese order; digits, spaces and punctuation before them
    /// (in code-point order), anything else after.
    private static func rank(of letter: Character) -> UInt16 {
        if let rank = ranks[letter] { return rank }
        guard let scalar = letter.unicodeScalars.first else { return 0 }
        return scalar.value < 1000 ? UInt16(max(scalar.value, 1)) : UInt16.max
    }
}

