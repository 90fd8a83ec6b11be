import Synchronization

/// Changes to sessions, accounts or role assignments, counted: every ``SessionCache`` empties itself when it
/// sees the count of its ``SessionCache/changes`` move. So the several account stores of one server (and
/// `cdt users` run in the same process, as tests do) need not share a cache to revoke at once.
public final class SessionChanges: Sendable {
    /// The changes made by this process's ``PostgresAccountStore``s.
    public static let inThisProcess = SessionChanges()

    private let counter = Atomic<UInt64>(0)

    public init() {}

    /// Called once a write that can end or narrow a session is committed (or failed).
    public func note() {
        counter.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    var count: UInt64 { counter.load(ordering: .sequentiallyConsistent) }
}
