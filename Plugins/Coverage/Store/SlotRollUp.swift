import CDTModuleKit
import Foundation

/// A batch's contributions summed into the rows of the roll-up tables, as arrays by slot (a base metric's
/// position in `Metric.base`): per unit where recorded and day (`coverage_leaf_days`), per epoch, unit and
/// day along the hierarchy (`coverage_days`, but for a leaf's own days) and per epoch and unit
/// (`coverage_totals`). Summed here, so a statement writes each row once with plain arithmetic.
struct SlotRollUp {
    /// The slots of a row: one per base metric.
    static let width = Metric.base.count

    /// A unit where recorded and a day.
    struct LeafKey: Hashable {
        var unit: UUID
        var day: CalendarDate
    }

    /// A rolled-up unit in an epoch (its start as SQL writes it, `-infinity` for the first).
    struct UnitKey: Hashable {
        var epoch: String
        var unit: UUID
    }

    /// A rolled-up unit's day in an epoch.
    struct DayKey: Hashable {
        var unit: UnitKey
        var day: CalendarDate
    }

    /// Where a leaf's changes go: a unit in force in an epoch, the province it belongs to, and the share.
    struct Target {
        var epoch: String
        var unit: UUID
        var province: UUID
        var share: Double
    }

    /// The changes per unit where recorded and day, in first-seen order.
    private(set) var leaves: [(key: LeafKey, changes: [Double])] = []
    private var leafIndex: [LeafKey: Int] = [:]

    /// Sums `changes` per unit where recorded and day (a metric without a slot is left out).
    init(_ changes: [Contribution]) {
        for change in changes {
            guard let slot = MetricSlots.slot(change.metric), slot < Self.width else { continue }
            let key = LeafKey(unit: change.unit, day: change.day)
            let index = Self.row(of: key, in: &leafIndex, &leaves) { (key, [Double](repeating: 0, count: Self.width)) }
            leaves[index].changes[slot] += change.value
        }
        leaves.removeAll { $0.changes.allSatisfy { $0 == 0 } }
        leafIndex = [:]
    }

    /// Whether `target` is the leaf itself, whole and in the province it was recorded in: its days are then
    /// the leaf's own rows in `coverage_leaf_days`, which readers take through ``unitDays``, and
    /// `coverage_days` holds only what other leaves add to it (most rolled-up days are a village's own:
    /// writing them twice was 2.9 million of a national replay's 6.1 million roll-up rows).
    static func isLeafsOwnDay(_ target: Target, leaf: UUID, recordedIn province: UUID) -> Bool {
        target.unit == leaf && target.share == 1 && target.province == province
    }

    /// The rows of `coverage_days` and `coverage_totals` the leaves recorded in `province` add to, given
    /// where each leaf's changes go (`targets[i]` for `leaves[i]`). A leaf's own days
    /// (``isLeafsOwnDay(_:leaf:recordedIn:)``) count in the totals and make no row of `coverage_days`.
    func rolledUp(_ targets: [[Target]], recordedIn province: UUID) -> (days: [(key: DayKey, province: UUID, changes: [Double])],
                                                                        totals: [(key: UnitKey, province: UUID, totals: [Double], apportioned: Int64)]) {
        var days: [DayKey: Int] = [:], totals: [UnitKey: Int] = [:]
        var dayRows: [(key: DayKey, province: UUID, changes: [Double])] = []
        var totalRows: [(key: UnitKey, province: UUID, totals: [Double], apportioned: Int64)] = []
        for (leaf, goes) in zip(leaves, targets) {
            var moved: Int64 = 0
            for (slot, value) in leaf.changes.enumerated() where value != 0 { moved |= Int64(1) << Int64(slot) }
            for target in goes {
                let unit = UnitKey(epoch: target.epoch, unit: target.unit), day = DayKey(unit: unit, day: leaf.key.day)
                let dayIndex = Self.isLeafsOwnDay(target, leaf: leaf.key.unit, recordedIn: province) ? nil
                    : Self.row(of: day, in: &days, &dayRows) { (day, target.province, [Double](repeating: 0, count: Self.width)) }
                let totalIndex = Self.row(of: unit, in: &totals, &totalRows) { (unit, target.province, [Double](repeating: 0, count: Self.width), 0) }
                for (slot, value) in leaf.changes.enumerated() where value != 0 {
                    if let dayIndex { dayRows[dayIndex].changes[slot] += value * target.share }
                    totalRows[totalIndex].totals[slot] += value * target.share
                }
                if target.share < 1 { totalRows[totalIndex].apportioned |= moved }
            }
        }
        for index in dayRows.indices { dayRows[index].changes = Self.canonical(dayRows[index].changes) }
        for index in totalRows.indices { totalRows[index].totals = Self.canonical(totalRows[index].totals) }
        return (dayRows.filter { !$0.changes.allSatisfy { $0 == 0 } }, totalRows)
    }

    /// Where `key`'s row is in `rows` (found through `index`), appended from `make` when it has none yet.
    private static func row<Key: Hashable, Row>(of key: Key, in index: inout [Key: Int], _ rows: inout [Row], _ make: () -> Row) -> Int {
        if let found = index[key] { return found }
        index[key] = rows.count
        rows.append(make())
        return rows.count - 1
    }

    /// Values within 1e-9 of zero as 0.
    static func canonical(_ values: [Double]) -> [Double] { values.map { abs($0) < 1e-9 ? 0 : $0 } }

    /// SQL for `a + b` slot by slot over every slot (a missing slot counts 0), values within 1e-9 of zero
    /// stored as 0: arithmetic PostgreSQL runs in place, where a function merging two values per row cost
    /// more than the rest of the write.
    static func sumExpression(_ a: String, _ b: String) -> String {
        "ARRAY[" + (1...width).map { slot in
            let sum = "coalesce(\(a)[\(slot)], 0) + coalesce(\(b)[\(slot)], 0)"
            return "CASE WHEN abs(\(sum)) < 1e-9 THEN 0 ELSE \(sum) END"
        }.joined(separator: ", ") + "]::float8[]"
    }

    /// SQL for the days of every rolled-up unit, as a subquery (`province_id, epoch_start, unit_id, day,
    /// changes`): what other leaves add to a unit (`coverage_days`) beside a leaf's own days, its rows of
    /// `coverage_leaf_days` in each epoch where the map sends it whole to itself in the province it was
    /// recorded in (``isLeafsOwnDay(_:leaf:recordedIn:)``). A unit may have a row of each for one day: readers
    /// sum them. A subquery, not a view, so the caller's row-level security applies on every PostgreSQL the
    /// server supports (a view's `security_invoker` needs 15). Its unit is the map's `leaf_id`, so a reader's
    /// `unit_id = ANY(…) AND epoch_start = …` finds the map's rows by their key first, then each leaf's days
    /// by theirs (a commune's 45 villages: 11 ms against 15 ms led by the leaf days, national's units, `psql`).
    static let unitDays = """
        (SELECT province_id, epoch_start, unit_id, day, changes FROM coverage_days
         UNION ALL
         SELECT m.unit_province_id, m.epoch_start, m.leaf_id, l.day, l.changes
         FROM coverage_unit_map m
         JOIN coverage_leaf_days l ON l.unit_id = m.leaf_id AND l.day < m.epoch_end AND \(isLeafsOwnDay(leafDay: "l", map: "m")))
        """

    /// SQL true when the map's row `map` sends the leaf row `leafDay` (of `coverage_leaf_days`) to itself,
    /// whole, in the province that recorded it: ``isLeafsOwnDay(_:leaf:recordedIn:)`` in SQL, for the readers
    /// (``unitDays``) and a remap alike.
    static func isLeafsOwnDay(leafDay: String, map: String) -> String {
        "\(map).unit_id = \(leafDay).unit_id AND \(map).share = 1 AND \(map).unit_province_id = \(leafDay).province_id"
    }

    /// SQL subscript taking row `row`'s slots (`row` 1-based, as `WITH ORDINALITY` counts) out of a flat
    /// array holding every row's slots one row after another: `[(row - 1) * width + 1 : row * width]`.
    static func slice(_ row: String) -> String { "[(\(row) - 1) * \(width) + 1 : \(row) * \(width)]" }

    /// SQL true when every slot of `a` is 0 (a comparison per slot, where building an array of zeros to
    /// compare with allocated one per row).
    static func isZero(_ a: String) -> String { "0 = ALL(\(a))" }
}
