import CDTDomain
import Synchronization

/// The next batch of a module in a province, read on a connection of its own while the dispatcher
/// applies the current one, so that a module catching up does not wait for each read in turn: reading
/// and decoding a batch of 2,000 events was about a fifth of a pass, and the pass is one statement after
/// another on one connection.
///
/// What a read returns stays true: the events it finds up to where it looked are final (the feed takes
/// only events of transactions older than every one still running). A batch read ahead is used only by
/// the delivery that starts where it starts (the checkpoint it finds locked), only when it is full (a
/// short one is read again, so events that arrived meanwhile are not left for the pass after), and only
/// for a few seconds.
final class FeedReadAhead: Sendable {
    typealias Batch = (events: [FeedEvent], scannedTo: FeedPosition?)

    struct Key: Hashable, Sendable {
        let module: String
        let province: ID<AdministrativeUnit>
    }

    private struct Pending {
        let after: FeedPosition
        let started: ContinuousClock.Instant
        let read: Task<Batch, any Error>
    }

    /// How long a batch read ahead may wait for its delivery.
    let maximumAge: Duration
    private let pending = Mutex<[Key: Pending]>([:])

    init(maximumAge: Duration = .seconds(2)) {
        self.maximumAge = maximumAge
    }

    /// Starts reading the batch after `position` (the task inherits the caller's row scope).
    func start(_ key: Key, after position: FeedPosition, read: @escaping @Sendable () async throws -> Batch) {
        let task = Task { try await read() }
        let replaced = pending.withLock { $0.updateValue(Pending(after: position, started: .now, read: task), forKey: key) }
        replaced?.read.cancel()
    }

    /// The full batch of `size` events read ahead for `key`, fresh enough, with where it starts; nil when
    /// there is none. Whatever was read ahead for `key` is taken here: the caller uses it only if its
    /// checkpoint, once locked, is where the batch starts. Called with no connection held, so a read waiting
    /// for one never waits on its caller.
    func take(_ key: Key, size: Int) async -> (after: FeedPosition, batch: Batch)? {
        guard let found = pending.withLock({ $0.removeValue(forKey: key) }) else { return nil }
        guard ContinuousClock.now - found.started <= maximumAge else {
            found.read.cancel()
            return nil
        }
        guard let batch = try? await found.read.value, batch.events.count == size else { return nil }
        return (found.after, batch)
    }

    /// Drops what waited longer than ``maximumAge`` (for provinces no longer delivered to).
    func dropStale() {
        let now = ContinuousClock.now
        let stale = pending.withLock { entries in
            let old = entries.filter { now - $0.value.started > maximumAge }
            for key in old.keys { entries.removeValue(forKey: key) }
            return old.values.map(\.read)
        }
        for read in stale { read.cancel() }
    }

    /// Stops every read under way (the dispatcher is stopping).
    func cancelAll() {
        for read in pending.withLock({ entries in defer { entries = [:] }; return entries.values.map(\.read) }) { read.cancel() }
    }

    /// How many batches are read ahead and not yet taken (for tests).
    var count: Int { pending.withLock { $0.count } }
}
