import CDTDomain
import Foundation
import Testing
@testable import CDTCoverage

/// The array literals the module writes itself instead of binding Swift arrays element by element.
@Suite struct ArrayTextTests {
    @Test func writesElementsThatNeedNoQuotingAsTheyAre() {
        #expect(ArrayText.plain(["-infinity", "2025-07-01"]) == "{-infinity,2025-07-01}")
        #expect(ArrayText.plain([CalendarDate("2025-08-01")!, CalendarDate("2025-08-02")!]) == "{2025-08-01,2025-08-02}")
        #expect(ArrayText.plain([Int]()) == "{}")
    }
}
