import CDTModuleKit
import Foundation

/// A unit as the figures name it; `nil` id is the nation.
struct CoverageUnit: Encodable, Hashable, Sendable {
    var id: UUID?
    var name: String
    var level: String
    var path: String
    var provinceId: UUID?
    var parentId: UUID?

    static let nation = CoverageUnit(id: nil, name: "Việt Nam", level: "nation", path: "/", provinceId: nil, parentId: nil)

    enum CodingKeys: String, CodingKey { case id, name, level, path, provinceId, parentId }

    /// Ids in the lower-case form the rest of the API uses.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id?.uuidString.lowercased() ?? "nation", forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(level, forKey: .level)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(provinceId?.uuidString.lowercased(), forKey: .provinceId)
        try container.encodeIfPresent(parentId?.uuidString.lowercased(), forKey: .parentId)
    }
}

/// Which hierarchy figures are shown under.
enum HierarchyView: String, Codable, Sendable {
    /// Today's units: work recorded in units merged or split since counts under their successors.
    case current
    /// The units in force at the date asked for.
    case asOf
}

/// Reads the rolled-up figures: primary-key lookups in `coverage_totals` (minus the days after the date
/// asked for, from `coverage_days`), never the event log.
struct CoverageReader: Sendable {
    /// The module's client: for what is written, and reads outside ``CoverageReader`` (targets, campaigns).
    let database: PostgresClient
    /// When set, the reader's own statements run on this one lease (a request's reads: one row-scope
    /// statement and one connection instead of one per statement). It must not outlive its lease.
    private let session: PostgresSession?

    init(database: PostgresClient, session: PostgresSession? = nil) {
        self.database = database
        self.session = session
    }

    private func read(_ statement: PostgresQuery) async throws -> PostgresRows {
        if let session { try await session.query(statement) } else { try await database.query(statement) }
    }

    private var core: CoreReads { session.map { CoreReads($0) } ?? CoreReads(database) }

    static let unitColumns = "u.id, u.name, u.level, u.path, u.province_id, u.parent_id"

    private static func unit(_ row: (UUID, String, String, String, UUID?, UUID?)) -> CoverageUnit {
        CoverageUnit(id: row.0, name: row.1, level: row.2, path: row.3, provinceId: row.4 ?? (row.2 == "province" ? row.0 : nil), parentId: row.5)
    }

    private static func unit(_ core: CoreUnit) -> CoverageUnit {
        unit((core.id.rawValue, core.name, core.level, core.path, core.provinceID?.rawValue, core.parentID?.rawValue))
    }

    func unit(_ id: UUID) async throws -> CoverageUnit? {
        try await core.unit(ID(rawValue: id)).map(Self.unit)
    }

    /// A unit asked for, its period in force, and the epoch the figures at a day are kept in
    /// (``epoch(for:view:today:)``), from one read.
    struct FoundUnit: Sendable {
        var unit: CoverageUnit
        var validFrom: CalendarDate
        var validUntil: CalendarDate?
        var epoch: CalendarDate?

        /// Whether it is in force at the end of `day`.
        func isInForce(on day: CalendarDate) -> Bool { validFrom <= day && (validUntil.map { $0 > day } ?? true) }
    }

    /// The unit `id` with the epoch of the figures at `day` under `view`, in one statement.
    func unit(_ id: UUID, withEpochFor day: CalendarDate, view: HierarchyView, today: CalendarDate) async throws -> FoundUnit? {
        let rows = try await read("""
            SELECT \(unsafeSQL: Self.unitColumns), u.valid_from, u.valid_until,
                   (SELECT nullif(max(e), '-infinity') FROM coverage_map_state, unnest(epoch_starts) e WHERE e <= \(Self.epochDay(for: day, view: view, today: today)))
            FROM core_v1.units u WHERE u.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        let unit = Self.unit((try row.decode(UUID.self, at: 0), try row.decode(String.self, at: 1), try row.decode(String.self, at: 2),
                              try row.decode(String.self, at: 3), try row.decode(UUID?.self, at: 4), try row.decode(UUID?.self, at: 5)))
        return FoundUnit(unit: unit, validFrom: try row.decode(CalendarDate.self, at: 6), validUntil: try row.decode(CalendarDate?.self, at: 7),
                         epoch: try row.decode(CalendarDate?.self, at: 8))
    }

    /// Whether `unit` was in force on `day`.
    func isInForce(_ unit: UUID, on day: CalendarDate) async throws -> Bool {
        try await core.unit(ID(rawValue: unit))?.isInForce(on: day) ?? false
    }

    /// The units above `unit`, from its province down to its parent.
    func ancestors(of unit: CoverageUnit) async throws -> [CoverageUnit] {
        let ids = unit.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }.filter { $0 != unit.id }
        guard !ids.isEmpty else { return [] }
        return try await core.units(ids.map(ID.init(rawValue:))).map(Self.unit)
    }

    /// The units directly under `unit` (the provinces, under the nation) in force on `day`, among
    /// `provinces`, in Vietnamese order.
    func children(of unit: CoverageUnit, on day: CalendarDate, provinces: Set<ID<AdministrativeUnit>>) async throws -> [CoverageUnit] {
        let allowed = provinces.map(\.rawValue)
        let rows = try await read("""
            SELECT \(unsafeSQL: Self.unitColumns) FROM core_v1.units u
            WHERE ((\(unit.id)::uuid IS NULL AND u.level = 'province') OR u.parent_id = \(unit.id))
              AND u.valid_from <= \(day) AND (u.valid_until IS NULL OR u.valid_until > \(day))
              AND coalesce(u.province_id, u.id) = ANY(\(allowed))
            ORDER BY u.sort_key, u.id
            """)
            .decode((UUID, String, String, String, UUID?, UUID?).self)
        return rows.map(Self.unit)
    }

    /// Units in force today whose names match `query` without regard to diacritics, in `provinces`.
    func search(_ query: String, provinces: Set<ID<AdministrativeUnit>>, today: CalendarDate, limit: Int = 20) async throws -> [CoverageUnit] {
        let pattern = "%" + VietnameseText.searchKey(query) + "%"
        return try await read("""
            SELECT \(unsafeSQL: Self.unitColumns) FROM core_v1.units u
            WHERE u.search_key LIKE \(pattern) AND coalesce(u.province_id, u.id) = ANY(\(provinces.map(\.rawValue)))
              AND u.valid_from <= \(today) AND (u.valid_until IS NULL OR u.valid_until > \(today))
            ORDER BY array_position(ARRAY['province', 'district', 'commune', 'village'], u.level), u.sort_key, u.id
            LIMIT \(limit)
            """).decode((UUID, String, String, String, UUID?, UUID?).self).map(Self.unit)
    }

    /// The epoch the figures at `day` are kept in: today's for the current hierarchy, the one holding
    /// `day` for the hierarchy as it was.
    func epoch(for day: CalendarDate, view: HierarchyView, today: CalendarDate) async throws -> CalendarDate? {
        let at = Self.epochDay(for: day, view: view, today: today)
        // The epochs the map was made with, not the lineage as it is this instant: a reorganization not
        // yet followed leaves the figures on the epochs they were kept in.
        return try await read("""
            SELECT nullif(max(e), '-infinity') FROM coverage_map_state, unnest(epoch_starts) e WHERE e <= \(at)
            """)
            .decode(CalendarDate?.self).first ?? nil
    }

    /// The day whose epoch holds the figures at `day`: today's for the current hierarchy.
    static func epochDay(for day: CalendarDate, view: HierarchyView, today: CalendarDate) -> CalendarDate {
        view == .current ? max(day, today) : day
    }

    /// The epoch start as SQL compares it (`-infinity` before the first reorganization).
    private func epochValue(_ epoch: CalendarDate?) -> String { epoch?.description ?? "-infinity" }

    /// The base values of `units` at the end of `day` (the nation's when a unit's id is `nil`: the sum of
    /// `provinces`).
    func values(of units: [CoverageUnit], at day: CalendarDate, epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>) async throws -> [UUID?: UnitValues] {
        try await values(of: units, at: [day], epoch: epoch, provinces: provinces)[0]
    }

    /// The base values of `units` at the end of each of `days`, in that order, from one read of the totals,
    /// one of the days after the earliest of `days`, and one of the village counts. `reads` names the slots
    /// wanted (``MetricFormula/reads(_:)``; every one by default): the others stay 0.
    ///
    /// Each read answers one row per unit (and day) with the values as arrays, not one per metric.
    func values(of units: [CoverageUnit], at days: [CalendarDate], epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>,
                reads: (base: [Int], villages: Bool) = (Array(0..<Metric.base.count), true)) async throws -> [[UUID?: UnitValues]] {
        guard let earliest = days.min() else { return [] }
        var ids = units.compactMap(\.id)
        let wantsNation = units.contains { $0.id == nil }
        if wantsNation { ids += provinces.map(\.rawValue) }
        ids = Array(Set(ids))
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($0.element, $0.offset) })
        let keys = reads.base.map { MetricSlots.keys[$0] }
        let wanted = reads.base.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) }
        // One statement, one row per unit (and day): the totals (kind 0), what changed after each day
        // (kind 1, day i of `days` is i + 1: the totals minus these are the values then) and the village
        // counts (kind 2). Metrics come by name and are placed by slot here (array_position in the
        // statement cost PostgreSQL more than the lookups cost Swift); only a choice of fewer is filtered there.
        var parts: [PostgresQuery] = []
        if !keys.isEmpty {
            let everyMetric = keys.count == Metric.base.count
            let chosen: PostgresQuery = everyMetric ? "" : " AND metric = ANY(\(keys))"
            let chosenKeys: PostgresQuery = everyMetric ? "" : " AND e.key = ANY(\(keys))"
            parts.append("""
                SELECT 0, unit_id, 0::int8, array_agg(metric), array_agg(value), array_agg(apportioned)
                FROM coverage_totals
                WHERE unit_id = ANY(\(ids)) AND epoch_start = \(epochValue(epoch))::date\(chosen)
                GROUP BY unit_id
                """)
            parts.append("""
                SELECT 1, unit_id, i, array_agg(key), array_agg(total), NULL::bool[] FROM (
                    SELECT d.unit_id, x.i::int8 AS i, e.key, sum(e.value::float8) AS total
                    FROM unnest(\(days)::date[]) WITH ORDINALITY AS x(day, i)
                    JOIN coverage_days d ON d.unit_id = ANY(\(ids)) AND d.epoch_start = \(epochValue(epoch))::date AND d.day > x.day
                    CROSS JOIN jsonb_each_text(d.changes) e
                    WHERE d.day > \(earliest)\(chosenKeys)
                    GROUP BY 1, 2, 3
                ) c GROUP BY unit_id, i
                """)
        }
        if reads.villages {
            parts.append("SELECT 2, v.id, 0::int8, NULL::text[], v.counts::float8[], NULL::bool[] FROM (\(Self.villageCounts(of: ids, on: days))) AS v(id, counts)")
        }
        var totals = [UnitValues](repeating: UnitValues(), count: ids.count)
        var later = [[[Double]?]](repeating: [[Double]?](repeating: nil, count: ids.count), count: days.count)
        var villageCounts = [[Double]?](repeating: nil, count: ids.count)
        if !parts.isEmpty {
            var statement: PostgresQuery = "(\(parts[0]))"
            for part in parts.dropFirst() { statement = "\(statement) UNION ALL (\(part))" }
            for row in try await read(statement) {
                guard let index = position[try row.decode(UUID.self, at: 1)] else { continue }
                switch try row.decode(Int.self, at: 0) {
                case 0:
                    let metrics = try row.decode([String].self, at: 3), values = try row.decode([Double].self, at: 4), flags = try row.decode([Bool].self, at: 5)
                    for (offset, metric) in metrics.enumerated() {
                        guard let slot = MetricSlots.slot(metric), wanted & (UInt64(1) << UInt64(slot)) != 0 else { continue }
                        totals[index].slots[slot] = values[offset]
                        if flags[offset] { totals[index].apportioned |= UInt64(1) << UInt64(slot) }
                    }
                case 1:
                    let day = Int(try row.decode(Int64.self, at: 2)) - 1
                    let metrics = try row.decode([String].self, at: 3), values = try row.decode([Double].self, at: 4)
                    var slots = [Double](repeating: 0, count: MetricSlots.count)
                    for (offset, metric) in metrics.enumerated() {
                        guard let slot = MetricSlots.slot(metric), wanted & (UInt64(1) << UInt64(slot)) != 0 else { continue }
                        slots[slot] = values[offset]
                    }
                    later[day][index] = slots
                default:
                    villageCounts[index] = try row.decode([Double].self, at: 4)
                }
            }
        }
        return days.indices.map { day in
            func at(_ id: UUID) -> UnitValues {
                guard let index = position[id] else { return UnitValues() }
                var values = totals[index]
                if let changes = later[day][index] {
                    for slot in reads.base { values.slots[slot] -= changes[slot] }
                }
                return values
            }
            /// A village counts 1 for itself; the nation, the sum of its provinces.
            func villages(of unit: CoverageUnit, day: Int) -> Double {
                func counted(_ id: UUID) -> Double { position[id].flatMap { villageCounts[$0]?[day] } ?? 0 }
                guard let id = unit.id else { return provinces.reduce(0) { $0 + counted($1.rawValue) } }
                return unit.level == "village" ? 1 : counted(id)
            }
            var result: [UUID?: UnitValues] = [:]
            result.reserveCapacity(units.count)
            for unit in units {
                var values: UnitValues
                if let id = unit.id {
                    values = at(id)
                } else {
                    values = UnitValues()
                    for province in provinces { values.add(at(province.rawValue)) }
                }
                if reads.villages {
                    values.slots[MetricSlots.villages] = villages(of: unit, day: day)
                }
                result[unit.id] = values
            }
            return result
        }
    }

    /// The first day anything was counted in `unit` (the nation: `provinces`), if any.
    func firstDay(of unit: CoverageUnit, epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>) async throws -> CalendarDate? {
        let ids = unit.id.map { [$0] } ?? provinces.map(\.rawValue)
        return try await read("""
            SELECT min(day) FROM coverage_days WHERE unit_id = ANY(\(ids)) AND epoch_start = \(epochValue(epoch))::date
            """).decode(CalendarDate?.self).first ?? nil
    }

    /// Village-level units in force at the end of each of `days` under `unit`, from one read of the hierarchy.
    func villageCounts(of unit: CoverageUnit, on days: [CalendarDate], provinces: Set<ID<AdministrativeUnit>>) async throws -> [CalendarDate: Int] {
        let periods = try await read("""
            SELECT valid_from, valid_until FROM core_v1.units
            WHERE level = 'village' AND province_id = ANY(\(provinces.map(\.rawValue))) AND path LIKE \(unit.path + "%")
            """).decode((CalendarDate, CalendarDate?).self)
        var result: [CalendarDate: Int] = [:]
        for day in days { result[day] = periods.reduce(0) { $0 + ($1.0 <= day && ($1.1.map { $0 > day } ?? true) ? 1 : 0) } }
        return result
    }

    /// The statement counting the villages in force at the end of each of `days` under each of the
    /// provinces, districts and communes among `ids`: rows of the unit's id and its counts (`int8[]`).
    static func villageCounts(of ids: [UUID], on days: [CalendarDate]) -> PostgresQuery {
        // A village's parent is always a commune: count by the province's or the parent's index. The days are
        // CalendarDates (digits and dashes only), so they go into the text as literals.
        let counts = "ARRAY[" + days.map { day in
            "count(*) FILTER (WHERE v.valid_from <= '\(day)'::date AND (v.valid_until IS NULL OR v.valid_until > '\(day)'::date))"
        }.joined(separator: ", ") + "]::int8[]"
        return """
            SELECT u.id, \(unsafeSQL: counts) FROM core_v1.units u
            JOIN core_v1.units v ON v.province_id = u.id AND v.level = 'village'
            WHERE u.id = ANY(\(ids)) AND u.level = 'province' GROUP BY u.id
            UNION ALL
            SELECT u.id, \(unsafeSQL: counts) FROM core_v1.units u
            JOIN core_v1.units c ON c.parent_id = u.id
            JOIN core_v1.units v ON v.parent_id = c.id AND v.level = 'village'
            WHERE u.id = ANY(\(ids)) AND u.level = 'district' GROUP BY u.id
            UNION ALL
            SELECT u.id, \(unsafeSQL: counts) FROM core_v1.units u
            JOIN core_v1.units v ON v.parent_id = u.id AND v.level = 'village'
            WHERE u.id = ANY(\(ids)) AND u.level = 'commune' GROUP BY u.id
            """
    }

    /// Changes of `metrics` in `unit` per bucket of `interval` from `from` to `to`, with the values at the
    /// end of the day before `from` to start from.
    func changes(of unit: CoverageUnit, metrics: [String], interval: SeriesInterval, from: CalendarDate, to: CalendarDate,
                 epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>) async throws -> [CalendarDate: [String: Double]] {
        let ids = unit.id.map { [$0] } ?? provinces.map(\.rawValue)
        let rows = try await read("""
            SELECT date_trunc(\(interval.rawValue), d.day)::date, e.key, sum(e.value::float8)
            FROM coverage_days d CROSS JOIN jsonb_each_text(d.changes) e
            WHERE d.unit_id = ANY(\(ids)) AND d.epoch_start = \(epochValue(epoch))::date AND e.key = ANY(\(metrics))
              AND d.day >= \(from) AND d.day <= \(to)
            GROUP BY 1, 2
            """).decode((CalendarDate, String, Double).self)
        var result: [CalendarDate: [String: Double]] = [:]
        for (bucket, metric, value) in rows { result[bucket, default: [:]][metric] = value }
        return result
    }
}

/// How a time series is bucketed.
enum SeriesInterval: String, Codable, Sendable, CaseIterable {
    case day, week, month

    /// The first day of the bucket holding `date` (weeks start on Monday, as PostgreSQL's do).
    func bucket(of date: CalendarDate) -> CalendarDate {
        switch self {
        case .day: date
        case .week: date.adding(days: -((date.daysSinceEpoch + 3) % 7 + 7) % 7)
        case .month: CalendarDate(year: date.year, month: date.month, day: 1)!
        }
    }

    func next(after bucket: CalendarDate) -> CalendarDate {
        switch self {
        case .day: bucket.adding(days: 1)
        case .week: bucket.adding(days: 7)
        case .month: bucket.month == 12 ? CalendarDate(year: bucket.year + 1, month: 1, day: 1)! : CalendarDate(year: bucket.year, month: bucket.month + 1, day: 1)!
        }
    }
}
