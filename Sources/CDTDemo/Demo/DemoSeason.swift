public import CDTDomain
public import Foundation

/// A season of work for the demo, as the events a real province would have recorded: a team set up
/// for every village by a decision of its commune (and for some communes a commune-level team), three
/// to six members each, households, door-to-door visits from September to November 2025, a provincial
/// campaign and trainings. Deterministic for a seed.
public struct DemoSeason: Sendable {
    /// A commune of the province with its villages.
    public struct Commune: Sendable {
        public let unit: AdministrativeUnit
        public let villages: [AdministrativeUnit]

        public init(unit: AdministrativeUnit, villages: [AdministrativeUnit]) {
            self.unit = unit
            self.villages = villages
        }
    }

    public let province: AdministrativeUnit
    public let communes: [Commune]
    public let householdsPerVillage: Int
    public let seed: UInt64

    /// The demo's author of record for events: the provincial department's data-entry account.
    public static let author = UUID(uuidString: "00000000-0000-4000-8000-00000000cd70")!

    public init(province: AdministrativeUnit, communes: [Commune], householdsPerVillage: Int, seed: UInt64) {
        self.province = province
        self.communes = communes
        self.householdsPerVillage = householdsPerVillage
        self.seed = seed
    }

    /// The season's events, in the order they occurred within each village.
    public func events() -> [DomainEvent] {
        var generator = SeededGenerator(seed: seed ^ UInt64(province.code.hashValueStable))
        var events: [DomainEvent] = []
        var provinceMembers: [ID<Member>] = []
        for commune in communes {
            let decisionBase = Int.random(in: 10...300, using: &generator)
            let signer = DemoPeople.person(&generator).name
            for (number, village) in commune.villages.enumerated() {
                let established = day(2025, 7, Int.random(in: 15...31, using: &generator))
                let team = ID<Team>(rawValue: uuid(&generator))
                events.append(event(&generator, village.id, at: established, .teamEstablished(TeamEstablished(
                    teamId: team, name: "Tổ Công nghệ số cộng đồng \(village.name)",
                    decision: EstablishmentDecision(number: "\(decisionBase + number)/QĐ-UBND", date: established, signer: signer, issuingUnitID: commune.unit.id),
                    chatLink: Int.random(in: 0..<3, using: &generator) == 0 ? nil : "https://zalo.me/g/\(String(generator.next() % 1_000_000_000, radix: 36))"))))
                var members: [ID<Member>] = []
                let size = Int.random(in: 3...6, using: &generator)
                for seat in 0..<size {
                    let member = ID<Member>(rawValue: uuid(&generator))
                    let role: TeamRole = seat == 0 ? .head : seat == 1 ? .deputyHead : .member
                    let leader: Affiliation? = seat == 0 ? (village.kind.type == "Tổ dân phố" ? .residentialGroupLeader : .villageHead) : nil
                    let joined = established.adding(days: Int.random(in: 0...20, using: &generator))
                    events.append(event(&generator, village.id, at: joined, .memberJoined(MemberJoined(
                        teamId: team, memberId: member, role: role, person: DemoPeople.person(&generator, leader: leader)))))
                    members.append(member)
                }
                provinceMembers += members
                events += households(&generator, in: village, visitedBy: members)
            }
        }
        let scope = province.id
        events.append(event(&generator, scope, at: day(2025, 9, 25), .campaignLaunched(CampaignLaunched(
            campaignId: ID(rawValue: uuid(&generator)), name: "Đi từng ngõ, gõ từng nhà, hướng dẫn từng người – \(province.shortName)",
            startsOn: day(2025, 10, 1), endsOn: day(2025, 10, 31), targetSkills: [.onlinePublicServices, .onlinePayment],
            targetServices: [.vneidActivated], targets: [CampaignTarget(metric: .householdsVisited, value: max(1, communes.reduce(0) { $0 + $1.villages.count } * householdsPerVillage / 2))]))))
        for (index, topic) in ["Kỹ năng số cơ bản cho thành viên Tổ công nghệ số cộng đồng", "Hướng dẫn kích hoạt VNeID mức độ 2", "Thanh toán không dùng tiền mặt an toàn"].enumerated() {
            let attendees = Array(Set((0..<min(40, provinceMembers.count)).map { _ in provinceMembers.randomElement(using: &generator)! }))
                .sorted { $0.description < $1.description }
            events.append(event(&generator, scope, at: day(2025, 9, 5 + index * 3), .trainingHeld(TrainingHeld(
                trainingId: ID(rawValue: uuid(&generator)), organiser: "Sở Khoa học và Công nghệ \(province.name)", topic: topic,
                format: index == 1 ? .online : .onSite, attendeeIds: attendees))))
        }
        return events
    }

    private func households(_ generator: inout SeededGenerator, in village: AdministrativeUnit, visitedBy members: [ID<Member>]) -> [DomainEvent] {
        var events: [DomainEvent] = []
        for _ in 1...max(1, householdsPerVillage) where householdsPerVillage > 0 {
            let household = ID<Household>(rawValue: uuid(&generator))
            let size = Int.random(in: 1...7, using: &generator)
            let elderly = min(size, Int.random(in: 0...2, using: &generator))
            let children = min(size - elderly, Int.random(in: 0...2, using: &generator))
            let working = size - elderly - children
            let notApplicable: NotApplicableReason? = Int.random(in: 0..<25, using: &generator) == 0
                ? [.elderly, .noDevice, .movedAway].randomElement(using: &generator) : nil
            events.append(event(&generator, village.id, at: day(2025, 8, Int.random(in: 1...31, using: &generator)), .householdRegistered(HouseholdDetails(
                householdId: household, label: DemoPeople.householdLabel(for: household.rawValue), size: size,
                residents: [
                    ResidentCount(ageBand: .children, count: children),
                    ResidentCount(ageBand: .working, count: working, withSmartphone: Int.random(in: 0...working, using: &generator)),
                    ResidentCount(ageBand: .elderly, count: elderly, withSmartphone: elderly > 0 ? Int.random(in: 0...1, using: &generator) : 0,
                                  notApplicable: elderly > 0 ? Int.random(in: 0...elderly, using: &generator) : 0, notApplicableReason: .elderly),
                ].filter { $0.count > 0 },
                notApplicable: notApplicable))))
            guard notApplicable == nil, Int.random(in: 0..<10, using: &generator) < 7 else { continue }
            for visit in 0..<Int.random(in: 1...2, using: &generator) {
                let date = day(2025, 9 + visit, Int.random(in: 1...30, using: &generator))
                let by = [members.randomElement(using: &generator)!]
                events.append(event(&generator, village.id, at: date, .householdVisited(HouseholdVisited(
                    householdId: household, memberIds: by,
                    skills: SkillOutcomes(
                        onlinePublicServices: outcome(&generator), onlineShopping: outcome(&generator), onlinePayment: outcome(&generator),
                        cyberSafety: outcome(&generator), otherPlatforms: nil),
                    services: ServiceOutcomes(
                        vneidActivated: outcome(&generator), ePaymentAccountOpened: outcome(&generator),
                        digitalStoreOpened: Int.random(in: 0..<4, using: &generator) == 0 ? outcome(&generator) : nil,
                        onlinePublicServiceUsed: outcome(&generator))))))
            }
        }
        return events
    }

    private func outcome(_ generator: inout SeededGenerator) -> GuidanceOutcome? {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0..<2: nil
        case 2..<5: .guided
        case 5..<9: .mastered
        default: .notApplicable
        }
    }

    private func event(_ generator: inout SeededGenerator, _ unit: ID<AdministrativeUnit>, at date: CalendarDate, _ payload: EventPayload) -> DomainEvent {
        let seconds = (date.daysSinceEpoch * 86_400) - CalendarDate.vietnamUTCOffsetSeconds + Int.random(in: 7 * 3600...18 * 3600, using: &generator)
        return DomainEvent(id: ID(rawValue: uuid(&generator)), unitID: unit, authorID: Self.author,
                           occurredAt: Date(timeIntervalSince1970: TimeInterval(seconds)), payload: payload)
    }

    private func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        (0...3).lazy.compactMap { CalendarDate(year: year, month: month, day: day - $0) }.first!  // the 31st of a 30-day month is the 30th
    }

    private func uuid(_ generator: inout SeededGenerator) -> UUID {
        DemoVillages.uuid(&generator)
    }
}

extension String {
    /// A hash of the text that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return Int(truncatingIfNeeded: hash)
    }
}
