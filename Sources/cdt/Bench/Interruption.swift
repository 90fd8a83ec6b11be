import Dispatch
import Foundation

/// Ctrl-C or SIGTERM during a benchmark cancels its work instead of killing the process at once, so the
/// waits throw and what the command started (the server under test, the embedded cluster) is stopped on
/// the way out (killed outright, it left both running). Written on Dispatch's signal sources: the
/// `UnixSignals` module of swift-service-lifecycle does the same but is not one of its products.
enum Interruption {
    /// Runs `body` in a task that SIGINT and SIGTERM cancel; rethrows what it throws (a cancellation
    /// ends as "interrupted").
    static func cancellable(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let work = Task { try await body() }
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("interrupted: stopping what this command started…\n".utf8))
                work.cancel()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            try await work.value
        } catch where work.isCancelled {
            throw CommandError("interrupted")
        }
    }
}
