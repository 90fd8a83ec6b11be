public import Foundation

/// Where a page of a list starts: an opaque position after the last item of the previous page.
public struct PageCursor: Hashable, Sendable {
    /// The position's parts, as the store that made it wants them.
    public let parts: [String]

    public init(parts: [String]) { self.parts = parts }

    /// The opaque text a client passes back (`?cursor=`).
    public var token: String {
        Data(parts.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token made by ``token``; `nil` when it is not one.
    public init?(token: String, partCount: Int) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == partCount else { return nil }
        self.parts = parts
    }
}

/// How much of a list to return and from where.
public struct PageRequest: Hashable, Sendable {
    /// The most items (1 to ``maximumLimit``).
    public let limit: Int
    /// Start after this position; `nil` for the first page.
    public let after: PageCursor?

    public static let maximumLimit = 500

    public init(limit: Int = 50, after: PageCursor? = nil) {
        self.limit = min(max(limit, 1), Self.maximumLimit)
        self.after = after
    }
}

/// One page of a list and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// `nil` on the last page.
    public var next: PageCursor?

    public init(items: [Item], next: PageCursor?) {
        self.items = items
        self.next = next
    }
}
