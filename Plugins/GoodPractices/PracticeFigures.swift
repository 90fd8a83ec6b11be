import CDTModuleKit

/// The module's figures for other modules (``UnitFigures``): practices shared and endorsed in a unit's
/// subtree. Runs in the asking request's task, so row-level security keeps it to that caller's provinces.
struct PracticeFigures: UnitFigures {
    let database: PostgresClient

    func figures(for unit: ID<AdministrativeUnit>) async throws -> [UnitFigure] {
        guard let path = try await CoreReads(database).unit(unit)?.path else { return Self.figures(shared: 0, endorsed: 0) }
        let (shared, endorsed) = try await database.query("""
            SELECT count(*), count(e.practice_id) FROM good_practices_practices p
            LEFT JOIN good_practices_endorsements e ON e.province_id = p.province_id AND e.practice_id = p.id
            JOIN core_v1.units u ON u.id = p.unit_id
            WHERE u.path LIKE \(path + "%")
            """).decode((Int64, Int64).self)[0]
        return Self.figures(shared: shared, endorsed: endorsed)
    }

    private static func figures(shared: Int64, endorsed: Int64) -> [UnitFigure] {
        [
            UnitFigure(key: "practicesShared", label: LocalizedName(vietnamese: "Mô hình đã chia sẻ", english: "Practices shared"), value: Double(shared)),
            UnitFigure(key: "practicesEndorsed", label: LocalizedName(vietnamese: "Mô hình được công nhận", english: "Practices endorsed"), value: Double(endorsed)),
        ]
    }
}
