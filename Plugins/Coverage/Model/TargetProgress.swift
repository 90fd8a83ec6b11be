public import CDTModuleKit
public import Foundation

/// A target an administrator set: reach `value` of `metric` in a unit by `deadline` (a share is a fraction:
/// 0.8 is 80%).
public struct CoverageTarget: Codable, Hashable, Sendable {
    public var id: UUID
    public var unitId: UUID
    public var metric: String
    public var value: Double
    public var deadline: CalendarDate

    public init(id: UUID, unitId: UUID, metric: String, value: Double, deadline: CalendarDate) {
        self.id = id
        self.unitId = unitId
        self.metric = metric
        self.value = value
        self.deadline = deadline
    }

    enum CodingKeys: String, CodingKey { case id, unitId, metric, value, deadline }

    /// Ids in lower case, as the rest of the API writes them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedText, forKey: .id)
        try container.encode(unitId.lowercasedText, forKey: .unitId)
        try container.encode(metric, forKey: .metric)
        try container.encode(value, forKey: .value)
        try container.encode(deadline, forKey: .deadline)
    }
}

/// Where a unit stands against a target, and whether the pace of the recent past gets it there in time.
public struct TargetProgress: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// The target is met.
        case reached
        /// Not met yet, but the recent pace meets it by the deadline.
        case onPace
        /// The recent pace falls short of it by the deadline.
        case behind
        /// The deadline passed without meeting it.
        case missed
    }

    public var target: CoverageTarget
    public var current: Double
    /// `current / target.value`, at most 1.
    public var progress: Double
    /// What is still missing (0 once reached).
    public var gap: Double
    /// The change per day over the pace window.
    public var pacePerDay: Double
    /// Where the pace leads by the deadline.
    public var projected: Double
    public var daysLeft: Int
    public var status: Status

    /// How many days back the pace is measured over.
    public static let paceWindow = 28

    /// Assesses `target` on `today` from the current value and the value `paceWindow` days earlier.
    public static func assess(_ target: CoverageTarget, current: Double, windowAgo: Double, today: CalendarDate) -> TargetProgress {
        let pace = (current - windowAgo) / Double(paceWindow)
        let daysLeft = max(0, target.deadline.daysSinceEpoch - today.daysSinceEpoch)
        let projected = current + pace * Double(daysLeft)
        let status: Status =
            current >= target.value ? .reached
            : today > target.deadline ? .missed
            : projected >= target.value ? .onPace : .behind
        return TargetProgress(
            target: target, current: current, progress: min(1, current / target.value), gap: max(0, target.value - current),
            pacePerDay: pace, projected: projected, daysLeft: daysLeft, status: status)
    }
}
