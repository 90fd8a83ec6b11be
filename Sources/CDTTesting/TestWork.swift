public import CDTDomain
public import Foundation

/// Core work in the test hierarchy, with everything it needs made for you: a visit needs a household of
/// the village, visited by a member of the village's team, and the team must be established first.
///
/// ```swift
/// let work = harness.events.visit(in: harness.units.villageA1, commune: harness.units.communeA)
/// try await harness.append(work.events)   // team.established, member.joined, household.registered, household.visited
/// try await harness.catchUp()
/// // work.team, work.member, work.household, work.visit name what was made
/// ```
public struct TestWork: Sendable {
    public let team: ID<Team>
    public let member: ID<Member>
    public let household: ID<Household>
    /// The visit, last of ``events``.
    public let visit: DomainEvent
    /// In the order they must be appended.
    public let events: [DomainEvent]
}

extension TestEvents {
    /// A village's team established by `commune`'s decision, with one member (its head), a household
    /// registered and visited by that member: the four events in order, a minute apart from `minute`.
    /// The member is Trần Thị Lan; give each member a `phone` of their own when a test signs in as one
    /// (``ModuleTestHarness/withClient(as:phone:transport:_:)``).
    public func visit(in village: ID<AdministrativeUnit>, commune: ID<AdministrativeUnit>, minute: Int = 0,
                      skills: SkillOutcomes = SkillOutcomes(onlinePublicServices: .guided, onlinePayment: .mastered),
                      services: ServiceOutcomes = ServiceOutcomes(vneidActivated: .mastered), phone: String = "+84 912 345 678") -> TestWork {
        let team = ID<Team>(), member = ID<Member>(), household = ID<Household>()
        let day = CalendarDate(Self.start.addingTimeInterval(TimeInterval(minute * 60)))
        let established = event(village, minute: minute, .teamEstablished(TeamEstablished(
            teamId: team, name: "Tổ Công nghệ số cộng đồng",
            decision: EstablishmentDecision(number: "12/QĐ-UBND", date: day, signer: "Nguyễn Văn An", issuingUnitID: commune))))
        let joined = event(village, minute: minute + 1, .memberJoined(MemberJoined(
            teamId: team, memberId: member, role: .head,
            person: PersonDetails(name: "Trần Thị Lan", phone: phone, gender: .female, birthYear: 1990, affiliations: [.youthUnion]))))
        let registered = event(village, minute: minute + 2, .householdRegistered(HouseholdDetails(
            householdId: household, label: "Số 12 ngõ 3", size: 4,
            residents: [ResidentCount(ageBand: .working, count: 2, withSmartphone: 2), ResidentCount(ageBand: .elderly, count: 2, withSmartphone: 1)])))
        let visited = event(village, minute: minute + 3, .householdVisited(HouseholdVisited(
            householdId: household, memberIds: [member], skills: skills, services: services)))
        return TestWork(team: team, member: member, household: household, visit: visited, events: [established, joined, registered, visited])
    }
}

extension TestEvents {
    /// A training held in `unit` that `work`'s member attended, `minute` minutes after the start.
    public func training(in unit: ID<AdministrativeUnit>, attendedBy members: [ID<Member>], topic: String = "Cài đặt và dùng VNeID",
                         minute: Int = 0) -> (training: ID<Training>, event: DomainEvent) {
        let training = ID<Training>()
        return (training, event(unit, minute: minute, .trainingHeld(TrainingHeld(
            trainingId: training, organiser: "UBND xã", topic: topic, format: .onSite, attendeeIds: members))))
    }

    /// A campaign over `unit`'s subtree from `startsOn` to `endsOn`, launched `minute` minutes after the start.
    public func campaign(over unit: ID<AdministrativeUnit>, name: String = "Chiến dịch 90 ngày VNeID", startsOn: CalendarDate,
                         endsOn: CalendarDate, minute: Int = 0) -> (campaign: ID<Campaign>, event: DomainEvent) {
        let campaign = ID<Campaign>()
        return (campaign, event(unit, minute: minute, .campaignLaunched(CampaignLaunched(
            campaignId: campaign, name: name, startsOn: startsOn, endsOn: endsOn, targetSkills: [.onlinePublicServices]))))
    }
}
