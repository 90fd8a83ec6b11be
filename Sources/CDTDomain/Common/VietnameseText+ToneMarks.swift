import Foundation

extension VietnameseText {
    /// The text with every tone mark on the vowel the old-style placement puts it, so that the two
    /// spellings in official use compare equal: `Hoà` and `Hòa`, `Thuỷ` and `Thủy`, `Khoẻ` and `Khỏe`.
    ///
    /// Only the three open endings whose placement differs between the styles move: `oa`, `oe` and `uy`
    /// at the end of a word (not after `q`, where `u` belongs to the consonant: `Quý` stays). The result is
    /// NFC. Names are displayed as their source spells them; this form is for equality, search and sort.
    public static func canonicalToneMarks(_ text: String) -> String {
        var result: [Character] = []
        result.reserveCapacity(text.count)
        var word: [Character] = []
        func flush() {
            result += movedToneMarks(word)
            word.removeAll(keepingCapacity: true)
        }
        for character in text {
            if character.isLetter { word.append(character) } else { flush(); result.append(character) }
        }
        flush()
        return String(result).precomposedStringWithCanonicalMapping
    }

    /// Whether two names are the same words: equal once tone marks are placed alike (case counts).
    public static func isSameName(_ a: String, _ b: String) -> Bool {
        canonicalToneMarks(a) == canonicalToneMarks(b)
    }

    private static let toneMarks: Set<UInt32> = [0x0300, 0x0301, 0x0303, 0x0309, 0x0323]

    /// A word with the tone of a final `oa`, `oe` or `uy` moved from its second vowel to its first.
    private static func movedToneMarks(_ word: [Character]) -> [Character] {
        guard word.count >= 2 else { return word }
        let first = Array(String(word[word.count - 2]).decomposedStringWithCanonicalMapping.unicodeScalars)
        let second = Array(String(word[word.count - 1]).decomposedStringWithCanonicalMapping.unicodeScalars)
        guard let firstBase = first.first, let secondBase = second.first, first.count == 1 else { return word }
        let pair = (String(firstBase).lowercased(), String(secondBase).lowercased())
        let afterQ = word.count >= 3 && String(word[word.count - 3]).lowercased() == "q"
        let opensLikeOldStyle = (pair.0 == "o" && (pair.1 == "a" || pair.1 == "e")) || (pair.0 == "u" && pair.1 == "y" && !afterQ)
        guard opensLikeOldStyle, let tone = second.dropFirst().first(where: { toneMarks.contains($0.value) }) else { return word }
        var movedFirst = String.UnicodeScalarView([firstBase, tone])
        var keptSecond = String.UnicodeScalarView(second.filter { $0 != tone })
        movedFirst = String(movedFirst).precomposedStringWithCanonicalMapping.unicodeScalars
        keptSecond = String(keptSecond).precomposedStringWithCanonicalMapping.unicodeScalars
        return word.dropLast(2) + [Character(String(movedFirst)), Character(String(keptSecond))]
    }
}
