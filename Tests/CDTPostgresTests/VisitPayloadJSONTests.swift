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
        // Every character JSON escapes, with slashes, Vietnamese text, an emoji and the separators JavaScript minds.
        let special = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "/", "ư", "Đặng Thị Hồng", "🙂", "\u{2028}", "\u{7F}", "a b"]
        for round in 0..<600 {
            let note: String? = switch round % 4 {
            case 0: nil
            case 1: ""
            case 2: special.shuffled(using: &generator).prefix(Int.random(in: 1...6, using: &generator)).joined()
            default: "Hướng dẫn lần \(round)"
            }
            let visit = RandomVisits.visit(note: note)
            let written = try EventPayloadCodec.encode(.householdVisited(visit))
            #expect(written == (try EventPayloadCodec.encodeWithJSONEncoder(.householdVisited(visit))), "note: \(String(describing: note))")
        }
    }
}
