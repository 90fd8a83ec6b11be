import NIOPosix

extension NIOThreadPool {
    /// Runs blocking work on the pool and waits for it, whether or not the calling task is cancelled.
    ///
    /// `runIfActive` skips queued work when the task is cancelled; rollbacks, health checks and closing a
    /// connection must run regardless, or a cancelled request would leak its connection or its slot.
    /// Cancellation of statements goes through `PQcancel` instead.
    func runBlocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            submit { state in
                guard case .active = state else {
                    return continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the client is closed"))
                }
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
