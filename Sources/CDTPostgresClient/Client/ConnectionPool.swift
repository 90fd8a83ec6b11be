import Synchronization

/// The bookkeeping of a bounded pool: which connections are idle, how many slots are taken, who waits.
///
/// A lease is either an idle connection or a free slot the caller fills by opening a connection itself,
/// so no background task ever opens connections. Waiters are served in arrival order; a waiter that is
/// cancelled or times out leaves the queue at once, and a connection handed to nobody goes back to idle.
final class ConnectionPool: Sendable {
    enum Lease: Sendable {
        case connection(PostgresConnection)
        case slot
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Lease, any Error>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var slotsTaken = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    let capacity: Int
    let leaseTimeout: Duration
    private let state = Mutex(State())

    init(capacity: Int, leaseTimeout: Duration) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.capacity = capacity
        self.leaseTimeout = leaseTimeout
    }

    // MARK: Leasing

    /// An idle connection or a free slot; waits (up to `leaseTimeout`) when all are in use.
    func lease() async throws -> Lease {
        enum Immediate { case lease(Lease), wait(UInt64), closed }
        let immediate: Immediate = state.withLock { state in
            if state.isClosed { return .closed }
            if let connection = state.idle.popLast() { return .lease(.connection(connection)) }
            if state.slotsTaken < capacity {
                state.slotsTaken += 1
                return .lease(.slot)
            }
            state.nextWaiterID += 1
            return .wait(state.nextWaiterID)
        }
        switch immediate {
        case .closed: throw Self.closedError
        case .lease(let lease): return lease
        case .wait(let id): return try await wait(id: id)
        }
    }

    private func wait(id: UInt64) async throws -> Lease {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let registered: Bool = state.withLock { state in
                    guard !state.isClosed else { return false }
                    state.waiters.append(Waiter(id: id, continuation: continuation, timer: nil))
                    return true
                }
                guard registered else { return continuation.resume(throwing: Self.closedError) }
                if Task.isCancelled {
                    resumeWaiter(id, throwing: CancellationError())
                    return
                }
                let timeout = leaseTimeout
                let capacity = capacity
                let timer = Task { [weak self] in
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    self?.resumeWaiter(id, throwing: PostgresError(
                        code: .poolTimeout,
                        message: "no database connection became free within \(timeout) (all \(capacity) in use)"))
                }
                state.withLock { state in
                    if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                        state.waiters[index].timer = timer
                    } else {
                        timer.cancel()
                    }
                }
            }
        } onCancel: {
            resumeWaiter(id, throwing: CancellationError())
        }
    }

    /// Removes waiter `id` if it still waits, and fails it.
    private func resumeWaiter(_ id: UInt64, throwing error: any Error) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(throwing: error)
    }

    // MARK: Returning

    /// Gives a healthy connection back: to the first waiter, or to the idle list.
    /// Returns the connection when the pool is closed, for the caller to close.
    func release(_ connection: PostgresConnection) -> PostgresConnection? {
        let (waiter, leftover): (Waiter?, PostgresConnection?) = state.withLock { state in
            if state.isClosed {
                state.slotsTaken -= 1
                return (nil, connection)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), nil) }
            state.idle.append(connection)
            return (nil, nil)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .connection(connection))
        return leftover
    }

    /// Frees the slot of a connection that was closed, or of one that failed to open.
    func releaseSlot() {
        let waiter: Waiter? = state.withLock { state in
            if !state.isClosed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.slotsTaken -= 1
            return nil
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .slot)
    }

    /// Refuses new leases, fails the waiters, and hands back the idle connections to close.
    func close() -> [PostgresConnection] {
        let (idle, waiters): ([PostgresConnection], [Waiter]) = state.withLock { state in
            state.isClosed = true
            defer {
                state.slotsTaken -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(throwing: Self.closedError)
        }
        return idle
    }

    /// Counts for metrics and tests.
    var statistics: (idle: Int, inUse: Int, waiting: Int) {
        state.withLock { ($0.idle.count, $0.slotsTaken - $0.idle.count, $0.waiters.count) }
    }

    private static var closedError: PostgresError {
        PostgresError(code: .poolClosed, message: "the connection pool is closed")
    }
}
