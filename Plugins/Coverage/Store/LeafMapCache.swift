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
/// never saw a leaf reads it as before. Bounded: past ``capacity`` leaves it starts again empty.
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

    /// The leaves it keeps at most (about 15 rows each at most: a few epochs, a few ancestors).
    static let capacity = 20_000

    static let shared = LeafMapCache()

    private let state = Mutex<(signature: String?, rows: [UUID: [Row]])>((nil, [:]))

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
        state.withLock { state in
            if state.signature != signature || state.rows.count + rows.count > Self.capacity { state = (signature, [:]) }
            state.rows.merge(rows) { _, new in new }
        }
    }

    /// Forgets every row (for tests, and a remap).
    func empty() {
        state.withLock { $0 = (nil, [:]) }
    }
}
