public import Foundation

/// The fields of an HTML form a page posted (`application/x-www-form-urlencoded`), in the order sent.
/// A module's form route (``ModuleRoutes/form(_:access:documentation:_:)``) reads them from
/// ``ModuleRequestContext/form``:
///
/// ```swift
/// routes.form("nominations/{id}/return", access: .permission("rewards.review"), summary: "Return a nomination") { request, context in
///     let reason = context.form?["reason"] ?? ""
///     …
/// }
/// ```
public struct FormFields: Sendable, Hashable {
    /// Each field as sent, names and values percent-decoded (`+` read as a space).
    public let pairs: [(name: String, value: String)]

    /// The fields of an urlencoded body; `nil` when a name or value is not valid percent-encoding.
    public init?(urlEncoded body: String) {
        var pairs: [(name: String, value: String)] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The first value of `name`, trimmed of surrounding white space; `nil` when the form has no such field.
    public subscript(_ name: String) -> String? {
        pairs.first { $0.name == name }.map { $0.value.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Every value of `name` (check boxes and multiple selects send one pair each), trimmed.
    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map { $0.value.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The names sent, without repeats, in the order first sent.
    public var names: [String] {
        var seen = Set<String>()
        return pairs.map(\.name).filter { seen.insert($0).inserted }
    }

    public static func == (lhs: FormFields, rhs: FormFields) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs { hasher.combine(pair.name); hasher.combine(pair.value) }
    }
}

extension FormFields {
    /// The name of the hidden field that carries the caller's form token (see ``HTML/csrfField(_:)``).
    public static let tokenField = "csrf"
}

extension HTML {
    /// The hidden field every form a module page renders carries, so the server knows the post comes from
    /// a page it served to this caller (cross-site request forgery protection):
    /// `<input type="hidden" name="csrf" value="…">`. Empty for a caller without a session (an API key).
    ///
    /// ```swift
    /// """
    /// <form method="post" action="/api/v1/modules/rewards/nominations/\(id)/endorse">
    /// \(HTML.csrfField(context))
    /// <button>Chuyển lên cấp trên · Endorse</button></form>
    /// """
    /// ```
    public static func csrfField(_ context: ModuleRequestContext) -> String {
        guard let token = context.csrfToken else { return "" }
        return "<input type=\"hidden\" name=\"\(FormFields.tokenField)\" value=\"\(escape(token))\">"
    }
}
