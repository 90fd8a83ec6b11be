public import CDTDomain
import Foundation

/// A village of the synthetic data set with its team's members, who make its visits.
public struct SyntheticVillage: Sendable {
    public let id: ID<AdministrativeUnit>
    public let provinceID: ID<AdministrativeUnit>
    public let code: String
    /// The unit's type word: Tổ dân phố, Thôn, Bản, Ấp.
    public let type: String
    public let members: [ID<Member>]

    public init(id: ID<AdministrativeUnit>, provinceID: ID<AdministrativeUnit>, code: String, type: String, members: [ID<Member>]) {
        self.id = id
        self.provinceID = provinceID
        self.code = code
        self.type = type
        self.members = members
    }

    /// How many households this village holds relative to others: residential groups of urban wards are
    /// the biggest, mountain hamlets (bản) the smallest.
    var sizeWeight: Double {
        switch type {
        case "Tổ dân phố": 3.0
        case "Bản": 0.6
        default: 1.0
        }
    }
}

/// One village's households and visits, as the rows the log and the households table get: the events'
/// payloads are written straight as JSON (the shapes of `household.registered` and `household.visited`,
/// which a test decodes back), so tens of millions of them are made in minutes. Deterministic for the
/// village and the seed, whatever order villages are made in.
struct SyntheticVillageWork {
    struct EventRow {
        let id: UUID, type: String, occurredAt: Date, payload: String
    }

    struct HouseholdRow {
        let id: UUID, label: String, size: Int, residents: String, notApplicable: String?, registeredOn: CalendarDate
    }

    private(set) var events: [EventRow] = []
    private(set) var households: [HouseholdRow] = []

    static let outcomes = ["guided", "mastered", "notApplicable"]

    init(_ village: SyntheticVillage, households count: Int, visits: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed ^ UInt64(bitPattern: Int64(village.code.hashValueStable)) ^ 0x5EED_0F_0A7A)
        events.reserveCapacity(count + visits)
        households.reserveCapacity(count)
        var ids: [UUID] = []
        ids.reserveCapacity(count)
        for _ in 1...max(1, count) where count > 0 {
            let id = DemoVillages.uuid(&generator)
            let size = Int.random(in: 1...7, using: &generator)
            let elderly = min(size, Int.random(in: 0...2, using: &generator))
            let children = min(size - elderly, Int.random(in: 0...2, using: &generator))
            let working = size - elderly - children
            let smartphones = Int.random(in: 0...working, using: &generator)
            let elderlyPhones = elderly > 0 ? Int.random(in: 0...1, using: &generator) : 0
            let elderlyOut = elderly > 0 ? Int.random(in: 0...elderly, using: &generator) : 0
            var bands: [String] = []
            if children > 0 { bands.append(#"{"ageBand": "0-14", "count": \#(children)}"#) }
            if working > 0 { bands.append(#"{"ageBand": "15-59", "count": \#(working), "withSmartphone": \#(smartphones)}"#) }
            if elderly > 0 {
                bands.append(#"{"ageBand": "60+", "count": \#(elderly), "withSmartphone": \#(elderlyPhones), "notApplicable": \#(elderlyOut), "notApplicableReason": "elderly"}"#)
            }
            let residents = "[" + bands.joined(separator: ", ") + "]"
            let notApplicable: String? = Int.random(in: 0..<25, using: &generator) == 0 ? ["elderly", "noDevice", "movedAway"].randomElement(using: &generator) : nil
            let registered = Self.day(2025, 8, Int.random(in: 1...31, using: &generator))
            let label = DemoPeople.householdLabel(for: id)
            let idText = id.lowercasedText
            var payload = #"{"householdId": "\#(idText)", "label": "\#(label)", "size": \#(size), "residents": \#(residents)"#
            if let notApplicable { payload += #", "notApplicable": "\#(notApplicable)""# }
            payload += "}"
            events.append(EventRow(id: DemoVillages.uuid(&generator), type: EventType.householdRegistered.rawValue,
                                   occurredAt: Self.time(on: registered, &generator), payload: payload))
            households.append(HouseholdRow(id: id, label: label, size: size, residents: residents, notApplicable: notApplicable, registeredOn: registered))
            ids.append(id)
        }
        guard !ids.isEmpty, !village.members.isEmpty else { return }
        for _ in 0..<visits {
            let household = ids.randomElement(using: &generator)!.lowercasedText
            let member = village.members.randomElement(using: &generator)!.description
            var skills: [String] = [], services: [String] = []
            for skill in ["onlinePublicServices", "onlineShopping", "onlinePayment", "cyberSafety"] {
                if let outcome = Self.outcome(&generator) { skills.append(#""\#(skill)": "\#(outcome)""#) }
            }
            for service in ["vneidActivated", "ePaymentAccountOpened", "onlinePublicServiceUsed"] {
                if let outcome = Self.outcome(&generator) { services.append(#""\#(service)": "\#(outcome)""#) }
            }
            let visited = Self.day(2025, Int.random(in: 9...11, using: &generator), Int.random(in: 1...30, using: &generator))
            let payload = #"{"householdId": "\#(household)", "memberIds": ["\#(member)"], "skills": {\#(skills.joined(separator: ", "))}, "services": {\#(services.joined(separator: ", "))}}"#
            events.append(EventRow(id: DemoVillages.uuid(&generator), type: EventType.householdVisited.rawValue,
                                   occurredAt: Self.time(on: visited, &generator), payload: payload))
        }
    }

    /// Two visits in ten leave a skill untouched; the rest are guided, mastered or not applicable.
    private static func outcome(_ generator: inout SeededGenerator) -> String? {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0..<2: nil
        case 2..<5: "guided"
        case 5..<9: "mastered"
        default: "notApplicable"
        }
    }

    static func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        (0...3).lazy.compactMap { CalendarDate(year: year, month: month, day: day - $0) }.first!
    }

    /// A moment of working hours on `day`, in Vietnam.
    private static func time(on day: CalendarDate, _ generator: inout SeededGenerator) -> Date {
        let seconds = day.daysSinceEpoch * 86_400 - CalendarDate.vietnamUTCOffsetSeconds + Int.random(in: 7 * 3600...18 * 3600, using: &generator)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
