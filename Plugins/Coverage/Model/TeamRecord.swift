public import CDTModuleKit
public import Foundation

/// One team as coverage sees it: where and when it works, and who was on it when. It counts as an active
/// team (and, at village level, makes its village one with a team) from its establishment to its end;
/// each membership counts as an active member from joining to leaving or the team's end.
public struct TeamRecord: Codable, Hashable, Sendable {
    public struct Membership: Codable, Hashable, Sendable {
        public var member: UUID
        public var joined: CalendarDate
        public var left: CalendarDate?
    }

    public var unit: UUID
    public var isVillageLevel: Bool
    public var established: CalendarDate
    public var ended: CalendarDate?
    public var memberships: [Membership] = []

    public init(unit: UUID, isVillageLevel: Bool, established: CalendarDate) {
        self.unit = unit
        self.isVillageLevel = isVillageLevel
        self.established = established
    }

    /// The members on the team at the end of `day`.
    public func members(on day: CalendarDate) -> [UUID] {
        memberships.filter { $0.joined <= day && ($0.left.map { $0 > day } ?? true) && (ended.map { $0 > day } ?? true) }.map(\.member)
    }

    /// The members whose membership is open at the end of `day`, whether or not the team has ended: who
    /// a merge on `day` carries over.
    public func openMemberships(on day: CalendarDate) -> [UUID] {
        memberships.filter { $0.joined <= day && ($0.left.map { $0 > day } ?? true) }.map(\.member)
    }

    public mutating func join(_ member: UUID, on day: CalendarDate) {
        guard !memberships.contains(where: { $0.member == member && $0.left == nil }) else { return }
        memberships.append(Membership(member: member, joined: day, left: nil))
    }

    public mutating func leave(_ member: UUID, on day: CalendarDate) {
        guard let index = memberships.lastIndex(where: { $0.member == member && $0.left == nil }) else { return }
        memberships[index].left = max(day, memberships[index].joined)
    }

    public mutating func end(on day: CalendarDate) {
        ended = max(day, established)
    }

    public var contributions: [Contribution] {
        var result: [Contribution] = []
        func span(_ metric: Metric, from start: CalendarDate, to end: CalendarDate?) {
            guard end.map({ $0 > start }) ?? true else { return }
            result.append(Contribution(unit: unit, metric: metric.key, day: start, value: 1))
            if let end { result.append(Contribution(unit: unit, metric: metric.key, day: end, value: -1)) }
        }
        span(.teams, from: established, to: ended)
        if isVillageLevel { span(.villagesWithTeam, from: established, to: ended) }
        for membership in memberships {
            let end = [membership.left, ended].compactMap { $0 }.min()
            span(.members, from: max(membership.joined, established), to: end)
        }
        return Contribution.difference(from: [], to: result)
    }
}

/// A member's trainings as coverage sees them: the member counts as trained, in the unit of their first
/// training, from its day on.
public struct TraineeRecord: Codable, Hashable, Sendable {
    public struct Attendance: Codable, Hashable, Sendable {
        public var day: CalendarDate
        public var position: Int64
        public var unit: UUID
    }

    public var first: Attendance?

    public init() {}

    public mutating func attended(on day: CalendarDate, position: Int64, in unit: UUID) {
        let attendance = Attendance(day: day, position: position, unit: unit)
        if let first, (first.day, first.position) <= (day, position) { return }
        first = attendance
    }

    public var contributions: [Contribution] {
        guard let first else { return [] }
        return [Contribution(unit: first.unit, metric: Metric.membersTrained.key, day: first.day, value: 1)]
    }
}
