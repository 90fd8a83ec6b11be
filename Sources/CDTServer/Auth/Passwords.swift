import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt, run on NIO's blocking thread pool: at the standard cost of 12 a hash takes a quarter of a
/// second of CPU and must not hold a thread of Swift's cooperative pool.
///
/// The cost is process-wide. Servers keep ``standardCost``; a test process lowers it with
/// ``useCost(_:)`` (the test kit does), since hundreds of accounts signing in at once on two cores
/// would otherwise queue for tens of seconds. A stored hash names its own cost, so hashes made at any
/// cost keep verifying.
public enum Passwords {
    /// The cost a server hashes with.
    public static let standardCost: UInt8 = 12

    private static let state = Mutex<(cost: UInt8, decoys: [UInt8: String])>((standardCost, [:]))

    /// The cost new hashes are made with.
    public static var cost: UInt8 { state.withLock { $0.cost } }

    /// Makes new hashes at `cost` (bcrypt accepts 4 to 31) in this process from now on.
    public static func useCost(_ cost: UInt8) {
        precondition((4...31).contains(cost), "bcrypt's cost is between 4 and 31")
        state.withLock { $0.cost = cost }
    }

    static func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of no one's password at the current cost, verified when the login names no account so
    /// that the answer takes as long as for a real one.
    static var decoy: String {
        let cost = self.cost
        if let made = state.withLock({ $0.decoys[cost] }) { return made }
        let made = Bcrypt.hash("no account has this password, ever", cost: cost)
        state.withLock { $0.decoys[cost] = made }
        return made
    }
}
