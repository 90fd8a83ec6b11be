import Foundation
import Testing
@testable import CDTCoverage

/// The array literals the module writes itself instead of binding Swift arrays element by element.
@Suite struct ArrayTextTests {
    @Test func writesByteArraysInTheHexForm() {
        #expect(ArrayText.byteas([[0x00, 0x7f, 0xff], [], [0x0a]]) == #"{"\\x007fff","\\x","\\x0a"}"#)
        #expect(ArrayText.byteas([]) == "{}")
    }
}
