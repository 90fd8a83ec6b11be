public import CDTDomain
public import CDTModuleKit
import Synchronization

/// The provinces where each module is enabled, with their settings, held in memory for a few seconds: every
/// request to a module route, and every pass of the dispatcher, asks for them. Kept honest the way
/// ``SessionCache`` is:
///
/// - **Only while it hears every change.** The core's triggers (`sql/core/0022_module_enablement_notices.sql`)
///   notify ``channel`` whenever `module_enablements` changes (a module enabled or disabled, its settings, a
///   province merged); ``ModuleEnablementListener`` empties the cache on each notice. Until that listener is
///   connected, and from the moment its connection is lost, nothing is cached or served from the cache.
/// - **This process's own changes at once.** ``ModuleAdministration`` empties it once its change commits.
/// - **A read racing a change is never kept.** Every emptying moves a generation; a read is kept only if the
///   generation did not move between its start (``ticket()``) and its end (``keep(_:of:ticket:)``).
/// - An entry is served for ``timeToLive`` at most.
public final class ModuleEnablementCache: Sendable {
    /// The channel the core's triggers notify when `module_enablements` changes.
    public static let channel = "cdt_module_enablements"

    /// How long an entry is served after its read began.
    public let timeToLive: Duration
    private let state = Mutex(State())

    public init(timeToLive: Duration = .seconds(5)) {
        self.timeToLive = timeToLive
    }

    /// A read's start: the generation it began in and when, or `nil` while nothing may be kept.
    public struct Ticket: Sendable, Equatable {
        let generation: UInt64
        let startedAt: ContinuousClock.Instant
    }

    struct Entry {
        var provinces: [ID<AdministrativeUnit>: ModuleSettings]
        var startedAt: ContinuousClock.Instant
    }

    struct State {
        var isListening = false
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]

        mutating func flush() {
            entries = [:]
            generation &+= 1
        }
    }

    // MARK: The listener's side

    /// The listener listens on ``channel``: caching may start, from an empty cache.
    public func listenerConnected() {
        state.withLock { $0.flush(); $0.isListening = true }
    }

    /// The listener's connection is gone: nothing is cached or served until it is back.
    public func listenerDisconnected() {
        state.withLock { $0.isListening = false; $0.flush() }
    }

    /// Forgets every entry and refuses to keep any read that began before (a notice, or a change made here).
    public func flush() {
        state.withLock { $0.flush() }
    }

    /// Whether entries are kept and served now (the listener is connected).
    public var isActive: Bool { state.withLock { $0.isListening } }

    // MARK: Reads

    /// The provinces where `moduleID` is enabled, if a read of them is held and still good.
    public func provinces(of moduleID: String) -> [ID<AdministrativeUnit>: ModuleSettings]? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.isListening, let entry = state.entries[moduleID], now < entry.startedAt + timeToLive else { return nil }
            return entry.provinces
        }
    }

    /// Taken before reading from the database; `nil` while the listener is not connected.
    public func ticket() -> Ticket? {
        let now = ContinuousClock.now
        return state.withLock { $0.isListening ? Ticket(generation: $0.generation, startedAt: now) : nil }
    }

    /// Keeps what a read that began with `ticket` found, unless the cache was emptied since it began.
    public func keep(_ provinces: [ID<AdministrativeUnit>: ModuleSettings], of moduleID: String, ticket: Ticket?) {
        guard let ticket else { return }
        state.withLock { state in
            guard state.isListening, state.generation == ticket.generation else { return }
            state.entries[moduleID] = Entry(provinces: provinces, startedAt: ticket.startedAt)
        }
    }
}
