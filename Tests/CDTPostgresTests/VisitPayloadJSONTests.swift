import CDTDomain
@testable import CDTPostgres
import Foundation
import Testing

/// The log stores a visit's payload as ``EventJSONWriter`` writes it, without `JSONEncoder`: it must be
/// the very bytes `JSONEncoder` writes with the log's settings, so that a resend compares equal to what an
/// older build stored, whichever writer wrote either.
@Suite struct VisitPayloadJSONTests {
    @Test func writesTheBytesJSONEncoderWrites() throws {
        var generator = SystemRandomNumberGenerator()
        let outcomes: [GuidanceOutcome?] = [nil] + GuidanceOutcome.allCases
        // Every character JSON escapes, with slashes, Vietnamese text, an emoji and the separators JavaScript minds.
        let special = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "/", "ư", "Đặng Thị Hồng", "🙂", "\u{2028}", "\u{7F}", "a b"]
        for round in 0..<600 {
            let note: String? = switch round % 4 {
            case 0: nil
            case 1: ""
            case 2: special.shuffled(using: &generator).prefix(Int.random(in: 1...6, using: &generator)).joined()
            default: "Hướng dẫn lần \(round)"
            }
            let visit = HouseholdVisited(
                householdId: ID(), memberIds: (0..<Int.random(in: 0...4, using: &generator)).map { _ in ID() },
                skills: SkillOutcomes(onlinePublicServices: outcomes.randomElement()!, onlineShopping: outcomes.randomElement()!,
                                      onlinePayment: outcomes.randomElement()!, cyberSafety: outcomes.randomElement()!, otherPlatforms: outcomes.randomElement()!),
                services: ServiceOutcomes(vneidActivated: outcomes.randomElement()!, ePaymentAccountOpened: outcomes.randomElement()!,
                                          digitalStoreOpened: outcomes.randomElement()!, onlinePublicServiceUsed: outcomes.randomElement()!),
                note: note)
            let written = try EventPayloadCodec.encode(.householdVisited(visit))
            #expect(written == (try EventPayloadCodec.encodeWithJSONEncoder(.householdVisited(visit))), "note: \(String(describing: note))")
        }
    }
}
