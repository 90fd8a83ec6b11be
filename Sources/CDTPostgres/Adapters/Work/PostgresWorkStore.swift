public import CDTDomain
import Foundation

/// Reads teams, members, memberships, households, campaigns and trainings (the tables the event log
/// keeps up to date; see ``PostgresEventLog``). Lists page with keyset cursors, never OFFSET.
public struct PostgresWorkStore: WorkStore {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// `alias.unit_id` lies in the subtree (always true without one). `alias` names the table.
    static func inSubtree(_ scope: SubtreeScope?, _ alias: String) -> PostgresQuery {
        let province = scope?.provinceID, under = scope?.pattern
        return """
        (\(province)::uuid IS NULL OR (
            \(unsafeSQL: alias).province_id = \(province)
            AND \(unsafeSQL: alias).unit_id IN (SELECT id FROM administrative_units WHERE path LIKE \(under))))
        """
    }

    static func text(_ filter: WorkFilter) -> String? {
        filter.text.map(VietnameseText.searchKey).flatMap { $0.isEmpty ? nil : PostgresHierarchyStore.likeEscaped($0) }
    }

    /// The cursor's parts for a list ordered by a sort key and an id.
    static func sortKeyCursor<Item>(_ item: Item, _ row: PostgresRow) throws -> [String] {
        [try row.decode(String.self, column: "sort_key_hex"), try row.decode(UUID.self, column: "id").uuidString]
    }
}
