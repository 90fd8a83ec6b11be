import CDTDomain
import Foundation
import Hummingbird

struct TeamResponse: ResponseEncodable {
    var id: String
    var name: String
    var unitId: String
    var level: String
    var decision: DecisionResponse
    var chatLink: String?
    var establishedOn: String
    var endedOn: String?
    /// `dissolved` or `merged`, once the team has ended.
    var ending: String?
    var mergedInto: String?

    struct DecisionResponse: Encodable, Sendable {
        var number: String
        var date: String
        var signer: String
        var issuingUnitId: String
    }

    init(_ team: Team) {
        id = team.id.description
        name = team.name
        unitId = team.unitID.description
        level = team.level.rawValue
        decision = DecisionResponse(number: team.decision.number, date: team.decision.date.description,
                                    signer: team.decision.signer, issuingUnitId: team.decision.issuingUnitID.description)
        chatLink = team.chatLink
        establishedOn = team.establishedOn.description
        endedOn = team.endedOn?.description
        switch team.ending {
        case .dissolved: ending = "dissolved"
        case .merged(let into): ending = "merged"; mergedInto = into.description
        case nil: ending = nil
        }
    }
}

struct MemberResponse: ResponseEncodable {
    var id: String
    var name: String
    var phone: String
    var gender: String
    var birthYear: Int
    var affiliations: [String]

    /// The phone in full only for callers allowed to see it (`091*****78` otherwise).
    init(_ member: Member, showPhone: Bool) {
        id = member.id.description
        name = member.name
        phone = showPhone ? member.phone : PhoneMask.mask(member.phone)
        gender = member.gender.rawValue
        birthYear = member.birthYear
        affiliations = member.affiliations.map(\.rawValue)
    }
}

struct MembershipResponse: ResponseEncodable {
    var teamId: String
    var memberId: String
    var role: String
    var joinedOn: String
    var leftOn: String?

    init(_ membership: Membership) {
        teamId = membership.teamID.description
        memberId = membership.memberID.description
        role = membership.role.rawValue
        joinedOn = membership.joinedOn.description
        leftOn = membership.leftOn?.description
    }
}

/// A household with what the log tells of it (``HouseholdActivity``): `lastVisitedAt` and `changedAt`
/// are left out when there is none.
struct HouseholdResponse: ResponseEncodable {
    var id: String
    var unitId: String
    var label: String?
    var size: Int
    var residents: [ResidentCount]
    var notApplicable: String?
    var lastVisitedAt: Date?
    var visits: Int
    var stillLacks: StillLacks
    var changedAt: Date?

    /// The skills and services no visit has marked mastered or not applicable, in the domain's order.
    struct StillLacks: Encodable, Sendable {
        var skills: [String]
        var services: [String]
    }

    init(_ household: Household, activity: HouseholdActivity) {
        id = household.id.description
        unitId = household.unitID.description
        label = household.label
        size = household.size
        residents = household.residents
        notApplicable = household.notApplicable?.rawValue
        lastVisitedAt = activity.lastVisitedAt
        visits = activity.visits
        stillLacks = StillLacks(skills: activity.skillsLacking.map(\.rawValue), services: activity.servicesLacking.map(\.rawValue))
        changedAt = activity.changedAt
    }
}

struct CampaignResponse: ResponseEncodable {
    var id: String
    var name: String
    var scopeUnitId: String
    var startsOn: String
    var endsOn: String
    var targetSkills: [String]
    var targetServices: [String]
    var targets: [CampaignTarget]
    var closedOn: String?

    init(_ campaign: Campaign) {
        id = campaign.id.description
        name = campaign.name
        scopeUnitId = campaign.scopeUnitID.description
        startsOn = campaign.startsOn.description
        endsOn = campaign.endsOn.description
        targetSkills = campaign.targetSkills.map(\.rawValue)
        targetServices = campaign.targetServices.map(\.rawValue)
        targets = campaign.targets
        closedOn = campaign.closedOn?.description
    }
}

struct TrainingResponse: ResponseEncodable {
    var id: String
    var unitId: String
    var organiser: String
    var topic: String
    var format: String
    var heldOn: String
    var attendeeIds: [String]

    init(_ training: Training) {
        id = training.id.description
        unitId = training.unitID.description
        organiser = training.organiser
        topic = training.topic
        format = training.format.rawValue
        heldOn = training.heldOn.description
        attendeeIds = training.attendeeIDs.map(\.description)
    }
}

/// `GET /api/v1/members/{id}/progress`: the visits crediting the member this week (from Monday) and this
/// month (from the 1st), to today.
struct MemberProgressResponse: ResponseEncodable {
    var memberId: String
    var week: Period
    var month: Period

    /// The visits of some days: how many, to how many distinct households, and the skills and services
    /// they marked mastered and guided.
    struct Period: Encodable, Sendable {
        var from: String
        var until: String
        var visits: Int
        var households: Int
        var mastered: Int
        var guided: Int

        init(_ days: ClosedRange<CalendarDate>, _ tally: VisitTally) {
            from = days.lowerBound.description
            until = days.upperBound.description
            visits = tally.visits
            households = tally.households
            mastered = tally.mastered
            guided = tally.guided
        }
    }
}
