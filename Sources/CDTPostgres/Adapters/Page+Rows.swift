import CDTDomain
import Foundation

extension Page {
    /// A page of `rows` fetched with `LIMIT limit + 1`: the first `limit` as items, and when there were
    /// more, a cursor made from the last item shown (and its row).
    static func of(_ rows: PostgresRows, limit: Int, item: (PostgresRow) throws -> Item, cursor: (Item, PostgresRow) throws -> [String]) throws -> Page<Item> {
        let items = try rows.prefix(limit).map(item)
        guard rows.count > limit, let last = items.last else { return Page(items: items, next: nil) }
        return Page(items: items, next: PageCursor(parts: try cursor(last, rows[limit - 1])))
    }
}
