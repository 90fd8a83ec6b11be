import CDTDomain
import Foundation
import Testing

@Suite struct CalendarDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let reform = try #require(CalendarDate("2025-07-01"))
        #expect(reform.year == 2025 && reform.month == 7 && reform.day == 1)
        #expect(reform.description == "2025-07-01")
        #expect(reform.adding(days: -1).description == "2025-06-30")
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2025-02-29") == nil)
        #expect(CalendarDate("2025-7-1") == nil)
        #expect(CalendarDate("01/07/2025") == nil)
        #expect(CalendarDate(year: 2025, month: 13, day: 1) == nil)
    }

    @Test func ordersAndCodesAsText() throws {
        let dates = ["2025-07-01", "1975-04-30", "2024-12-31"].compactMap { CalendarDate($0) }
        #expect(dates.sorted().map(\.description) == ["1975-04-30", "2024-12-31", "2025-07-01"])
        let json = try JSONEncoder().encode(dates)
        #expect(String(decoding: json, as: UTF8.self) == #"["2025-07-01","1975-04-30","2024-12-31"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2025-02-30"]"#.utf8)) }
    }
}
