import CDTModuleKit
import Foundation
import Synchronization

/// The map's rows for the leaves (units where recorded) deliveries have used, kept in memory between
/// batches under the map's lineage signature (`coverage_map_state`): a leaf's rows are worked out from the
/// lineage alone, so under one signature they never change, and a batch reads from the database only the
/// leaves it has not seen yet (where each batch read every leaf day's map rows and called
/// `coverage_map_leaves` for all its leaves). A new signature empties it.
///
/// The only state the module keeps in memory, and only as a copy of what the database says: a process that
/// never saw a leaf reads it as before. Bounded: past ``capacity`` rows it starts again empty.
final class LeafMapCache: Sendable {
    /// One row of `coverage_unit_map`: where a leaf's figures go in an epoch.
    struct Row: Sendable {
        /// The epoch's start as SQL writes it (`-infinity` for the first).
        var epochStart: String
        /// The first day after the epoch (`nil`: it has not ended).
        var epochEnd: CalendarDate?
        var unit: UUID
        var province: UUID
        var share: Double

        /// Whether figures of `day` go through this row (`m.epoch_end > day`).
        func holds(_ day: CalendarDate) -> Bool { epochEnd.map { $0 > day } ?? true }
    }

    /// The rows it keeps at most, about 31 MB: every leaf of the nation's 66,600 villages in force, each
    /// with its commune and province, in two epochs (a row is 72 bytes, a leaf's array 32 more). Counted in
    /// leaves (20,000) it held a third of them, and a national replay started it again almost every batch:
    /// 2,086 batches of 2,098 read the map and called `coverage_map_leaves`.
    static let capacity = 400_000

    static let shared = LeafMapCache()

    private let state = Mutex<(signature: String?, rows: [UUID: [Row]], count: Int)>((nil, [:], 0))

    /// The rows it holds for `leaves` under `signature` (those it has; none under another signature).
    func rows(for leaves: some Sequence<UUID>, signature: String) -> [UUID: [Row]] {
        state.withLock { state in
            guard state.signature == signature else { return [:] }
            var found: [UUID: [Row]] = [:]
            for leaf in leaves { if let rows = state.rows[leaf] { found[leaf] = rows } }
            return found
        }
    }

    /// Keeps `rows` (every row of each leaf given) as read under `signature`.
    func keep(_ rows: [UUID: [Row]], signature: String) {
        let count = rows.values.reduce(0) { $0 + $1.count }
        state.withLock { state in
            if state.signature != signature || state.count + count > Self.capacity { state = (signature, [:], 0) }
            for (leaf, rows) in rows {
                state.count += rows.count - (state.rows.updateValue(rows, forKey: leaf)?.count ?? 0)
            }
        }
    }

    /// Forgets every row (for tests, and a remap).
    func empty() {
        state.withLock { $0 = (nil, [:], 0) }
    }
}
