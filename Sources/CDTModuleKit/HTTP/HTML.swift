public import Foundation

/// For pages a module renders on the server (and the server's own sign-in form): text made safe for
/// HTML, and links' query strings.
public enum HTML {
    /// Text safe inside an element or a quoted attribute.
    public static func escape(_ text: String) -> String {
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

    /// A query string from pairs (`?a=1&b=x%20y`), percent-encoded, dropping empty values; `""` when none is left.
    public static func query(_ pairs: [(String, String?)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let parts = pairs.compactMap { key, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return key + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
