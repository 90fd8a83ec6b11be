import CDTModuleKit
import Foundation

/// Targets administrators set, and campaigns' progress, as stored.
enum TargetStore {
    /// Targets on `unit` and the units under it, within `provinces`.
    static func targets(under unit: CoverageUnit, provinces: Set<ID<AdministrativeUnit>>, _ db: PostgresClient) async throws -> [(CoverageTarget, CoverageUnit)] {
        let rows = try await db.query("""
            SELECT t.id, t.unit_id, t.metric, t.value, t.deadline, \(unsafeSQL: CoverageReader.unitColumns)
            FROM coverage_targets t JOIN core_v1.units u ON u.id = t.unit_id
            WHERE t.province_id = ANY(\(provinces.map(\.rawValue))) AND u.path LIKE \(unit.path + "%")
            ORDER BY length(u.path), u.sort_key, t.metric, t.deadline
            """).decode((UUID, UUID, String, Double, CalendarDate, UUID, String, String, String, UUID?, UUID?).self)
        return rows.map { row in
            (CoverageTarget(id: row.0, unitId: row.1, metric: row.2, value: row.3, deadline: row.4),
             CoverageUnit(id: row.5, name: row.6, level: row.7, path: row.8, provinceId: row.9 ?? row.5, parentId: row.10))
        }
    }

    /// Sets a target; one already set for the same unit, metric and deadline takes the new value.
    static func set(_ target: CoverageTarget, province: UUID, by account: UUID, _ db: PostgresSession) async throws -> CoverageTarget {
        let id = try await db.query("""
            INSERT INTO coverage_targets (province_id, id, unit_id, metric, value, deadline, set_by)
            VALUES (\(province), \(target.id), \(target.unitId), \(target.metric), \(target.value), \(target.deadline), \(account))
            ON CONFLICT (unit_id, metric, deadline) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = now()
            RETURNING id
            """).decode(UUID.self)[0]
        var saved = target
        saved.id = id
        return saved
    }

    /// The target with `id` and the path of its unit.
    static func target(_ id: UUID, _ db: PostgresClient) async throws -> (CoverageTarget, String)? {
        try await db.query("""
            SELECT t.id, t.unit_id, t.metric, t.value, t.deadline, u.path FROM coverage_targets t JOIN core_v1.units u ON u.id = t.unit_id
            WHERE t.id = \(id)
            """).decode((UUID, UUID, String, Double, CalendarDate, String).self).first.map {
            (CoverageTarget(id: $0.0, unitId: $0.1, metric: $0.2, value: $0.3, deadline: $0.4), $0.5)
        }
    }

    static func delete(_ id: UUID, _ db: PostgresSession) async throws {
        try await db.execute("DELETE FROM coverage_targets WHERE id = \(id)")
    }

    /// A campaign's progress against its targets.
    struct CampaignProgress: Codable, Sendable {
        var id: ID<Campaign>
        var name: String
        var scopeUnitId: ID<AdministrativeUnit>
        var startsOn: CalendarDate
        var endsOn: CalendarDate
        var closedOn: CalendarDate?
        var householdsVisited: Int
        var householdsWithTargetSkill: Int
        var membersTrained: Int
        var targets: [CampaignTarget]
    }

    /// Campaigns over `unit`, under it, or above it, within `provinces`, newest first.
    static func campaigns(touching unit: CoverageUnit, provinces: Set<ID<AdministrativeUnit>>, _ db: PostgresClient) async throws -> [CampaignProgress] {
        let rows = try await db.query("""
            SELECT id, name, scope_unit_id, starts_on, ends_on, closed_on, households_visited, households_with_target_skill, members_trained, targets
            FROM coverage_campaigns
            WHERE province_id = ANY(\(provinces.map(\.rawValue))) AND (scope_path LIKE \(unit.path + "%") OR \(unit.path) LIKE scope_path || '%')
            ORDER BY starts_on DESC, id
            LIMIT 50
            """).decode((UUID, String, UUID, CalendarDate, CalendarDate, CalendarDate?, Int64, Int64, Int64, PostgresJSON<[CampaignTarget]>).self)
        return rows.map {
            CampaignProgress(id: ID(rawValue: $0.0), name: $0.1, scopeUnitId: ID(rawValue: $0.2), startsOn: $0.3, endsOn: $0.4, closedOn: $0.5,
                             householdsVisited: Int($0.6), householdsWithTargetSkill: Int($0.7), membersTrained: Int($0.8), targets: $0.9.value)
        }
    }
}
