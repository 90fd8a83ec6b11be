import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The thread of one pooled connection, and a Swift task executor on it.
///
/// libpq's calls block, so they never run on Swift's cooperative pool. Handing every statement to another
/// thread and back costs two thread wake-ups a statement (the profile in docs/benchmarks.md put half of the
/// server's CPU in the kernel, switching threads). Instead, a lease runs its whole body on its connection's
/// thread (``PostgresClient/withConnection(isolation:_:)`` sets this executor as the task's preference), and
/// a statement issued from that thread runs right there: a lease costs two hand-offs, however many
/// statements it runs. Work arriving from another thread is queued here like a job.
///
/// The thread runs one thing at a time: the body's Swift code between statements, and the statements. A
/// connection serves one lease at a time, so nothing else waits for it.
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    private enum Work: @unchecked Sendable {
        case job(UnownedJob)
        /// Resumes a continuation; it is only ever run once, by one thread.
        case call(() -> Void)
    }

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var queue: [Work] = []
    private var stopping = false
    private var exited = false
    /// Written once, before `init` returns.
    private var threadID = pthread_t()

    init(name: String) {
        let started = DispatchSemaphore(value: 0)
        // The thread keeps its executor alive until ``stop()`` ends it.
        let thread = Thread { [self] in
            threadID = pthread_self()
            started.signal()
            runLoop()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        started.wait()
    }

    /// Whether the caller runs on this thread, so a blocking call may run in place.
    var isCurrent: Bool { pthread_equal(pthread_self(), threadID) != 0 }

    // MARK: Executor

    func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }

    /// Runs blocking `work` on this thread and waits for it, whether or not the calling task is cancelled
    /// (rollbacks and closing must run regardless). In place when already on this thread.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        if isCurrent { return try work() }
        return try await withCheckedThrowingContinuation { continuation in
            push(.call { continuation.resume(with: Result { try work() }) })
        }
    }

    /// Lets the thread finish what is queued, then end. Work arriving afterwards still runs, on a thread of
    /// its own: a task whose preference is this executor must never be stranded.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func push(_ work: Work) {
        condition.lock()
        guard !exited else {
            condition.unlock()
            // A late resumption after the thread ended runs on a thread of its own.
            Thread { [self] in perform(work, on: asUnownedTaskExecutor()) }.start()
            return
        }
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                exited = true
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            for work in batch { perform(work, on: executor) }
        }
    }

    private func perform(_ work: Work, on executor: UnownedTaskExecutor) {
        switch work {
        case .job(let job): job.runSynchronously(on: executor)
        case .call(let call): call()
        }
    }
}
