public import Foundation

/// Which provinces' rows the current task may touch, as row-level security sees them
/// (`sql/core/0005_row_level_security.sql`).
///
/// Set it around the work of one request; every connection the task leases is told before its first
/// statement (`cdt.provinces`, `cdt.all_provinces`). A task that sets none leases connections that see
/// no tenant row, so a query that forgets its scope returns nothing rather than everything.
///
/// ```swift
/// try await RowScope.$current.withValue(.provinces([provinceA])) {
///     try await db.query("SELECT count(*) FROM teams")   // province A's teams only
/// }
/// ```
public struct RowScope: Hashable, Sendable {
    /// Every province (national roles).
    public let allProvinces: Bool
    public let provinceIDs: [UUID]

    public static let everyProvince = RowScope(allProvinces: true, provinceIDs: [])
    public static let noProvince = RowScope(allProvinces: false, provinceIDs: [])

    public static func provinces(_ ids: some Sequence<UUID>) -> RowScope {
        RowScope(allProvinces: false, provinceIDs: Array(Set(ids)).sorted { $0.uuidString < $1.uuidString })
    }

    /// The scope of the current task; `nil` behaves as ``noProvince``.
    @TaskLocal public static var current: RowScope?

    /// The statement telling a connection this scope.
    var statement: PostgresQuery {
        let ids = provinceIDs.map { $0.uuidString.lowercased() }.joined(separator: ",")
        return "SELECT set_config('cdt.all_provinces', \(allProvinces ? "on" : "off"), false), set_config('cdt.provinces', \(ids), false)"
    }
}
