import CDTModuleKit

/// Where each base metric, and `villages`, sits in a unit's values: one slot each, in `Metric.base` order,
/// `villages` last. The drill-down reads, adds and writes values by slot, without a dictionary per unit.
enum MetricSlots {
    /// The keys of the slots, in slot order.
    static let keys: [String] = Metric.base.map(\.key) + [Metric.villages.key]
    /// The slot of `villages` (counted from the hierarchy, not from events).
    static let villages = Metric.base.count
    static let count = keys.count
    /// The slot of each key.
    static let slotOfKey: [String: Int] = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) })

    static func slot(_ key: String) -> Int? { slotOfKey[key] }
}

/// A metric as the drill-down works it out: the slots it reads.
struct MetricFormula: Sendable {
    let metric: Metric
    /// Its place in ``all`` (and in `Metric.all`), for tables kept per metric.
    let index: Int
    /// A base metric's (or `villages`') slot, or a ratio's numerator.
    let numerator: Int
    /// A ratio's denominator; `nil` for a base metric.
    let denominator: Int?
    /// The slots whose apportioned flag the figure carries.
    let apportionedMask: UInt64

    private init(_ metric: Metric, index: Int) {
        self.metric = metric
        self.index = index
        if let ratio = metric.ratio {
            numerator = MetricSlots.slot(ratio.numerator)!
            denominator = MetricSlots.slot(ratio.denominator)!
        } else {
            numerator = MetricSlots.slot(metric.key)!
            denominator = nil
        }
        apportionedMask = (UInt64(1) << UInt64(numerator)) | (denominator.map { UInt64(1) << UInt64($0) } ?? 0)
    }

    /// The value from a unit's slots; `nil` for a ratio with nothing to divide by.
    func value(in values: UnitValues) -> Double? { Self.value(numerator: numerator, denominator: denominator, in: values) }

    /// The value of the formula with these slots (for loops that read a formula's slots without copying it).
    static func value(numerator: Int, denominator: Int?, in values: UnitValues) -> Double? {
        guard let denominator else { return values.slots[numerator] }
        let below = values.slots[denominator]
        return below == 0 ? nil : values.slots[numerator] / below
    }

    func isApportioned(in values: UnitValues) -> Bool { values.apportioned & apportionedMask != 0 }

    /// Every metric, in `Metric.all` order.
    static let all: [MetricFormula] = Metric.all.enumerated().map { MetricFormula($0.element, index: $0.offset) }

    /// The formulas of `metrics`, in `Metric.all` order.
    static func of(_ metrics: Set<String>) -> [MetricFormula] { all.filter { metrics.contains($0.metric.key) } }

    /// The base slots (those kept per unit and day) that `formulas` read, and whether they read `villages`.
    static func reads(_ formulas: [MetricFormula]) -> (base: [Int], villages: Bool) {
        var mask: UInt64 = 0
        for formula in formulas { mask |= formula.apportionedMask }
        let base = (0..<Metric.base.count).filter { mask & (UInt64(1) << UInt64($0)) != 0 }
        return (base, mask & (UInt64(1) << UInt64(MetricSlots.villages)) != 0)
    }
}

/// A unit's base values at a date, one per slot of ``MetricSlots``, and which came through an apportioned split.
struct UnitValues: Sendable {
    var slots = [Double](repeating: 0, count: MetricSlots.count)
    /// Bit `slot` set: part of that slot's value came through an apportioned split.
    var apportioned: UInt64 = 0

    init() {}

    /// The value of a base metric or `villages`; 0 for a key without a slot.
    subscript(key: String) -> Double {
        get { MetricSlots.slot(key).map { slots[$0] } ?? 0 }
        set { if let slot = MetricSlots.slot(key) { slots[slot] = newValue } }
    }

    /// The values by key, for callers that work out a few metrics with ``Metric/value(in:)``.
    var values: [String: Double] {
        var result: [String: Double] = [:]
        for (slot, key) in MetricSlots.keys.enumerated() where slots[slot] != 0 { result[key] = slots[slot] }
        return result
    }

    mutating func add(_ other: UnitValues) {
        for slot in slots.indices { slots[slot] += other.slots[slot] }
        apportioned |= other.apportioned
    }
}
