/// When a unit exists: from a first day, until (not including) a last one, or open-ended.
public struct ValidityPeriod: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The first day it is in force.
    public let from: CalendarDate
    /// The first day it is no longer in force; `nil` while it still is.
    public let until: CalendarDate?

    public init(from: CalendarDate, until: CalendarDate? = nil) throws(HierarchyError) {
        if let until, until <= from { throw .emptyValidity(from: from, until: until) }
        self.from = from
        self.until = until
    }

    /// Whether the period covers `date`.
    public func contains(_ date: CalendarDate) -> Bool {
        from <= date && (until.map { date < $0 } ?? true)
    }

    /// Whether the two periods share at least one day.
    public func overlaps(_ other: ValidityPeriod) -> Bool {
        (until.map { other.from < $0 } ?? true) && (other.until.map { from < $0 } ?? true)
    }

    /// Whether this period lies within `other`.
    public func isWithin(_ other: ValidityPeriod) -> Bool {
        guard other.from <= from else { return false }
        guard let outerEnd = other.until else { return true }
        guard let end = until else { return false }
        return end <= outerEnd
    }

    public var description: String { "[\(from), \(until.map(\.description) ?? "…"))" }
}
