public import HTTPTypes
public import Logging

/// Which answered requests the request log writes at `info` (see `RequestLogMiddleware`): errors (a 4xx or
/// 5xx status) and requests that took at least ``slowThreshold``. Every other request is logged at
/// `debug`, so under load a server at the default `log.level` (`info`) writes no line for it; with
/// `log.level` `debug` every request is logged again.
///
/// Set by `log.requests.slow` (milliseconds; `0` logs every request at `info`, as before this setting).
public struct RequestLogPolicy: Sendable, Equatable {
    /// A request that takes at least this long is logged at `info` whatever its status.
    public var slowThreshold: Duration

    public init(slowThreshold: Duration = RequestLogPolicy.defaultSlowThreshold) {
        self.slowThreshold = slowThreshold
    }

    /// One second.
    public static let defaultSlowThreshold = Duration.milliseconds(1000)
    /// Every request at `info`.
    public static let everyRequest = RequestLogPolicy(slowThreshold: .zero)

    /// The level of the line for a request answered with `status` after `elapsed`.
    public func level(status: HTTPResponse.Status, elapsed: Duration) -> Logger.Level {
        status.code >= 400 || elapsed >= slowThreshold ? .info : .debug
    }

    /// `elapsed` in whole milliseconds, rounded down.
    static func milliseconds(_ elapsed: Duration) -> Int64 {
        elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
