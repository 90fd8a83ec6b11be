import CDTDomain
import Foundation
import Synchronization

/// Slows down password guessing with growing delays rather than a hard lock, so that nobody can keep an
/// account locked out by knowing its name. Failures are counted per resolved account, per normalised login
/// (`0912 345 678` and `+84912345678` are one login) and per client address; past a few free failures
/// each further one makes the next attempt on that key wait twice as long, up to a cap, and a success
/// clears the account's and the login's counts. It is checked before any password is hashed.
///
/// Counts live in this process (a restart forgets them) in a table of at most ``maximumKeys`` keys: when
/// it is full, expired keys go first, then those idle longest.
final class LoginThrottle: Sendable {
    /// What one kind of key allows: `free` failures without delay, then `base`, `2 × base`, … up to `cap`.
    struct Rule: Sendable {
        var free: Int
        var base: TimeInterval
        var cap: TimeInterval

        func delay(afterFailures failures: Int) -> TimeInterval {
            guard failures > free else { return 0 }
            return min(cap, base * pow(2, Double(min(failures - free - 1, 30))))
        }
    }

    enum Key: Hashable, Sendable, CustomStringConvertible {
        case account(ID<Account>)
        case login(String)
        case address(String)

        /// `account`, `login` or `address`, for the audit log.
        var kind: String {
            switch self {
            case .account: "account"
            case .login: "login"
            case .address: "address"
            }
        }

        var description: String {
            switch self {
            case .account(let id): "account:\(id)"
            case .login(let login): "login:\(login)"
            case .address(let address): "address:\(address)"
            }
        }
    }

    /// The answer for an attempt that must wait.
    struct Wait: Sendable, Equatable {
        /// Whole seconds until the next attempt may be checked (`Retry-After`).
        var seconds: Int
        /// The key that holds it back.
        var kind: String
        /// When this attempt should be written to the audit log, how many throttled attempts on the key it
        /// stands for (1, 2, 4, 8, …: a flood writes a handful of lines, not one per attempt).
        var auditedAttempts: Int?
    }

    private struct Record {
        var failures = 0
        var last = Date.distantPast
        var throttled = 0
    }

    let window: TimeInterval
    let accountRule: Rule
    let addressRule: Rule
    let maximumKeys: Int
    private let table = Mutex<[Key: Record]>([:])

    init(window: TimeInterval = 15 * 60, accountRule: Rule = Rule(free: 3, base: 1, cap: 5 * 60),
         addressRule: Rule = Rule(free: 20, base: 1, cap: 15 * 60), maximumKeys: Int = 100_000) {
        self.window = window
        self.accountRule = accountRule
        self.addressRule = addressRule
        self.maximumKeys = maximumKeys
    }

    /// The key of a login however it is typed: a phone number in any common form, or a lower-cased name.
    static func normalisedLogin(_ login: String) -> String {
        Member.normalizedPhone(login).map { "phone:" + $0 } ?? "name:" + login.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The keys of an attempt.
    static func keys(login: String, account: ID<Account>?, address: String) -> [Key] {
        [.login(normalisedLogin(login)), .address(address)] + (account.map { [.account($0)] } ?? [])
    }

    /// `nil` when the attempt may be checked now, else how long to wait (and whether to audit it).
    func check(_ keys: [Key], now: Date = Date()) -> Wait? {
        table.withLock { table in
            var longest: (key: Key, until: Date)?
            for key in keys {
                guard let record = live(&table, key, now) else { continue }
                let until = record.last.addingTimeInterval(rule(for: key).delay(afterFailures: record.failures))
                if until > now, until > (longest?.until ?? .distantPast) { longest = (key, until) }
            }
            guard let (key, until) = longest else { return nil }
            table[key]?.throttled += 1
            let throttled = table[key]?.throttled ?? 1
            return Wait(seconds: max(1, Int(until.timeIntervalSince(now).rounded(.up))), kind: key.kind,
                        auditedAttempts: throttled & (throttled - 1) == 0 ? throttled : nil)
        }
    }

    func recordFailure(_ keys: [Key], now: Date = Date()) {
        table.withLock { table in
            for key in keys {
                var record = live(&table, key, now) ?? Record()
                if table[key] == nil { makeRoom(&table, now) }
                record.failures += 1
                record.last = now
                table[key] = record
            }
        }
    }

    /// A success clears the account's and the login's counts (not the address's).
    func recordSuccess(login: String, account: ID<Account>) {
        table.withLock { table in
            table[.login(Self.normalisedLogin(login))] = nil
            table[.account(account)] = nil
        }
    }

    /// How many keys are held, for tests of the bound.
    var keyCount: Int { table.withLock { $0.count } }

    private func rule(for key: Key) -> Rule {
        if case .address = key { return addressRule }
        return accountRule
    }

    /// The key's record unless its last failure is older than the window and any delay it set.
    private func live(_ table: inout [Key: Record], _ key: Key, _ now: Date) -> Record? {
        guard let record = table[key] else { return nil }
        if isExpired(record, key, now) {
            table[key] = nil
            return nil
        }
        return record
    }

    private func isExpired(_ record: Record, _ key: Key, _ now: Date) -> Bool {
        now.timeIntervalSince(record.last) >= max(window, rule(for: key).delay(afterFailures: record.failures))
    }

    private func makeRoom(_ table: inout [Key: Record], _ now: Date) {
        guard table.count >= maximumKeys else { return }
        table = table.filter { !isExpired($0.value, $0.key, now) }
        guard table.count >= maximumKeys else { return }
        // Still full of live keys: forget the tenth idle longest.
        let oldest = table.sorted { $0.value.last < $1.value.last }.prefix(max(1, maximumKeys / 10)).map(\.key)
        for key in oldest { table[key] = nil }
    }
}
