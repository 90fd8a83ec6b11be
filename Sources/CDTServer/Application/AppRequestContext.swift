public import Foundation
public import Hummingbird
public import NIOCore

/// The request context every route of the platform receives.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, set by the ``AccessCheckpoint`` before the handler runs (`nil` on public routes).
    public var caller: Caller?

    /// The client's socket address (`nil` in router tests).
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies up to 4 MiB (a batch of 1,000 events); routes set lower limits of their own, and larger
    /// uploads are refused with 413.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }

    /// JSON with keys sorted and slashes left as they are (paths and URLs stay readable).
    public var responseEncoder: JSONEncoder { Self.encoder }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
