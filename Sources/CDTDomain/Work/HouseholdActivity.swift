public import Foundation

/// What the log tells of one household: when it was last visited, how many visits it had, what no visit
/// has yet marked mastered or not applicable, and when its details last changed.
public struct HouseholdActivity: Hashable, Sendable {
    /// When its latest `household.visited` event occurred; `nil` when never visited.
    public var lastVisitedAt: Date?
    /// How many visits it had.
    public var visits: Int
    /// The basic skills no visit has marked `mastered` or `notApplicable`, in ``BasicSkill`` order.
    public var skillsLacking: [BasicSkill]
    /// The services no visit has marked `mastered` or `notApplicable`, in ``DigitalService`` order.
    public var servicesLacking: [DigitalService]
    /// When the latest recorded `household.registered` or `household.updated` event occurred (the one whose
    /// details the household now has); `nil` only for a household the log does not hold.
    public var changedAt: Date?

    public init(lastVisitedAt: Date? = nil, visits: Int = 0, skillsLacking: [BasicSkill] = BasicSkill.allCases,
                servicesLacking: [DigitalService] = DigitalService.allCases, changedAt: Date? = nil) {
        self.lastVisitedAt = lastVisitedAt
        self.visits = visits
        self.skillsLacking = skillsLacking
        self.servicesLacking = servicesLacking
        self.changedAt = changedAt
    }

    /// A household nothing has been recorded for yet: never visited, lacking everything.
    public static let none = HouseholdActivity()
}

/// What visits crediting a member came to over some days (``WorkStore/visitTally(of:from:until:)``).
public struct VisitTally: Hashable, Sendable {
    /// The visits.
    public var visits: Int
    /// The distinct households they visited.
    public var households: Int
    /// The skills and services those visits marked `mastered`.
    public var mastered: Int
    /// The skills and services those visits marked `guided`.
    public var guided: Int

    public init(visits: Int = 0, households: Int = 0, mastered: Int = 0, guided: Int = 0) {
        self.visits = visits
        self.households = households
        self.mastered = mastered
        self.guided = guided
    }
}
