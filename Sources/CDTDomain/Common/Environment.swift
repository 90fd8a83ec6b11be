public import Foundation

/// The clock the domain reads "now" from. Injected so tests are deterministic.
public typealias Clock = @Sendable () -> Date

/// Generates identifiers for new entities. Injected so tests are deterministic.
public typealias UUIDGenerator = @Sendable () -> UUID

/// What the domain needs from the outside world that is not storage: time and fresh ids.
public struct DomainEnvironment: Sendable {
    /// The current time.
    public var now: Clock
    /// A source of fresh ids.
    public var makeUUID: UUIDGenerator

    /// - Parameters:
    ///   - now: the clock; the system clock by default.
    ///   - makeUUID: the id generator; random UUIDs by default.
    public init(now: @escaping Clock = { Date() }, makeUUID: @escaping UUIDGenerator = { UUID() }) {
        self.now = now
        self.makeUUID = makeUUID
    }

    /// The real world: system clock and random ids.
    public static let live = DomainEnvironment()
}
