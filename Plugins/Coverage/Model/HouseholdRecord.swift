public import CDTDomain
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
        var mastered: Set<String> = [], notApplicable: Set<String> = []
        for (skill, outcome) in visit.skills.outcomes {
            if outcome == .mastered { mastered.insert(Metric.reached(skill).key) }
            if outcome == .notApplicable { notApplicable.insert(Metric.reached(skill).key) }
        }
        for (service, outcome) in visit.services.outcomes {
            if outcome == .mastered { mastered.insert(Metric.reached(service).key) }
            if outcome == .notApplicable { notApplicable.insert(Metric.reached(service).key) }
        }
        if visits.isEmpty && versions.isEmpty { firstVisitUnit = unit }
        visits.append(Visit(day: day, mastered: mastered.sorted(), notApplicable: notApplicable.sorted()))
    }

    /// The unit the household counts in: where it was registered (or first visited, before that arrives).
    public var unit: UUID? {
        versions.min { ($0.position, $0.day) < ($1.position, $1.day) }?.unit ?? firstVisitUnit
    }

    static let skillKeys = BasicSkill.allCases.map { Metric.reached($0).key } + DigitalService.allCases.map { Metric.reached($0).key }

    /// Its values of every household metric at the end of `day`.
    public func values(at day: CalendarDate) -> [String: Double] {
        var values: [String: Double] = [:]
        let details = versions.filter { $0.day <= day }.max { ($0.day, $0.position) < ($1.day, $1.position) }
        let visitsSoFar = visits.filter { $0.day <= day }
        let eligible = details.map { !$0.outOfScope } ?? false
        if let details {
            values[Metric.households.key] = 1
            if eligible { values[Metric.householdsEligible.key] = 1 }
            for (band, count) in details.residents where count > 0 { values["residents.\(band)"] = Double(count) }
        }
        if !visitsSoFar.isEmpty { values[Metric.householdsVisited.key] = 1 }
        let mastered = visitsSoFar.reduce(into: Set<String>()) { $0.formUnion($1.mastered) }
        let notApplicable = visitsSoFar.reduce(into: Set<String>()) { $0.formUnion($1.notApplicable) }
        for key in Self.skillKeys {
            let reached = mastered.contains(key)
            if reached { values[key] = 1 }
            if reached || (eligible && !notApplicable.contains(key)) { values[key + ".eligible"] = 1 }
        }
        return values
    }

    /// What the household contributes now: a change on each day one of its values moves.
    public var contributions: [Contribution] {
        guard let unit else { return [] }
        let days = Set(versions.map(\.day) + visits.map(\.day)).sorted()
        return Contribution.changes(of: days.map { ($0, values(at: $0)) }, in: unit)
    }
}
