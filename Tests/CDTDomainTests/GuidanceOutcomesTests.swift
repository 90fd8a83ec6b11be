import CDTDomain
import Foundation
import Testing

/// A visit must address a skill or a service; `isEmpty` says so without building `outcomes`.
@Suite struct GuidanceOutcomesTests {
    @Test func isEmptyIsWhetherNoOutcomeIsGiven() {
        let skillFields: [WritableKeyPath<SkillOutcomes, GuidanceOutcome?>] = [
            \.onlinePublicServices, \.onlineShopping, \.onlinePayment, \.cyberSafety, \.otherPlatforms,
        ]
        #expect(SkillOutcomes().isEmpty && SkillOutcomes().outcomes.isEmpty)
        for field in skillFields {
            var skills = SkillOutcomes()
            skills[keyPath: field] = .mastered
            #expect(!skills.isEmpty && skills.outcomes.count == 1)
        }
        let serviceFields: [WritableKeyPath<ServiceOutcomes, GuidanceOutcome?>] = [
            \.vneidActivated, \.ePaymentAccountOpened, \.digitalStoreOpened, \.onlinePublicServiceUsed,
        ]
        #expect(ServiceOutcomes().isEmpty && ServiceOutcomes().outcomes.isEmpty)
        for field in serviceFields {
            var services = ServiceOutcomes()
            services[keyPath: field] = .mastered
            #expect(!services.isEmpty && services.outcomes.count == 1)
        }
    }

    @Test func aVisitAddressingNothingIsRefused() throws {
        func visit(_ skills: SkillOutcomes, _ services: ServiceOutcomes) -> DomainEvent {
            DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: Date(timeIntervalSince1970: 1_780_000_000),
                        payload: .householdVisited(HouseholdVisited(householdId: ID(), memberIds: [ID()], skills: skills, services: services)))
        }
        let now = Date(timeIntervalSince1970: 1_780_000_100)
        #expect(throws: ValidationFailure.self) { try visit(SkillOutcomes(), ServiceOutcomes()).validate(now: now) }
        try visit(SkillOutcomes(cyberSafety: .guided), ServiceOutcomes()).validate(now: now)
        try visit(SkillOutcomes(), ServiceOutcomes(digitalStoreOpened: .mastered)).validate(now: now)
    }
}
