import HummingbirdBcrypt
import NIOPosix

/// bcrypt at cost 12, run on NIO's blocking thread pool: a hash takes a quarter of a second of CPU and
/// must not hold a thread of Swift's cooperative pool.
enum Passwords {
    static let cost: UInt8 = 12

    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of no one's password, verified when the login names no account so that the answer takes
    /// as long as for a real one.
    static let decoy = Bcrypt.hash("no account has this password, ever", cost: cost)
}
