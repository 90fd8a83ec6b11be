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
        try container.encode(id?.lowercasedText ?? "nation", forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(level, forKey: .level)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(provinceId?.lowercasedText, forKey: .provinceId)
        try container.encodeIfPresent(parentId?.lowercasedText, forKey: .parentId)
    }
}

/// Which hierarchy figures are shown under.
enum HierarchyView: String, Codable, Sendable {
    /// Today's units: work recorded in units merged or split since counts under their successors.
    case current
    /// The units in force at the date asked for.
    case asOf
}

/// Reads the rolled-up figures: primary-key lookups in `coverage_totals` (one row per unit and epoch, the
/// values by slot, minus the days after the date asked for, from `coverage_days` and a leaf's own rows of
/// `coverage_leaf_days`: `SlotRollUp.unitDays`), never the event log.
struct CoverageReader: Sendable {
    /// The module's client: for what is written, and reads outside ``CoverageReader`` (targets, campaigns).
    let database: PostgresClient
    /// When set, the reader's own statements run on this one lease (a request's reads: one row-scope
    /// statement and one connection instead of one per statement). It must not outlive its lease.
    private let session: PostgresSession?
    /// The village counts kept between requests (the process's own, but for tests).
    let villageCountCache: VillageCountCache

    init(database: PostgresClient, session: PostgresSession? = nil, villageCounts: VillageCountCache = .shared) {
        self.database = database
        self.session = session
        self.villageCountCache = villageCounts
    }

    /// Runs one of the reader's statements: on its session when it has one.
    func read(_ statement: PostgresQuery) async throws -> PostgresRows {
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
        // Two texts rather than `($1 IS NULL AND …) OR u.parent_id = $1`: PostgreSQL cannot price that one's
        // generic plan by an index, so it planned it anew for every request (0.13 ms, more than it ran).
        let under: PostgresQuery = unit.id.map { "u.parent_id = \($0)" } ?? "u.level = 'province'"
        let rows = try await read("""
            SELECT \(unsafeSQL: Self.unitColumns) FROM core_v1.units u
            WHERE \(under)
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
    func epochValue(_ epoch: CalendarDate?) -> String { epoch?.description ?? "-infinity" }

    /// The first day anything was counted in `unit` (the nation: `provinces`), if any.
    func firstDay(of unit: CoverageUnit, epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>) async throws -> CalendarDate? {
        let ids = unit.id.map { [$0] } ?? provinces.map(\.rawValue)
        return try await read("""
            SELECT min(day) FROM \(unsafeSQL: SlotRollUp.unitDays) AS u WHERE unit_id = ANY(\(ids)) AND epoch_start = \(epochValue(epoch))::date
            """).decode(CalendarDate?.self).first ?? nil
    }

    /// Village-level units in force at the end of each of `days` under `unit`: for a province, district or
    /// commune (the nation: the sum of `provinces`) from the counts kept under the units' version
    /// (``VillageCountCache``) or one statement counting the others; for a village, from its own period.
    func villageCounts(of unit: CoverageUnit, on days: [CalendarDate], provinces: Set<ID<AdministrativeUnit>>) async throws -> [CalendarDate: Int] {
        let counted = Self.unitsWithVillages([unit], provinces: unit.id == nil ? provinces : [])
        if !counted.isEmpty, !days.isEmpty {
            let kept = villageCountCache.counts(of: counted.keys, on: days)
            let (fresh, version) = try await countVillages(of: counted.filter { kept.counts[$0.key] == nil }, on: days)
            let all = try await settleVillageCounts(counted, on: days, kept: kept, counted: fresh, version: version)
            var result: [CalendarDate: Int] = [:]
            for (index, day) in days.enumerated() { result[day] = Int(all.values.reduce(0) { $0 + $1[index] }) }
            return result
        }
        let periods = try await read("""
            SELECT valid_from, valid_until FROM core_v1.units
            WHERE level = 'village' AND province_id = ANY(\(provinces.map(\.rawValue))) AND path LIKE \(unit.path + "%")
            """).decode((CalendarDate, CalendarDate?).self)
        var result: [CalendarDate: Int] = [:]
        for day in days { result[day] = periods.reduce(0) { $0 + ($1.0 <= day && ($1.1.map { $0 > day } ?? true) ? 1 : 0) } }
        return result
    }

    /// Changes of `metrics` in `unit` per bucket of `interval` from `from` to `to`, with the values at the
    /// end of the day before `from` to start from.
    func changes(of unit: CoverageUnit, metrics: [String], interval: SeriesInterval, from: CalendarDate, to: CalendarDate,
                 epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>) async throws -> [CalendarDate: [String: Double]] {
        let ids = unit.id.map { [$0] } ?? provinces.map(\.rawValue)
        let slots = metrics.compactMap { MetricSlots.slot($0) }.filter { $0 < Metric.base.count }.map { Int64($0 + 1) }
        let rows = try await read("""
            SELECT date_trunc(\(interval.rawValue), d.day)::date, c.slot, sum(c.value)
            FROM \(unsafeSQL: SlotRollUp.unitDays) AS d CROSS JOIN unnest(d.changes) WITH ORDINALITY AS c(value, slot)
            WHERE d.unit_id = ANY(\(ids)) AND d.epoch_start = \(epochValue(epoch))::date AND c.slot = ANY(\(slots)) AND c.value <> 0
              AND d.day >= \(from) AND d.day <= \(to)
            GROUP BY 1, 2
            """).decode((CalendarDate, Int64, Double).self)
        var result: [CalendarDate: [String: Double]] = [:]
        for (bucket, slot, value) in rows { result[bucket, default: [:]][MetricSlots.keys[Int(slot) - 1]] = value }
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
