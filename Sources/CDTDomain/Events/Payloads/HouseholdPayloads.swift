/// `household.registered` and `household.updated`: a household of the event's unit (a village-level
/// unit), with its size and, when recorded, residents by age band and whether it is out of scope.
/// An update replaces every field.
public struct HouseholdDetails: EventBody {
    public var householdId: ID<Household>
    public var label: String?
    public var size: Int
    public var residents: [ResidentCount]?
    /// Set when the whole household is out of scope for coverage (elderly, no device, refused, moved away).
    public var notApplicable: NotApplicableReason?

    public init(householdId: ID<Household>, label: String? = nil, size: Int, residents: [ResidentCount]? = nil, notApplicable: NotApplicableReason? = nil) {
        self.householdId = householdId
        self.label = label
        self.size = size
        self.residents = residents
        self.notApplicable = notApplicable
    }

    /// The household as these details describe it.
    public func household(in unitID: ID<AdministrativeUnit>) -> Household {
        Household(id: householdId, unitID: unitID, label: label, size: size, residents: residents ?? [], notApplicable: notApplicable)
    }

    public func validate(into check: inout Validator) {
        Household.validate(label: label, size: size, residents: residents ?? [], into: &check)
    }
}

/// `household.visited`: members guided a household; for each of the five basic skills and each
/// service addressed, whether it was guided, mastered, or not applicable.
public struct HouseholdVisited: EventBody {
    public var householdId: ID<Household>
    public var memberIds: [ID<Member>]
    public var skills: SkillOutcomes
    public var services: ServiceOutcomes
    public var note: String?

    public init(householdId: ID<Household>, memberIds: [ID<Member>], skills: SkillOutcomes = .init(), services: ServiceOutcomes = .init(), note: String? = nil) {
        self.householdId = householdId
        self.memberIds = memberIds
        self.skills = skills
        self.services = services
        self.note = note
    }

    public func validate(into check: inout Validator) {
        check.require(!memberIds.isEmpty, "memberIds", "must name at least one member")
        check.require(memberIds.count <= 10, "memberIds", "must name at most 10 members")
        check.require(Set(memberIds).count == memberIds.count, "memberIds", "must not repeat a member")
        check.require(!skills.isEmpty || !services.isEmpty, "skills", "a visit must record at least one skill or service")
        check.text(note, "note", required: false, maximumLength: 1000)
    }
}

/// The outcome for each basic skill a visit addressed; skills left out were not addressed.
public struct SkillOutcomes: Hashable, Codable, Sendable {
    public var onlinePublicServices: GuidanceOutcome?
    public var onlineShopping: GuidanceOutcome?
    public var onlinePayment: GuidanceOutcome?
    public var cyberSafety: GuidanceOutcome?
    public var otherPlatforms: GuidanceOutcome?

    public init(
        onlinePublicServices: GuidanceOutcome? = nil, onlineShopping: GuidanceOutcome? = nil, onlinePayment: GuidanceOutcome? = nil,
        cyberSafety: GuidanceOutcome? = nil, otherPlatforms: GuidanceOutcome? = nil
    ) {
        self.onlinePublicServices = onlinePublicServices
        self.onlineShopping = onlineShopping
        self.onlinePayment = onlinePayment
        self.cyberSafety = cyberSafety
        self.otherPlatforms = otherPlatforms
    }

    /// Whether no skill was addressed (`outcomes` is empty), said without building the dictionary.
    public var isEmpty: Bool {
        onlinePublicServices == nil && onlineShopping == nil && onlinePayment == nil && cyberSafety == nil && otherPlatforms == nil
    }

    /// The addressed skills and their outcomes.
    public var outcomes: [BasicSkill: GuidanceOutcome] {
        var outcomes: [BasicSkill: GuidanceOutcome] = [:]
        outcomes[.onlinePublicServices] = onlinePublicServices
        outcomes[.onlineShopping] = onlineShopping
        outcomes[.onlinePayment] = onlinePayment
        outcomes[.cyberSafety] = cyberSafety
        outcomes[.otherPlatforms] = otherPlatforms
        return outcomes
    }
}

/// The outcome for each service a visit addressed; services left out were not addressed.
public struct ServiceOutcomes: Hashable, Codable, Sendable {
    public var vneidActivated: GuidanceOutcome?
    public var ePaymentAccountOpened: GuidanceOutcome?
    public var digitalStoreOpened: GuidanceOutcome?
    public var onlinePublicServiceUsed: GuidanceOutcome?

    public init(
        vneidActivated: GuidanceOutcome? = nil, ePaymentAccountOpened: GuidanceOutcome? = nil,
        digitalStoreOpened: GuidanceOutcome? = nil, onlinePublicServiceUsed: GuidanceOutcome? = nil
    ) {
        self.vneidActivated = vneidActivated
        self.ePaymentAccountOpened = ePaymentAccountOpened
        self.digitalStoreOpened = digitalStoreOpened
        self.onlinePublicServiceUsed = onlinePublicServiceUsed
    }

    /// Whether no service was addressed (`outcomes` is empty), said without building the dictionary.
    public var isEmpty: Bool {
        vneidActivated == nil && ePaymentAccountOpened == nil && digitalStoreOpened == nil && onlinePublicServiceUsed == nil
    }

    /// The addressed services and their outcomes.
    public var outcomes: [DigitalService: GuidanceOutcome] {
        var outcomes: [DigitalService: GuidanceOutcome] = [:]
        outcomes[.vneidActivated] = vneidActivated
        outcomes[.ePaymentAccountOpened] = ePaymentAccountOpened
        outcomes[.digitalStoreOpened] = digitalStoreOpened
        outcomes[.onlinePublicServiceUsed] = onlinePublicServiceUsed
        return outcomes
    }
}

/// `household.surveyed`: what a household has: devices, internet connection, business activity.
public struct HouseholdSurveyed: EventBody {
    public var householdId: ID<Household>
    public var smartphones: Int
    public var computers: Int
    public var internet: InternetConnection
    public var hasBusiness: Bool
    public var sellsOnline: Bool

    public init(householdId: ID<Household>, smartphones: Int, computers: Int, internet: InternetConnection, hasBusiness: Bool, sellsOnline: Bool) {
        self.householdId = householdId
        self.smartphones = smartphones
        self.computers = computers
        self.internet = internet
        self.hasBusiness = hasBusiness
        self.sellsOnline = sellsOnline
    }

    public func validate(into check: inout Validator) {
        check.require((0...50).contains(smartphones), "smartphones", "must be from 0 to 50")
        check.require((0...50).contains(computers), "computers", "must be from 0 to 50")
        check.require(hasBusiness || !sellsOnline, "sellsOnline", "can be true only when hasBusiness is true")
    }
}

/// How a household reaches the internet.
public enum InternetConnection: String, Codable, Sendable, Hashable, CaseIterable {
    case none, mobile, fixed, mobileAndFixed
}
