/// A place in one province's event log, in delivery order: the transaction that wrote an event, then
/// its position. The core's schema (`sql/core/0007_modules.sql`) explains why positions alone are not enough.
public struct FeedPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let transactionID: UInt64
    public let position: Int64

    public init(transactionID: UInt64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    /// Before the first event.
    public static let start = FeedPosition(transactionID: 0, position: 0)

    public static func < (lhs: FeedPosition, rhs: FeedPosition) -> Bool {
        (lhs.transactionID, lhs.position) < (rhs.transactionID, rhs.position)
    }

    public var description: String { "\(transactionID)/\(position)" }
}

/// An event as a subscriber receives it: the event, its province and its place in the feed.
public struct FeedEvent: Sendable {
    public let event: DomainEvent
    public let provinceID: ID<AdministrativeUnit>
    public let feedPosition: FeedPosition

    public init(event: DomainEvent, provinceID: ID<AdministrativeUnit>, feedPosition: FeedPosition) {
        self.event = event
        self.provinceID = provinceID
        self.feedPosition = feedPosition
    }
}

