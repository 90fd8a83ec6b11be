import CDTModuleKit
import CDTTesting
import Testing

/// The test kit makes real work: a visit with its team, member and household, accepted by the log in
/// every village of the test hierarchy.
@Suite struct TestKitTests {
    @Test func aVisitComesWithEverythingItNeedsInEveryVillage() async throws {
        let harness = try await ModuleTestHarness.make([], units: TestUnits(secondCommunes: true))
        defer { Task { await harness.close() } }
        for (index, place) in harness.units.villages.enumerated() {
            let work = harness.events.visit(in: place.village, commune: place.commune, minute: index * 10)
            let outcomes = try await harness.append(work.events)
            #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
        }
        let visits = try await harness.owner.query("SELECT count(*)::int FROM events WHERE type = 'household.visited'").decode(Int.self)
        #expect(visits == [5])
    }
}
