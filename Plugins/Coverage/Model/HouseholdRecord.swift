public import CDTModuleKit
public import Foundation

/// Everything coverage needs to know about one household: each version of its details and what each
/// visit achieved, by the day it happened. Its contributions are worked out again from the whole record
/// whenever an event changes it, so a late event lands on its own day and a duplicate changes nothing.
///
/// The rules, at any date D (only what happened up to D counts):
/// - registered: its details were recorded; eligible: registered and not recorded as out of scope;
/// - visited: at least one visit;
/// - reached for a skill or service: someone mastered it in a visit;
/// - eligible for a skill or service: eligible and not recorded as "not applicable" for it, or reached
///   (a household that mastered a skill always counts among those it may count among);
/// - residents per age band: as its latest details say.
public struct HouseholdRecord: Codable, Hashable, Sendable {
    public struct Version: Codable, Hashable, Sendable {
        public var day: CalendarDate
        public var position: Int64
        public var unit: UUID
        public var outOfScope: Bool
        public var residents: [String: Int]
    }

    public struct Visit: Codable, Hashable, Sendable {
        public var day: CalendarDate
        /// Metric keys (`skill.x`, `service.y`) mastered, and recorded as not applicable, sorted.
        public var mastered: [String]
        public var notApplicable: [String]
    }

    public var versions: [Version] = []
    public var visits: [Visit] = []
    /// Where the first visit was recorded, while no details have arrived: the household's unit until then.
    public var firstVisitUnit: UUID?

    public init() {}

    /// Adds the details of `household.registered` or `household.updated`.
    public mutating func record(_ details: HouseholdDetails, unit: UUID, day: CalendarDate, position: Int64) {
        var residents: [String: Int] = [:]
        for band in details.residents ?? [] { residents[band.ageBand.rawValue] = band.count }
        versions.append(Version(day: day, position: position, unit: unit, outOfScope: details.notApplicable != nil, residents: residents))
        firstVisitUnit = nil
    }

    /// Adds what a `household.visited` achieved.
    public mutating func record(_ visit: HouseholdVisited, unit: UUID, day: CalendarDate) {
        // Each skill and service once (keys of a dictionary), each with its own metric key: no duplicates.
        var mastered: [String] = [], notApplicable: [String] = []
        for (skill, outcome) in visit.skills.outcomes {
            if outcome == .mastered { mastered.append(Self.skillKey[skill]!) }
            if outcome == .notApplicable { notApplicable.append(Self.skillKey[skill]!) }
        }
        for (service, outcome) in visit.services.outcomes {
            if outcome == .mastered { mastered.append(Self.serviceKey[service]!) }
            if outcome == .notApplicable { notApplicable.append(Self.serviceKey[service]!) }
        }
        if visits.isEmpty && versions.isEmpty { firstVisitUnit = unit }
        visits.append(Visit(day: day, mastered: mastered.sorted(), notApplicable: notApplicable.sorted()))
    }

    /// `Metric.reached(_:).key` of each skill and service, made once (a metric's names are built on each call).
    private static let skillKey = Dictionary(uniqueKeysWithValues: BasicSkill.allCases.map { ($0, Metric.reached($0).key) })
    private static let serviceKey = Dictionary(uniqueKeysWithValues: DigitalService.allCases.map { ($0, Metric.reached($0).key) })

    /// The unit the household counts in: where it was registered (or first visited, before that arrives).
    public var unit: UUID? {
        versions.min { ($0.position, $0.day) < ($1.position, $1.day) }?.unit ?? firstVisitUnit
    }

    static let skillKeys = BasicSkill.allCases.map { Metric.reached($0).key } + DigitalService.allCases.map { Metric.reached($0).key }

    /// The household metrics, in the order ``vector(at:visits:)`` holds their values.
    static let metricKeys: [String] =
        [Metric.households.key, Metric.householdsEligible.key, Metric.householdsVisited.key]
        + AgeBand.allCases.map { Metric.residents($0).key } + skillKeys + skillKeys.map { $0 + ".eligible" }
    private static let residentsAt = 3, reachedAt = 3 + AgeBand.allCases.count, eligibleAt = reachedAt + skillKeys.count

    /// Its values of every household metric at the end of `day` (those that are not zero).
    public func values(at day: CalendarDate) -> [String: Double] {
        let vector = vector(at: day, visits: visitBits)
        var values: [String: Double] = [:]
        for (index, value) in vector.enumerated() where value != 0 { values[Self.metricKeys[index]] = value }
        return values
    }

    /// What the household contributes now: a change on each day one of its values moves. (Worked out for
    /// every household a batch touches: arrays and bit sets rather than dictionaries of metric names.)
    public var contributions: [Contribution] {
        guard let unit else { return [] }
        let bits = visitBits
        var days = versions.map(\.day) + visits.map(\.day)
        days.sort()
        var previous = [Double](repeating: 0, count: Self.metricKeys.count), result: [Contribution] = [], last: CalendarDate?
        for day in days where day != last {
            last = day
            let current = vector(at: day, visits: bits)
            for index in current.indices where current[index] != previous[index] {
                result.append(Contribution(unit: unit, metric: Self.metricKeys[index], day: day, value: current[index] - previous[index]))
            }
            previous = current
        }
        return result
    }

    /// Each visit's day with what it recorded as bit sets over `skillKeys`.
    private var visitBits: [(day: CalendarDate, mastered: UInt16, notApplicable: UInt16)] {
        visits.map { ($0.day, Self.bits(of: $0.mastered), Self.bits(of: $0.notApplicable)) }
    }

    /// The values of `metricKeys` at the end of `day`, by the rules above.
    private func vector(at day: CalendarDate, visits: [(day: CalendarDate, mastered: UInt16, notApplicable: UInt16)]) -> [Double] {
        var values = [Double](repeating: 0, count: Self.metricKeys.count)
        var details: Version?
        for version in versions where version.day <= day {
            if let found = details, (found.day, found.position) >= (version.day, version.position) { continue }
            details = version
        }
        let eligible = details.map { !$0.outOfScope } ?? false
        if let details {
            values[0] = 1
            if eligible { values[1] = 1 }
            for (index, band) in AgeBand.allCases.enumerated() {
                if let count = details.residents[band.rawValue], count > 0 { values[Self.residentsAt + index] = Double(count) }
            }
        }
        var visited = false, mastered: UInt16 = 0, notApplicable: UInt16 = 0
        for visit in visits where visit.day <= day {
            visited = true
            mastered |= visit.mastered
            notApplicable |= visit.notApplicable
        }
        if visited { values[2] = 1 }
        for index in Self.skillKeys.indices {
            let reached = mastered & (1 << index) != 0
            if reached { values[Self.reachedAt + index] = 1 }
            if reached || (eligible && notApplicable & (1 << index) == 0) { values[Self.eligibleAt + index] = 1 }
        }
        return values
    }

    /// The keys as bits over `skillKeys` (every key a visit records is one of them).
    static func bits(of keys: [String]) -> UInt16 {
        keys.reduce(0) { bits, key in bits | (skillKeys.firstIndex(of: key).map { 1 << $0 } ?? 0) }
    }
}
