import CDTDomain
import CDTModuleKit
import CDTTesting
import Foundation
import Testing
@testable import CDTCoverage

/// The drill-down's village counts are kept between requests under the units' version
/// (`core_v1.units_version`) and counted again once the units change.
@Suite struct VillageCountCacheTests {
    @Test func countsAreKeptUntilTheUnitsChange() async throws {
        let harness = try await ModuleTestHarness.make([CoverageModule()])
        let units = harness.units
        let client = harness.database.makeClient(maximumConnections: 1)
        let cache = VillageCountCache()
        let reader = CoverageReader(database: client, villageCounts: cache)
        let day = CalendarDate(harness.now), provinces: Set = [units.provinceA, units.provinceB]
        func unit(_ id: ID<AdministrativeUnit>, _ level: String) -> CoverageUnit {
            CoverageUnit(id: id.rawValue, name: "", level: level, path: "", provinceId: nil, parentId: nil)
        }
        let provinceA = unit(units.provinceA, "province"), communeA = unit(units.communeA, "commune")
        func villages(_ asked: [CoverageUnit]) async throws -> [Double] {
            let values = try await reader.values(of: asked, at: day, epoch: nil, provinces: provinces)
            return asked.map { values[$0.id]?.slots[MetricSlots.villages] ?? -1 }
        }
        #expect(try await villages([provinceA, communeA, .nation]) == [2, 2, 3])
        let first = cache.counts(of: [units.provinceA.rawValue, units.communeA.rawValue, units.provinceB.rawValue], on: [day])
        #expect(first.counts == [units.provinceA.rawValue: [2], units.communeA.rawValue: [2], units.provinceB.rawValue: [1]])
        let version = try #require(first.version)

        // What is kept is what is answered, while the version holds: a count put there comes back.
        cache.keep([units.provinceA.rawValue: [99]], on: [day], version: version)
        #expect(try await villages([provinceA, communeA]) == [99, 2])

        // A village added under commune A: the version moves, and every count is read again.
        let added = ID<AdministrativeUnit>()
        try await harness.owner.execute("""
            INSERT INTO administrative_units (id, code, name, search_key, sort_key, level, type, parent_id, province_id, path, valid_from)
            SELECT \(added), code || '9', name || ' mới', search_key, sort_key, level, type, parent_id, province_id,
                   replace(path, id::text, \(added.rawValue.uuidString.lowercased())), valid_from
            FROM administrative_units WHERE id = \(units.villageA1)
            """)
        #expect(try await villages([provinceA]) == [3])
        #expect(cache.counts(of: [units.provinceA.rawValue], on: [day]).version != version)
        #expect(try await villages([communeA, .nation]) == [3, 4])
        // The series' counts by day come from the same counts: before the units began, and today.
        let before = CalendarDate("2025-06-30")!
        #expect(try await reader.villageCounts(of: .nation, on: [before, day], provinces: provinces) == [before: 0, day: 4])
        #expect(try await reader.villageCounts(of: communeA, on: [day], provinces: provinces) == [day: 3])
        let village = try #require(try await reader.unit(units.villageA1.rawValue))
        #expect(try await reader.villageCounts(of: village, on: [before, day], provinces: provinces) == [before: 0, day: 1])
        // A village that ends before the day no longer counts on it.
        try await harness.owner.execute("UPDATE administrative_units SET valid_until = \(day) WHERE id = \(added)")
        #expect(try await villages([provinceA, communeA, .nation]) == [2, 2, 3])
        await client.close()
        await harness.close()
    }

    /// In memory: counts for every day asked or none, one version at a time, and a bound.
    @Test func theCacheHoldsOneVersionAndEveryDayOrNothing() {
        let cache = VillageCountCache()
        let unit = UUID(), other = UUID()
        let monday = CalendarDate("2026-06-01")!, tuesday = CalendarDate("2026-06-02")!
        #expect(cache.counts(of: [unit], on: [monday]).version == nil)
        cache.keep([unit: [4, 5]], on: [monday, tuesday], version: "db:1")
        #expect(cache.counts(of: [unit, other], on: [tuesday, monday]).counts == [unit: [5, 4]])
        #expect(cache.counts(of: [unit], on: [monday, CalendarDate("2026-06-03")!]).counts.isEmpty, "a day missing: counted again")
        cache.keep([other: [7]], on: [monday], version: "db:2")
        let afterwards = cache.counts(of: [unit, other], on: [monday])
        #expect(afterwards.version == "db:2" && afterwards.counts == [other: [7]], "a new version starts again")
        cache.keep(Dictionary(uniqueKeysWithValues: (0..<VillageCountCache.capacity).map { _ in (UUID(), [1.0]) }), on: [monday], version: "db:2")
        #expect(cache.counts(of: [other], on: [monday]).counts.isEmpty, "past its capacity it starts again")
    }
}
