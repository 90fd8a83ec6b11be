import CDTDomain
import CDTModuleKit
import CDTTesting
import Foundation
import Testing
@testable import CDTCoverage

/// The drill-down's reads keep a plan per connection instead of being planned for every request.
@Suite struct CoveragePlanTests {
    /// The units under the nation and under a province are two statements, each of which PostgreSQL plans
    /// generically once its first custom plans are made: as one statement with `$1 IS NULL OR …` it had
    /// no generic plan it would choose, and planned every request's read anew.
    @Test func childrenAreReadWithAPlanKeptForEveryRequest() async throws {
        let harness = try await ModuleTestHarness.make([CoverageModule()])
        let units = harness.units
        let client = harness.database.makeClient(maximumConnections: 1)
        let reader = CoverageReader(database: client)
        let province = CoverageUnit(id: units.provinceA.rawValue, name: "", level: "province", path: "", provinceId: nil, parentId: nil)
        let provinces: Set = [units.provinceA, units.provinceB], day = CalendarDate(harness.now)
        var provincesRead: [[UUID?]] = [], communesRead: [[UUID?]] = []
        for _ in 0..<10 {
            provincesRead.append(try await reader.children(of: .nation, on: day, provinces: provinces).map(\.id))
            communesRead.append(try await reader.children(of: province, on: day, provinces: provinces).map(\.id))
        }
        let plans = try await client.query("""
            SELECT statement LIKE '%u.level = ''province''%', generic_plans::int, custom_plans::int FROM pg_prepared_statements
            WHERE statement LIKE '%FROM core_v1.units u%' AND statement LIKE '%ORDER BY u.sort_key, u.id%'
            ORDER BY 1
            """).decode((Bool, Int, Int).self)
        await client.close()
        #expect(Set(provincesRead.map { Set($0) }) == [Set([units.provinceA.rawValue, units.provinceB.rawValue])])
        #expect(Set(communesRead).count == 1 && !(communesRead.first ?? []).isEmpty)
        #expect(plans.map(\.0) == [false, true], "one statement for each: \(plans)")
        for (underNation, generic, custom) in plans {
            // Prepared on the second run: nine runs, five planned for their values, then one plan for the rest.
            #expect(generic == 4 && custom == 5, "under the nation: \(underNation)")
        }
    }
}
