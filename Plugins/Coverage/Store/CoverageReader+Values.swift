import CDTModuleKit
import Foundation

/// The drill-down's read of the figures: one statement, one row per unit (and date).
extension CoverageReader {
    /// The base values of `units` at the end of `day` (the nation's when a unit's id is `nil`: the sum of
    /// `provinces`).
    func values(of units: [CoverageUnit], at day: CalendarDate, epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>) async throws -> [UUID?: UnitValues] {
        try await values(of: units, at: [day], epoch: epoch, provinces: provinces)[0]
    }

    /// The base values of `units` at the end of each of `days`, in that order, from one statement reading
    /// the totals, the days after the earliest of `days`, the village counts not kept in memory
    /// (``VillageCountCache``) and the units' version they are kept under. `reads` names the slots
    /// wanted (``MetricFormula/reads(_:)``; every one by default): the others stay 0.
    ///
    /// Each part answers one row per unit (and day) with the values as arrays, not one per metric.
    func values(of units: [CoverageUnit], at days: [CalendarDate], epoch: CalendarDate?, provinces: Set<ID<AdministrativeUnit>>,
                reads: (base: [Int], villages: Bool) = (Array(0..<Metric.base.count), true)) async throws -> [[UUID?: UnitValues]] {
        guard let earliest = days.min() else { return [] }
        var ids = units.compactMap(\.id)
        let wantsNation = units.contains { $0.id == nil }
        if wantsNation { ids += provinces.map(\.rawValue) }
        ids = Array(Set(ids))
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($0.element, $0.offset) })
        let wanted = reads.base.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) }
        // One statement, one row per unit (and day): the totals (kind 0: the slots, and the apportioned bits
        // in the third column), what changed after each day (kind 1, day i of `days` is i + 1: the totals
        // minus these are the values then; the slots that moved, 1-based, and their sums) and the village
        // counts (kind 2). Only a choice of fewer metrics is filtered in the statement.
        //
        // The days are literals in the text, as the village counts' are (CalendarDates: digits and dashes
        // only), not parameters: with `d.day > $n` the planner estimated a third of the days for the generic
        // plan and kept planning the statement anew for each request (0.9 ms of a province's read). With the
        // days in the text, a connection's prepared statement takes its generic plan after five runs: the
        // read ran in 1.2–1.3 ms instead of 2.0 (`psql`, the province data set, twelve runs).
        let dayList = "'" + ArrayText.plain(days) + "'::date[]", earliestDay = "'\(earliest)'::date"
        var parts: [PostgresQuery] = []
        if !reads.base.isEmpty {
            let everyMetric = reads.base.count == Metric.base.count
            let chosenSlots: PostgresQuery = everyMetric ? "" : " AND c.slot = ANY(\(reads.base.map { Int64($0 + 1) }))"
            parts.append("""
                SELECT 0, unit_id, apportioned, NULL::int8[], totals
                FROM coverage_totals
                WHERE unit_id = ANY(\(ids)) AND epoch_start = \(epochValue(epoch))::date
                """)
            parts.append("""
                SELECT 1, unit_id, i, array_agg(slot), array_agg(total) FROM (
                    SELECT d.unit_id, x.i::int8 AS i, c.slot, sum(c.value) AS total
                    FROM unnest(\(unsafeSQL: dayList)) WITH ORDINALITY AS x(day, i)
                    JOIN \(unsafeSQL: SlotRollUp.unitDays) AS d ON d.unit_id = ANY(\(ids)) AND d.epoch_start = \(epochValue(epoch))::date AND d.day > x.day
                    CROSS JOIN unnest(d.changes) WITH ORDINALITY AS c(value, slot)
                    WHERE d.day > \(unsafeSQL: earliestDay) AND c.value <> 0\(chosenSlots)
                    GROUP BY 1, 2, 3
                ) c GROUP BY unit_id, i
                """)
        }
        // The village counts: those kept under the units' version (VillageCountCache) from memory, the others
        // counted here (kind 2), with the version read beside them (kind 3) to tell whether the kept ones hold.
        let counted = reads.villages ? Self.unitsWithVillages(units, provinces: wantsNation ? provinces : []) : [:]
        let kept = reads.villages ? villageCountCache.counts(of: counted.keys, on: days) : (version: nil, counts: [:])
        let toCount = counted.filter { kept.counts[$0.key] == nil }
        if reads.villages {
            if let counts = Self.villageCountsPart(of: toCount, on: days) { parts.append(counts) }
            parts.append(Self.unitsVersionPart)
        }
        var totals = [UnitValues](repeating: UnitValues(), count: ids.count)
        var later = [[[Double]?]](repeating: [[Double]?](repeating: nil, count: ids.count), count: days.count)
        var villageCounts = [[Double]?](repeating: nil, count: ids.count)
        let width = Metric.base.count
        var unitsVersion: String?
        if !parts.isEmpty {
            var statement: PostgresQuery = "(\(parts[0]))"
            for part in parts.dropFirst() { statement = "\(statement) UNION ALL (\(part))" }
            for row in try await read(statement) {
                let kind = try row.decode(Int.self, at: 0)
                if kind == 3 {
                    unitsVersion = try Self.unitsVersion(row)
                    continue
                }
                guard let index = position[try row.decode(UUID.self, at: 1)] else { continue }
                switch kind {
                case 0:
                    let values = try row.decode([Double].self, at: 4), apportioned = UInt64(bitPattern: try row.decode(Int64.self, at: 2))
                    for slot in 0..<min(values.count, width) where wanted & (UInt64(1) << UInt64(slot)) != 0 {
                        totals[index].slots[slot] = values[slot]
                    }
                    totals[index].apportioned = apportioned & wanted
                case 1:
                    let day = Int(try row.decode(Int64.self, at: 2)) - 1
                    let slots = try row.decode([Int64].self, at: 3), values = try row.decode([Double].self, at: 4)
                    var changes = [Double](repeating: 0, count: MetricSlots.count)
                    for (offset, slot) in slots.enumerated() {
                        let slot = Int(slot) - 1
                        guard slot >= 0, slot < width, wanted & (UInt64(1) << UInt64(slot)) != 0 else { continue }
                        changes[slot] = values[offset]
                    }
                    later[day][index] = changes
                default:
                    villageCounts[index] = try row.decode([Double].self, at: 4)
                }
            }
        }
        if let unitsVersion {
            let none = [Double](repeating: 0, count: days.count)
            let fresh = Dictionary(uniqueKeysWithValues: toCount.keys.map { ($0, villageCounts[position[$0]!] ?? none) })
            let all = try await settleVillageCounts(counted, on: days, kept: kept, counted: fresh, version: unitsVersion)
            for (id, counts) in all { villageCounts[position[id]!] = counts }
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

    /// The provinces, districts and communes among `units` (and `provinces`, for the nation): the units with
    /// villages under them, by id, with their level.
    static func unitsWithVillages(_ units: [CoverageUnit], provinces: Set<ID<AdministrativeUnit>>) -> [UUID: String] {
        var counted: [UUID: String] = [:]
        for unit in units where ["province", "district", "commune"].contains(unit.level) {
            if let id = unit.id { counted[id] = unit.level }
        }
        for province in provinces { counted[province.rawValue] = "province" }
        return counted
    }

    /// The statement's part that counts the villages of `units` (the provinces, districts and communes of
    /// ``unitsWithVillages(_:provinces:)``) on each of `days` (kind 2: the unit's id, its counts); `nil` for none.
    static func villageCountsPart(of units: [UUID: String], on days: [CalendarDate]) -> PostgresQuery? {
        guard let counts = villageCounts(of: Array(units.keys), levels: Set(units.values), on: days) else { return nil }
        return "SELECT 2, v.id, 0::int8, NULL::int8[], v.counts::float8[] FROM (\(counts)) AS v(id, counts)"
    }

    /// The statement's part that reads the units' version (kind 3: the database's id, the version).
    static let unitsVersionPart: PostgresQuery = "SELECT 3, database_id, version, NULL::int8[], NULL::float8[] FROM core_v1.units_version"

    /// The units' version as ``VillageCountCache`` keeps it, from a row of ``unitsVersionPart``.
    static func unitsVersion(_ row: PostgresRow) throws -> String {
        "\(try row.decode(UUID.self, at: 1)):\(try row.decode(Int64.self, at: 2))"
    }

    /// Every one of `units`' count of villages on each of `days`: the counts a statement read (`counted`, of the
    /// units the cache did not hold, under `version`) with those `kept`, when they were kept under the same
    /// version; when not, every unit counted again in one statement. What was counted is kept for next time
    /// (a request whose counts were all kept writes nothing to the cache).
    func settleVillageCounts(_ units: [UUID: String], on days: [CalendarDate], kept: (version: String?, counts: [UUID: [Double]]),
                             counted: [UUID: [Double]], version: String) async throws -> [UUID: [Double]] {
        if kept.version != version, !kept.counts.isEmpty {
            // The units changed since the kept counts were read: count every unit again, in one statement.
            let (all, recountedUnder) = try await countVillages(of: units, on: days)
            villageCountCache.keep(all, on: days, version: recountedUnder)
            return all
        }
        if !counted.isEmpty { villageCountCache.keep(counted, on: days, version: version) }
        return counted.merging(kept.counts) { new, _ in new }
    }

    /// Every one of `units`' count of villages on each of `days` (0 for a unit with none), with the units'
    /// version they were counted under, from one statement.
    func countVillages(of units: [UUID: String], on days: [CalendarDate]) async throws -> (counts: [UUID: [Double]], version: String) {
        var counts = Dictionary(uniqueKeysWithValues: units.keys.map { ($0, [Double](repeating: 0, count: days.count)) })
        var statement = Self.unitsVersionPart
        if let counted = Self.villageCountsPart(of: units, on: days) { statement = "(\(counted)) UNION ALL (\(statement))" }
        var version = ""
        for row in try await read(statement) {
            if try row.decode(Int.self, at: 0) == 3 {
                version = try Self.unitsVersion(row)
            } else {
                counts[try row.decode(UUID.self, at: 1)] = try row.decode([Double].self, at: 4)
            }
        }
        return (counts, version)
    }

    /// The statement counting the villages in force at the end of each of `days` under each of the
    /// provinces, districts and communes among `ids`: rows of the unit's id and its counts (`int8[]`). Only
    /// the parts for `levels` (the levels of the units asked for) go into it: each part costs planning and a
    /// probe even when none of its units is there. `nil` when no level among them has villages under it.
    ///
    /// A village's parent is always a commune, and its `province_id` its province: the provinces' and the
    /// communes' counts group the villages of one index each (`villages_by_province`, `villages_by_parent`)
    /// by that column, without joining the units asked for. Joined, the planner sorted the villages by unit
    /// before counting them: a province's read (a province and its 65 communes, 1,272 villages) ran in 3.0 ms
    /// that way and in 2.0 ms this way, planning included.
    static func villageCounts(of ids: [UUID], levels: Set<String>, on days: [CalendarDate]) -> PostgresQuery? {
        // The days are CalendarDates (digits and dashes only), so they go into the text as literals.
        let counts = "ARRAY[" + days.map { day in
            "count(*) FILTER (WHERE v.valid_from <= '\(day)'::date AND (v.valid_until IS NULL OR v.valid_until > '\(day)'::date))"
        }.joined(separator: ", ") + "]::int8[]"
        var parts: [PostgresQuery] = []
        if levels.contains("province") {
            parts.append("""
                SELECT v.province_id, \(unsafeSQL: counts) FROM core_v1.units v
                WHERE v.level = 'village' AND v.province_id = ANY(\(ids)) GROUP BY v.province_id
                """)
        }
        if levels.contains("district") {
            parts.append("""
                SELECT u.id, \(unsafeSQL: counts) FROM core_v1.units u
                JOIN core_v1.units c ON c.parent_id = u.id
                JOIN core_v1.units v ON v.parent_id = c.id AND v.level = 'village'
                WHERE u.id = ANY(\(ids)) AND u.level = 'district' GROUP BY u.id
                """)
        }
        if levels.contains("commune") {
            parts.append("""
                SELECT v.parent_id, \(unsafeSQL: counts) FROM core_v1.units v
                WHERE v.level = 'village' AND v.parent_id = ANY(\(ids)) GROUP BY v.parent_id
                """)
        }
        guard var statement = parts.first else { return nil }
        for part in parts.dropFirst() { statement = "\(statement) UNION ALL \(part)" }
        return statement
    }
}
