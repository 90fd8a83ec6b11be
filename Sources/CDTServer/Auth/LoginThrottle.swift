import Foundation
import Synchronization

/// Counts failed sign-ins per login name and per client address over a sliding window, and says when
/// either has had too many. It is checked before any password is hashed, so a flood of guesses costs
/// the server nothing. Counts live in this process (a restart forgets them).
final class LoginThrottle: Sendable {
    let window: TimeInterval
    let perLogin: Int
    let perAddress: Int
    private let failures = Mutex<[String: [Date]]>([:])

    init(window: TimeInterval = 15 * 60, perLogin: Int = 5, perAddress: Int = 20) {
        self.window = window
        self.perLogin = perLogin
        self.perAddress = perAddress
    }

    /// Whether another attempt for `login` from `address` may be checked now.
    func allows(login: String, address: String, now: Date = Date()) -> Bool {
        failures.withLock { table in
            recent(&table, "login:" + login.lowercased(), now) < perLogin && recent(&table, "address:" + address, now) < perAddress
        }
    }

    func recordFailure(login: String, address: String, now: Date = Date()) {
        failures.withLock { table in
            table["login:" + login.lowercased(), default: []].append(now)
            table["address:" + address, default: []].append(now)
        }
    }

    /// A success clears the login's count (not the address's).
    func recordSuccess(login: String) {
        _ = failures.withLock { $0.removeValue(forKey: "login:" + login.lowercased()) }
    }

    private func recent(_ table: inout [String: [Date]], _ key: String, _ now: Date) -> Int {
        let kept = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
        table[key] = kept.isEmpty ? nil : kept
        return kept.count
    }
}
