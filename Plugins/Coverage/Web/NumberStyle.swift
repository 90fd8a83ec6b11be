import Foundation

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
