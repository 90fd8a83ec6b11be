public import CDTModuleKit
public import Foundation

/// What one subject (a household, a team, a member's training record) adds to a metric of the unit where
/// it is recorded, from a day on. A unit's value of a metric at a date is the sum of the contributions
/// to it up to that day.
public struct Contribution: Hashable, Sendable {
    public var unit: UUID
    public var metric: String
    public var day: CalendarDate
    public var value: Double

    public init(unit: UUID, metric: String, day: CalendarDate, value: Double) {
        self.unit = unit
        self.metric = metric
        self.day = day
        self.value = value
    }

    struct Key: Hashable {
        var unit: UUID
        var metric: String
        var day: CalendarDate
    }

    var key: Key { Key(unit: unit, metric: metric, day: day) }

    /// What must be added to go from contributing `old` to contributing `new`: the changes only,
    /// summed per unit, metric and day, without zeros.
    public static func difference(from old: [Contribution], to new: [Contribution]) -> [Contribution] {
        var sums: [Key: Double] = [:]
        add(difference: old, to: new, into: &sums)
        return changes(summed: sums)
    }

    /// Adds `new` and takes away `old` in `sums`, per unit, metric and day, leaving out the run at the start
    /// and the run at the end that the two have in common (equal contributions cancel out): a subject's
    /// contributions are worked out in one order, so a visit on a new day changes only their tail, and the
    /// unchanged days are not hashed twice over.
    static func add(difference old: [Contribution], to new: [Contribution], into sums: inout [Key: Double]) {
        var start = 0
        while start < old.count, start < new.count, old[start] == new[start] { start += 1 }
        var oldEnd = old.count, newEnd = new.count
        while oldEnd > start, newEnd > start, old[oldEnd - 1] == new[newEnd - 1] {
            oldEnd -= 1
            newEnd -= 1
        }
        for contribution in new[start..<newEnd] { sums[contribution.key, default: 0] += contribution.value }
        for contribution in old[start..<oldEnd] { sums[contribution.key, default: 0] -= contribution.value }
    }

    /// Changes summed per unit, metric and day as contributions, without zeros, in the order of
    /// ``difference(from:to:)``.
    static func changes(summed sums: [Key: Double]) -> [Contribution] {
        sums.compactMap { key, value in
            value == 0 ? nil : Contribution(unit: key.unit, metric: key.metric, day: key.day, value: value)
        }
        .sorted { $0.unit == $1.unit ? ($0.metric, $0.day) < ($1.metric, $1.day) : $0.unit.precedesInTextOrder($1.unit) }
    }

    /// The running values of `metrics` in one unit, turned into contributions: a change each day a value moves.
    static func changes(of values: [(day: CalendarDate, values: [String: Double])], in unit: UUID) -> [Contribution] {
        var previous: [String: Double] = [:]
        var result: [Contribution] = []
        for (day, current) in values {
            for key in Set(previous.keys).union(current.keys).sorted() {
                let change = (current[key] ?? 0) - (previous[key] ?? 0)
                if change != 0 { result.append(Contribution(unit: unit, metric: key, day: day, value: change)) }
            }
            previous = current
        }
        return result
    }
}

extension Contribution: Codable {
    /// Stored compactly as `[unit, metric, day, value]`.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        unit = try container.decode(UUID.self)
        metric = try container.decode(String.self)
        day = try container.decode(CalendarDate.self)
        value = try container.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(unit)
        try container.encode(metric)
        try container.encode(day)
        try container.encode(value)
    }
}

