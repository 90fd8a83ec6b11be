import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import Hummingbird

/// The reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` the server believes
/// (`http.trusted.proxies`, addresses or CIDR ranges; none by default). From any other peer those headers
/// are ignored: the client is the socket's peer and the request is HTTPS only if it came over TLS.
public struct TrustedProxies: Sendable, Equatable {
    /// One address or range, as bytes (4 for IPv4, 16 for IPv6) and a prefix length.
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for (a, b) in zip(address, bytes) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let ranges: [Range]

    /// No proxy is trusted.
    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Parses `127.0.0.1, 10.0.0.0/8, ::1`.
    /// - Throws: ``ConfigurationError`` naming the entry that is neither an address nor a range.
    public init(parsing text: String) throws {
        var ranges: [Range] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else {
                throw ConfigurationError("http.trusted.proxies: '\(entry)' is not an IP address or CIDR range")
            }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else {
                throw ConfigurationError("http.trusted.proxies: '\(entry)' has a prefix length outside 0...\(bytes.count * 8)")
            }
            ranges.append(Range(bytes: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    /// Whether `address` (text) is one of the trusted proxies.
    public func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the socket's peer, or, when the peer is a trusted proxy, the right-most
    /// address of `X-Forwarded-For` that is not itself a trusted proxy.
    public func clientAddress(_ request: Request, peer: String?) -> String {
        guard let peer else { return "local" }
        guard trusts(peer) else { return peer }
        let hops = request.headers[values: .init("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard Self.bytes(of: hop) != nil else { return peer }  // a malformed hop: believe no further
            if !trusts(hop) { return hop }
        }
        return hops.first ?? peer
    }

    /// Whether the request reached us over HTTPS: TLS on our socket, or a trusted proxy says so.
    public func isHTTPS(_ request: Request, peer: String?) -> Bool {
        if request.uri.scheme == .https { return true }
        guard let peer, trusts(peer), let proto = request.headers[.init("X-Forwarded-Proto")!] else { return false }
        return proto.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, address, &v4) == 1 { return v4 }
        var bytes = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, address, &bytes) == 1 {
            // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) is that IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return Array(bytes[12...]) }
            return bytes
        }
        return nil
    }
}
