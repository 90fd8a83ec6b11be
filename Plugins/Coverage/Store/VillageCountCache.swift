import CDTModuleKit
import Foundation
import Synchronization

/// How many villages are in force under a province, district or commune at the end of a day, kept in memory
/// under the units' version (`core_v1.units_version`): a count changes only when the units do, so under one
/// version it never changes, and a drill-down counts only the units and days it has not seen yet. The
/// nation's count at national scale was an index scan of every village (about 67,000), 6–11 ms on every
/// request; a province's, its own villages.
///
/// Only a copy of what the database says, checked against the version read with every drill-down: a
/// process that never saw a unit counts it as before, and a new version empties it. Bounded: past
/// ``capacity`` counts it starts again empty.
final class VillageCountCache: Sendable {
    struct Key: Hashable, Sendable {
        var unit: UUID
        var day: CalendarDate
    }

    /// The counts it keeps at most (a unit and a day each).
    static let capacity = 200_000

    static let shared = VillageCountCache()

    private let state = Mutex<(version: String?, counts: [Key: Double])>((nil, [:]))

    /// The version its counts were read under, and the counts it holds for each of `units` on every one of
    /// `days` (a unit missing a day is left out).
    func counts(of units: some Sequence<UUID>, on days: [CalendarDate]) -> (version: String?, counts: [UUID: [Double]]) {
        state.withLock { state in
            var found: [UUID: [Double]] = [:]
            for unit in units {
                var counts: [Double] = []
                counts.reserveCapacity(days.count)
                for day in days {
                    guard let count = state.counts[Key(unit: unit, day: day)] else { break }
                    counts.append(count)
                }
                if counts.count == days.count { found[unit] = counts }
            }
            return (state.version, found)
        }
    }

    /// Keeps `counts` (each unit's count on each of `days`, in that order) as read under `version`.
    func keep(_ counts: [UUID: [Double]], on days: [CalendarDate], version: String) {
        state.withLock { state in
            if state.version != version || state.counts.count + counts.count * days.count > Self.capacity { state = (version, [:]) }
            for (unit, values) in counts {
                for (day, count) in zip(days, values) { state.counts[Key(unit: unit, day: day)] = count }
            }
        }
    }
}
