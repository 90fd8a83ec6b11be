import CDTDomain
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

struct HouseholdResponse: ResponseEncodable {
    var id: String
    var unitId: String
    var label: String?
    var size: Int
    var residents: [ResidentCount]
    var notApplicable: String?

    init(_ household: Household) {
        id = household.id.description
        unitId = household.unitID.description
        label = household.label
        size = household.size
        residents = household.residents
        notApplicable = household.notApplicable?.rawValue
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
