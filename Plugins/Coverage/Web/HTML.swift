import Foundation

/// Escaping and number formats for the server-rendered page.
enum HTML {
    /// Text safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A query string from pairs, percent-encoded, dropping empty values.
    static func query(_ pairs: [(String, String?)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let parts = pairs.compactMap { key, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return key + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

/// Numbers as a reader of the language expects them: 12.345 and 81,2% in Vietnamese, 12,345 and 81.2% in English.
struct NumberStyle: Sendable {
    let language: Language

    func count(_ value: Double?) -> String {
        guard let value else { return "—" }
        let rounded = value.rounded()
        if abs(value - rounded) > 0.005 || abs(value) >= 1e15 { return decimal(value, digits: 1) }
        let digits = String(Int64(abs(rounded)))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(language == .vi ? "." : ",") }
            grouped.append(character)
        }
        return (rounded < 0 ? "−" : "") + grouped
    }

    func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return decimal(value * 100, digits: 1) + "%"
    }

    func decimal(_ value: Double, digits: Int) -> String {
        let text = String(format: "%.\(digits)f", value)
        return language == .vi ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    func figure(_ value: Double?, isShare: Bool) -> String { isShare ? percent(value) : count(value) }

    /// A change: +1.234 or +2,5 điểm % for shares.
    func change(_ value: Double?, isShare: Bool) -> String {
        guard let value else { return "" }
        let sign = value > 0 ? "+" : value < 0 ? "−" : "±"
        if isShare { return sign + decimal(abs(value) * 100, digits: 1) + language.pick(" điểm %", " pts") }
        return sign + count(abs(value))
    }
}
