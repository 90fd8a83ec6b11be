#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address the server is to listen on could not be taken: another process holds it, or it is not
/// an address of this machine. Said in one line, before anything else starts.
public struct ListenAddressUnavailable: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let reason: String

    public var description: String { "cannot listen on \(host):\(port): \(reason)" }
}

/// Checks that the server can listen where it is told to, before it starts a cluster, migrates, or
/// delivers anything to modules: a second `cdt serve` on a taken port stops at once with one line.
public enum ListenAddress {
    /// Binds a socket to `host:port` and lets it go; throws ``ListenAddressUnavailable`` when that fails.
    /// Port 0 (any free port) always passes.
    public static func requireAvailable(host: String, port: Int) throws(ListenAddressUnavailable) {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let found = getaddrinfo(host, String(port), &hints, &list)
        guard found == 0, let first = list else {
            throw ListenAddressUnavailable(host: host, port: port, reason: "the host cannot be resolved (\(String(cString: gai_strerror(found))))")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { return }  // no socket to test with: let the server's own bind decide
        defer { close(descriptor) }
        var on: Int32 = 1
        // As the server's own socket does, so a port in TIME_WAIT from a previous run is not mistaken for taken.
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            let reason = code == EADDRINUSE ? "the address is in use (is another server running?)" : String(cString: strerror(code))
            throw ListenAddressUnavailable(host: host, port: port, reason: reason)
        }
    }
}
