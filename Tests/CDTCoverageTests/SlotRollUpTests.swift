import CDTDomain
import CDTModuleKit
import Foundation
import Testing
@testable import CDTCoverage

/// A batch's contributions summed into the rows of the roll-up tables (migration 0005): arrays by slot,
/// each row once, the way a rebuild from the leaf days sums them.
@Suite struct SlotRollUpTests {
    let village = UUID(), other = UUID(), commune = UUID(), splitA = UUID(), splitB = UUID(), province = UUID()
    let day = CalendarDate("2025-08-01")!, later = CalendarDate("2025-08-02")!

    func slot(_ metric: Metric) -> Int { MetricSlots.slot(metric.key)! }

    @Test func contributionsAreSummedPerLeafAndDayBySlot() {
        let rollUp = SlotRollUp([
            Contribution(unit: village, metric: "households", day: day, value: 1),
            Contribution(unit: village, metric: "households", day: day, value: 2),
            Contribution(unit: village, metric: "residents.60+", day: day, value: -1),
            Contribution(unit: village, metric: "households", day: later, value: 1),
            Contribution(unit: other, metric: "teams", day: day, value: 1),
            Contribution(unit: other, metric: "teams", day: day, value: -1),
        ])
        // Other's changes cancel out: no row for it.
        #expect(rollUp.leaves.map(\.key) == [SlotRollUp.LeafKey(unit: village, day: day), SlotRollUp.LeafKey(unit: village, day: later)])
        #expect(rollUp.leaves[0].changes.count == Metric.base.count)
        #expect(rollUp.leaves[0].changes[slot(.households)] == 3)
        #expect(rollUp.leaves[0].changes[slot(.residents(.elderly))] == -1)
        #expect(rollUp.leaves[0].changes.filter { $0 != 0 }.count == 2)
    }

    @Test func changesRollUpWithTheirSharesAndSayWhichSlotsWereApportioned() {
        let rollUp = SlotRollUp([
            Contribution(unit: village, metric: "householdsVisited", day: day, value: 2),
            Contribution(unit: village, metric: "households", day: day, value: 1),
        ])
        let (days, totals) = rollUp.rolledUp([[
            SlotRollUp.Target(epoch: "-infinity", unit: village, province: province, share: 1),
            SlotRollUp.Target(epoch: "2025-07-01", unit: splitA, province: province, share: 0.5),
            SlotRollUp.Target(epoch: "2025-07-01", unit: splitB, province: province, share: 0.5),
            SlotRollUp.Target(epoch: "2025-07-01", unit: commune, province: province, share: 1),
        ]], recordedIn: province)
        // The village's own day is its leaf row: a total, no rolled-up day.
        #expect(days.count == 3 && totals.count == 4)
        #expect(!days.contains { $0.key.unit.unit == village })
        #expect(totals.first { $0.key.unit == village }?.totals[slot(.householdsVisited)] == 2)
        let half = days.first { $0.key.unit.unit == splitA }!
        #expect(half.key.unit.epoch == "2025-07-01" && half.key.day == day)
        #expect(half.changes[slot(.householdsVisited)] == 1 && half.changes[slot(.households)] == 0.5)
        let bits = Int64(1) << Int64(slot(.householdsVisited)) | Int64(1) << Int64(slot(.households))
        #expect(totals.first { $0.key.unit == splitA }?.apportioned == bits)
        #expect(totals.first { $0.key.unit == commune }?.apportioned == 0)
        #expect(totals.first { $0.key.unit == commune }?.totals[slot(.householdsVisited)] == 2)
    }

    @Test func sumsWithinABillionthOfZeroAreZeroAndEmptyDaysAreLeftOut() {
        let third = 1.0 / 3
        let rollUp = SlotRollUp([
            Contribution(unit: village, metric: "households", day: day, value: 1),
            Contribution(unit: other, metric: "households", day: day, value: -1),
        ])
        let (days, totals) = rollUp.rolledUp([
            [SlotRollUp.Target(epoch: "-infinity", unit: commune, province: province, share: third)],
            [SlotRollUp.Target(epoch: "-infinity", unit: commune, province: province, share: third * (1 + 1e-12))],
        ], recordedIn: province)
        #expect(days.isEmpty)
        #expect(totals.count == 1 && totals[0].totals.allSatisfy { $0 == 0 })
        #expect(SlotRollUp.canonical([1e-10, -1e-10, 0.5]) == [0, 0, 0.5])
    }

    @Test func aLeafsOwnDayIsOnlyItsOwnWholeAndInTheProvinceItWasRecordedIn() {
        let rollUp = SlotRollUp([Contribution(unit: village, metric: "households", day: day, value: 1)])
        let elsewhere = UUID()
        let (days, totals) = rollUp.rolledUp([[
            // Its own day in an epoch where it is whole and in the province recording it: no rolled-up day.
            SlotRollUp.Target(epoch: "-infinity", unit: village, province: province, share: 1),
            // Itself in a province other than the one recording it (a unit that moved): a rolled-up day, since
            // its leaf row belongs to the recording province.
            SlotRollUp.Target(epoch: "2025-07-01", unit: village, province: elsewhere, share: 1),
            // Part of itself after a split: a rolled-up day.
            SlotRollUp.Target(epoch: "2026-04-30", unit: village, province: province, share: 0.5),
        ]], recordedIn: province)
        #expect(days.map(\.key.unit.epoch).sorted() == ["2025-07-01", "2026-04-30"])
        #expect(totals.count == 3)
        #expect(SlotRollUp.isLeafsOwnDay(SlotRollUp.Target(epoch: "-infinity", unit: village, province: province, share: 1),
                                         leaf: village, recordedIn: province))
        #expect(!SlotRollUp.isLeafsOwnDay(SlotRollUp.Target(epoch: "-infinity", unit: commune, province: province, share: 1),
                                          leaf: village, recordedIn: province))
    }

    @Test func rowsTakeTheirSlotsOutOfOneFlatArrayAndSumInPlace() {
        #expect(SlotRollUp.slice("i") == "[(i - 1) * \(SlotRollUp.width) + 1 : i * \(SlotRollUp.width)]")
        #expect(SlotRollUp.sumExpression("a", "b").hasPrefix("ARRAY[CASE WHEN abs(coalesce(a[1], 0) + coalesce(b[1], 0)) < 1e-9"))
    }
}
