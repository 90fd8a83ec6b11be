import CDTDomain

/// A unit as appending an event needs it: the unit, its province and its path in the tree.
struct StoredUnit: Sendable {
    let unit: AdministrativeUnit
    let provinceID: ID<AdministrativeUnit>
    let path: String

    var id: ID<AdministrativeUnit> { unit.id }
    var validity: ValidityPeriod { unit.validity }
    var level: UnitLevel { unit.kind.level }

    static func load(_ id: ID<AdministrativeUnit>, _ session: PostgresSession) async throws -> StoredUnit? {
        let rows = try await session.query("""
            SELECT \(unsafeSQL: PostgresHierarchyStore.columns), coalesce(province_id, id) AS province, path
            FROM administrative_units WHERE id = \(id)
            """)
        return try rows.first.map(stored(from:))
    }

    /// The units with the given ids that exist, by id, in one statement.
    static func load(_ ids: Set<ID<AdministrativeUnit>>, _ session: PostgresSession) async throws -> [ID<AdministrativeUnit>: StoredUnit] {
        var units: [ID<AdministrativeUnit>: StoredUnit] = [:]
        for row in try await session.query("""
            SELECT \(unsafeSQL: PostgresHierarchyStore.columns), coalesce(province_id, id) AS province, path
            FROM administrative_units WHERE id = ANY(\(Array(ids)))
            """) {
            let unit = try stored(from: row)
            units[unit.id] = unit
        }
        return units
    }

    /// The unit in a row whose first eight columns are ``PostgresHierarchyStore/columns``, then its
    /// province and its path (read by position: ``provinceColumn``, ``pathColumn``).
    static func stored(from row: PostgresRow) throws -> StoredUnit {
        StoredUnit(
            unit: try PostgresHierarchyStore.unit(from: row),
            provinceID: try row.decode(ID<AdministrativeUnit>.self, at: provinceColumn),
            path: try row.decode(String.self, at: pathColumn))
    }

    static let provinceColumn = 8, pathColumn = 9

    /// Whether `other` is this unit or lies under it.
    func contains(_ other: StoredUnit) -> Bool {
        other.path.hasPrefix(path)
    }
}
