public import Foundation
import Synchronization

/// Session lookups held in memory for a few seconds, so a signed-in request need not read its session,
/// account and assignments from PostgreSQL every time. Revocation stays immediate:
///
/// - **Only while it hears every change.** The core's triggers (`sql/core/0020_session_change_notices.sql`)
///   notify ``channel`` whenever a session is revoked, changed or deleted, an account is disabled or its
///   password, two-factor state or names change, a role assignment changes, or the hierarchy moves under
///   one; a listener (`SessionRevocationListener` in the server) empties the cache on each notice. Until that
///   listener is connected, and from the moment its connection is lost, nothing is cached or served from
///   the cache (``listenerConnected()``, ``listenerDisconnected()``).
/// - **This process's own changes at once.** Every write of ``PostgresAccountStore`` that can end or narrow
///   a session empties every cache of the process before it returns (``SessionChanges/inThisProcess``), so
///   the next request on this server never sees it, even before the notice arrives.
/// - **A lookup racing a change is never kept.** Every emptying moves a generation counter; a lookup is
///   stored only if the generation did not move between its start (``ticket()``) and its end
///   (``store(_:for:ticket:)``).
/// - **The rules that depend on the time are checked again on every hit**: the session's expiry, the idle
///   timeout (a field-day session's exemption from it, and the end of that exemption for an account whose
///   roles require two-factor sign-in). An entry is good for ``timeToLive`` at most; the cache holds at
///   most ``capacity`` entries and drops the oldest first. Only live sessions are kept: an unknown or
///   refused token always goes to the database.
public final class SessionCache: Sendable {
    /// The channel the core's triggers notify when something a session lookup depends on changes.
    public static let channel = "cdt_sessions"

    /// How long an entry is served after its lookup began.
    public let timeToLive: Duration
    /// The most entries held; the oldest go first.
    public let capacity: Int
    /// The changes that empty it besides the listener's notices: by default every change this process's
    /// ``PostgresAccountStore``s make.
    public let changes: SessionChanges
    private let state = Mutex(State())

    public init(timeToLive: Duration = .seconds(5), capacity: Int = 50_000, changes: SessionChanges = .inThisProcess) {
        self.timeToLive = timeToLive
        self.capacity = max(1, capacity)
        self.changes = changes
    }

    // MARK: The listener's side

    /// The listener listens on ``channel``: caching may start, from an empty cache (notices sent while
    /// it was not listening are lost).
    public func listenerConnected() {
        state.withLock { $0.flush(); $0.isListening = true }
    }

    /// The listener's connection is gone: nothing is cached or served until it is back.
    public func listenerDisconnected() {
        state.withLock { $0.isListening = false; $0.flush() }
    }

    /// Forgets every entry and refuses to keep any lookup that began before (a notice on ``channel``).
    public func flush() {
        state.withLock { $0.flush() }
    }

    /// Whether entries are kept and served now (the listener is connected).
    public var isActive: Bool { state.withLock { $0.isListening } }

    /// How many entries are held (some may be past their time: they go at the next store).
    public var count: Int { state.withLock { $0.entries.count } }

    // MARK: Lookups

    /// What a lookup found, with what it takes to check it again in memory.
    struct Entry: Sendable {
        var lookup: PostgresAccountStore.SessionLookup
        /// When the lookup began: the entry is served until ``SessionCache/timeToLive`` after.
        var storedAt: ContinuousClock.Instant
        /// The session's expiry on this process's clock (no later than the database's).
        var expiresBy: ContinuousClock.Instant
        /// The session's last use on this process's clock (no later than the database's).
        var lastSeen: ContinuousClock.Instant
        var isFieldDay: Bool
        /// Whether the account's roles require two-factor sign-in (which ends a field day's exemption).
        var requiresTwoFactor: Bool
        var sequence: UInt64 = 0
        /// Whether a lookup was sent to the database to refresh it (one, so the many requests of one
        /// session do not all miss at once when it ends).
        var isBeingRefreshed = false

        /// Whether the database would still find the session live at `now`, as far as time goes.
        func isGood(at now: ContinuousClock.Instant, timeToLive: Duration, idleTimeout: TimeInterval) -> Bool {
            guard now < storedAt + timeToLive, now < expiresBy else { return false }
            return now - lastSeen < .seconds(idleTimeout) || (isFieldDay && !requiresTwoFactor)
        }
    }

    /// A lookup's right to store what it finds: void once the cache was emptied since it was taken.
    struct Ticket: Sendable {
        let generation: UInt64
    }

    /// The entry for `tokenHash` if it is still good; `nil` sends the caller to the database. In the last
    /// fifth of an entry's time, the first caller is sent to the database to refresh it while the others
    /// are still served.
    func lookup(_ tokenHash: Data, idleTimeout: TimeInterval, now: ContinuousClock.Instant = .now) -> PostgresAccountStore.SessionLookup? {
        let changeCount = self.changes.count
        return state.withLock { state in
            state.catchUp(with: changeCount)
            guard state.isListening, let entry = state.entries[tokenHash] else { return nil }
            guard entry.isGood(at: now, timeToLive: timeToLive, idleTimeout: idleTimeout) else {
                state.entries[tokenHash] = nil
                return nil
            }
            if !entry.isBeingRefreshed, now >= entry.storedAt + timeToLive * 0.8 {
                state.entries[tokenHash]?.isBeingRefreshed = true
                return nil
            }
            return entry.lookup
        }
    }

    /// Drops the entry for `tokenHash`: the database no longer finds the session live.
    func forget(_ tokenHash: Data) {
        state.withLock { _ = $0.entries.removeValue(forKey: tokenHash) }
    }

    /// Taken before a lookup reads the database; `nil` when nothing may be cached (no listener).
    func ticket() -> Ticket? {
        let changeCount = self.changes.count
        return state.withLock { state in
            state.catchUp(with: changeCount)
            return state.isListening ? Ticket(generation: state.generation) : nil
        }
    }

    /// Keeps `entry` unless the cache was emptied (or the listener lost) since `ticket` was taken.
    /// Returns whether it was kept.
    @discardableResult
    func store(_ entry: Entry, for tokenHash: Data, ticket: Ticket) -> Bool {
        let changeCount = self.changes.count
        return state.withLock { state in
            state.catchUp(with: changeCount)
            guard state.isListening, state.generation == ticket.generation else { return false }
            state.insert(entry, for: tokenHash, capacity: capacity, timeToLive: timeToLive, now: .now)
            return true
        }
    }

    private struct State {
        var isListening = false
        var generation: UInt64 = 0
        var changesSeen: UInt64 = 0
        var entries: [Data: Entry] = [:]
        /// Keys in the order they were stored, with the sequence number they were stored with (a key stored
        /// again later appears again; its earlier place no longer matches its entry and is skipped).
        var order: [(key: Data, sequence: UInt64)] = []
        var head = 0
        var nextSequence: UInt64 = 0

        mutating func flush() {
            generation &+= 1
            entries.removeAll()
            order.removeAll()
            head = 0
        }

        mutating func catchUp(with changes: UInt64) {
            guard changes != changesSeen else { return }
            changesSeen = changes
            flush()
        }

        /// Stores `entry`, then drops from the oldest on: entries past their time, and more while the cache
        /// holds more than `capacity` (so memory follows the sessions used in the last few seconds).
        mutating func insert(_ entry: Entry, for key: Data, capacity: Int, timeToLive: Duration, now: ContinuousClock.Instant) {
            nextSequence &+= 1
            var entry = entry
            entry.sequence = nextSequence
            entries[key] = entry
            order.append((key, nextSequence))
            while head < order.count {
                let oldest = order[head]
                if let held = entries[oldest.key], held.sequence == oldest.sequence {
                    guard entries.count > capacity || held.storedAt + timeToLive <= now else { break }
                    entries[oldest.key] = nil
                }
                head += 1
            }
            // Places of keys stored again or dropped pile up: compact once they outnumber the live ones.
            if order.count - head > 2 * max(entries.count, 1_024) {
                order = order[head...].filter { entries[$0.key]?.sequence == $0.sequence }
                head = 0
            } else if head > 1_024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}
