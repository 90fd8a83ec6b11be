import CDTDomain
import CDTModuleKit
import Foundation
import Testing
@testable import CDTCoverage

/// The map's rows kept between batches: only under the signature they were read under, and bounded.
@Suite struct LeafMapCacheTests {
    let leaf = UUID(), other = UUID(), commune = UUID(), province = UUID()

    func rows(ending end: CalendarDate?) -> [LeafMapCache.Row] {
        [LeafMapCache.Row(epochStart: "-infinity", epochEnd: end, unit: commune, province: province, share: 1)]
    }

    @Test func givesRowsOnlyUnderTheSignatureTheyWereReadUnder() {
        let cache = LeafMapCache()
        cache.keep([leaf: rows(ending: nil)], signature: "3:42 db")
        #expect(cache.rows(for: [leaf, other], signature: "3:42 db").keys.sorted { $0.precedesInTextOrder($1) } == [leaf])
        #expect(cache.rows(for: [leaf], signature: "4:43 db").isEmpty)
        // Rows kept under a new signature replace every row of the old one.
        cache.keep([other: rows(ending: nil)], signature: "4:43 db")
        #expect(cache.rows(for: [leaf, other], signature: "4:43 db").keys.sorted { $0.precedesInTextOrder($1) } == [other])
        #expect(cache.rows(for: [leaf], signature: "3:42 db").isEmpty)
    }

    @Test func aRowHoldsTheDaysBeforeItsEpochEnds() {
        let end = CalendarDate("2025-07-01")!
        let row = rows(ending: end)[0]
        #expect(row.holds(CalendarDate("2025-06-30")!))
        #expect(!row.holds(end))
        #expect(rows(ending: nil)[0].holds(CalendarDate("2999-01-01")!))
    }

    @Test func startsAgainPastItsCapacity() {
        let cache = LeafMapCache()
        var many: [UUID: [LeafMapCache.Row]] = [:]
        for _ in 0..<LeafMapCache.capacity { many[UUID()] = rows(ending: nil) }
        cache.keep(many, signature: "s")
        cache.keep([leaf: rows(ending: nil)], signature: "s")
        #expect(cache.rows(for: many.keys, signature: "s").isEmpty)
        #expect(cache.rows(for: [leaf], signature: "s").count == 1)
    }
}
