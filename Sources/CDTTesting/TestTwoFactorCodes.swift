import CDTServer
import Foundation
import Synchronization

/// Two-factor codes for test accounts that sign in several times. The server takes a code once (its
/// 30-second step must be later than the last one used) and accepts the step after the current one too,
/// so this hands out, per account, the current step or the next one if not used yet, and waits for the
/// next step when both are.
public enum TestTwoFactorCodes {
    private static let lastStep = Mutex<[String: Int64]>([:])

    /// A code for `secret` (base32) that the account `login` has not used yet.
    public static func next(for login: String, secret: String) async -> String {
        while true {
            let now = TOTPCodes.step(at: Date())
            let step: Int64? = lastStep.withLock { used in
                let candidate = max(now, (used[login] ?? .min) + 1)
                guard candidate <= now + 1 else { return nil }
                used[login] = candidate
                return candidate
            }
            if let step { return TOTPCodes.code(key: Base32.decode(secret) ?? [], step: step) }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
