import CLibPQ
import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A notification delivered by `LISTEN`/`NOTIFY`.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload text ("" when none was given).
    public var payload: String
    /// True for the one synthetic notification delivered per channel after the listener reconnected:
    /// notifications sent while it was disconnected are lost, so consumers should re-check their state.
    public var isReconnect: Bool
}

/// Listens on channels over a dedicated connection (not from the pool), on a thread of its own.
///
/// ```swift
/// let stream = PostgresListener.listen(conninfo: url, channels: ["cdt_events"], logger: logger)
/// for await notification in stream { await dispatcher.wake() }
/// ```
/// When the connection breaks, it reconnects with back-off and delivers an `isReconnect` notification.
/// Ending the iteration (or cancelling the task iterating) stops the thread and closes the connection.
///
/// `onConnectionChange`, when given, is called on the listener's thread with `true` once it listens on
/// every channel and with `false` once that connection is gone: for consumers that must know whether
/// they can hear notifications right now (a cache that is safe only while it hears every change).
public enum PostgresListener {
    public static func listen(conninfo: String, channels: [String], logger: Logger,
                              onConnectionChange: (@Sendable (Bool) -> Void)? = nil) -> AsyncStream<PostgresNotification> {
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresNotification.self, bufferingPolicy: .bufferingNewest(10_000))
        let stopped = Mutex(false)
        continuation.onTermination = { _ in stopped.withLock { $0 = true } }
        let thread = Thread {
            ListenLoop(conninfo: conninfo, channels: channels, logger: logger, continuation: continuation, isStopped: { stopped.withLock { $0 } },
                       onConnectionChange: onConnectionChange).run()
        }
        thread.name = "cdt-postgres-listen"
        thread.start()
        return stream
    }
}

/// The body of the listener thread.
private struct ListenLoop {
    let conninfo: String
    let channels: [String]
    let logger: Logger
    let continuation: AsyncStream<PostgresNotification>.Continuation
    let isStopped: @Sendable () -> Bool
    let onConnectionChange: (@Sendable (Bool) -> Void)?

    func run() {
        var connectedBefore = false
        var backoff = 0.1
        while !isStopped() {
            guard let connection = try? PostgresConnection.connect(conninfo: conninfo, connectTimeoutSeconds: 5) else {
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
                continue
            }
            defer { connection.close() }
            do {
                for channel in channels {
                    try connection.executeSimple("LISTEN \(PostgresQuery.quoteIdentifier(channel))")
                }
            } catch {
                logger.warning("LISTEN failed, retrying", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: backoff)
                continue
            }
            backoff = 0.1
            onConnectionChange?(true)
            if connectedBefore {
                logger.info("listener reconnected", metadata: ["channels": "\(channels)"])
                for channel in channels {
                    continuation.yield(PostgresNotification(channel: channel, payload: "", isReconnect: true))
                }
            }
            connectedBefore = true
            pump(connection)
            onConnectionChange?(false)
        }
        continuation.finish()
    }

    /// Waits for input (up to 250 ms at a time, to notice a stop) and delivers notifications until the
    /// connection breaks or the listener is stopped.
    private func pump(_ connection: PostgresConnection) {
        guard let handle = connection.rawHandle else { return }
        while !isStopped() {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 250)
            if ready < 0, errno != EINTR { return }
            if ready > 0 {
                guard PQconsumeInput(handle) == 1 else { return }
            }
            while let raw = PQnotifies(handle) {
                let notification = PostgresNotification(
                    channel: String(cString: raw.pointee.relname),
                    payload: String(cString: raw.pointee.extra),
                    isReconnect: false)
                PQfreemem(raw)
                continuation.yield(notification)
            }
            if PQstatus(handle) != CONNECTION_OK { return }
        }
    }
}
