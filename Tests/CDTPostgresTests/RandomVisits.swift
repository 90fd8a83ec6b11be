import CDTDomain

/// Visits of random shape for the payload tests: up to `maximumMembers` members, every skill and service
/// outcome given or left out at random.
enum RandomVisits {
    static func visit(note: String?, maximumMembers: Int = 4) -> HouseholdVisited {
        let outcomes: [GuidanceOutcome?] = [nil] + GuidanceOutcome.allCases
        return HouseholdVisited(
            householdId: ID(), memberIds: (0..<Int.random(in: 0...maximumMembers)).map { _ in ID() },
            skills: SkillOutcomes(onlinePublicServices: outcomes.randomElement()!, onlineShopping: outcomes.randomElement()!,
                                  onlinePayment: outcomes.randomElement()!, cyberSafety: outcomes.randomElement()!, otherPlatforms: outcomes.randomElement()!),
            services: ServiceOutcomes(vneidActivated: outcomes.randomElement()!, ePaymentAccountOpened: outcomes.randomElement()!,
                                      digitalStoreOpened: outcomes.randomElement()!, onlinePublicServiceUsed: outcomes.randomElement()!),
            note: note)
    }
}
