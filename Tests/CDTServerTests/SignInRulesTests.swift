import CDTDomain
import Foundation
import Testing
@testable import CDTServer

/// The pieces of sign-in that need no database: TOTP and base32 against their RFCs' vectors, sealing,
/// the throttle's delays, keys and bound, trusted proxies, and the configuration keys.
@Suite struct SignInRulesTests {
    @Test func base32FollowsRFC4648() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
            #expect(Base32.decode(encoded.lowercased() + "======") == Array(plain.utf8))
        }
        #expect(Base32.decode("MZ1W") == nil)  // 1 is not in the alphabet
    }

    @Test func totpCodesFollowRFC6238() {
        let key = Array("12345678901234567890".utf8)
        // RFC 6238 appendix B, SHA-1, last 6 of the 8 digits.
        for (time, code) in [(59.0, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            #expect(TOTPCodes.code(key: key, step: TOTPCodes.step(at: Date(timeIntervalSince1970: time))) == code)
        }
        let at = Date(timeIntervalSince1970: 1_111_111_109)
        #expect(TOTPCodes.matchingStep("081804", key: key, at: at) == TOTPCodes.step(at: at))
        #expect(TOTPCodes.matchingStep("081804", key: key, at: at.addingTimeInterval(30)) == TOTPCodes.step(at: at))
        #expect(TOTPCodes.matchingStep("081804", key: key, at: at.addingTimeInterval(90)) == nil)
        #expect(TOTPCodes.matchingStep("08180x", key: key, at: at) == nil)
    }

    /// 160-bit keys shown as valid base32 that an authenticator (which decodes the base32) agrees with.
    @Test func newSecretsAre160BitsAndTheirBase32IsTheKey() {
        let key = TwoFactorSecrets.makeKey()
        #expect(key.count == 20)
        let shown = Base32.encode(key)
        #expect(shown.count == 32 && shown.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        #expect(TwoFactorCodes.code(secret: shown, at: Date(timeIntervalSince1970: 1000)) == TOTPCodes.code(key: key, step: 33))
        #expect(TwoFactorSecrets.makeKey() != key)
    }

    @Test func secretsAreSealedAndOnlyTheRightKeyOpensThem() throws {
        let secrets = try #require(TwoFactorSecrets(base64Key: TwoFactorSecrets.makeKeyText()))
        let key = TwoFactorSecrets.makeKey()
        let sealed = try secrets.seal(key)
        #expect(sealed.hasPrefix("v1:") && !sealed.contains(Base32.encode(key)))
        #expect(try secrets.open(sealed) == key)
        #expect(try secrets.seal(key) != sealed)  // a fresh nonce each time
        let other = try #require(TwoFactorSecrets(base64Key: TwoFactorSecrets.makeKeyText()))
        #expect(throws: (any Error).self) { try other.open(sealed) }
        // A secret stored in clear by an older version: its UTF-8 bytes are the key.
        #expect(try secrets.open("ABCDEFGHJKLMNPQRSTUV") == Array("ABCDEFGHJKLMNPQRSTUV".utf8))
        #expect(TwoFactorSecrets.isInClear("ABCDEFGHJKLMNPQRSTUV") && !TwoFactorSecrets.isInClear(sealed))
    }

    @Test func theKeptKeyIsMadeOnceWithMode0600() throws {
        let folder = NSTemporaryDirectory() + "cdt-key-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/secret.key"
        let first = try TwoFactorSecrets.keptKey(at: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try TwoFactorSecrets.keptKey(at: path)
        let sealed = try TwoFactorSecrets(key: first).seal([1, 2, 3])
        #expect(try TwoFactorSecrets(key: again).open(sealed) == [1, 2, 3])
        try "not a key".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try TwoFactorSecrets.keptKey(at: path) }
    }

    @Test func recoveryCodesAreTenDistinctAndHashedHoweverTyped() {
        let codes = RecoveryCodes.make()
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 11 && RecoveryCodes.looksLikeRecoveryCode($0) })
        #expect(RecoveryCodes.hash(codes[0]) == RecoveryCodes.hash(codes[0].lowercased().replacingOccurrences(of: "-", with: " ")))
        #expect(!RecoveryCodes.looksLikeRecoveryCode("123456"))
    }

    // MARK: Throttle

    private let id = ID<Account>()

    /// A phone number typed in different forms is one login.
    @Test func phoneLoginsInAnyFormShareOneKey() {
        #expect(LoginThrottle.normalisedLogin("0912 345 678") == LoginThrottle.normalisedLogin("+84912345678"))
        #expect(LoginThrottle.normalisedLogin("0912.345.678") == LoginThrottle.normalisedLogin("84912345678"))
        #expect(LoginThrottle.normalisedLogin(" Admin ") == LoginThrottle.normalisedLogin("admin"))
        let throttle = LoginThrottle()
        let now = Date()
        for (index, form) in ["0912 345 678", "+84912345678", "0912-345-678", "84912345678"].enumerated() {
            throttle.recordFailure(LoginThrottle.keys(login: form, account: nil, address: "10.0.0.\(index)"), now: now)
        }
        #expect(throttle.check(LoginThrottle.keys(login: "0912345678", account: nil, address: "10.0.0.9"), now: now)?.kind == "login")
    }

    /// Delays grow after a few free failures, are capped, say how long to wait, and end; a success clears them.
    @Test func failuresMakeGrowingDelaysNotALock() {
        let throttle = LoginThrottle()
        let keys = LoginThrottle.keys(login: "admin", account: id, address: "203.0.113.7")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for second in 0..<3 { throttle.recordFailure(keys, now: start.addingTimeInterval(Double(second))) }
        #expect(throttle.check(keys, now: start.addingTimeInterval(3)) == nil)  // three free failures
        throttle.recordFailure(keys, now: start.addingTimeInterval(3))
        #expect(throttle.check(keys, now: start.addingTimeInterval(3.2))?.seconds == 1)
        #expect(throttle.check(keys, now: start.addingTimeInterval(4.1)) == nil)
        throttle.recordFailure(keys, now: start.addingTimeInterval(5))
        #expect(throttle.check(keys, now: start.addingTimeInterval(5.5))?.seconds == 2)
        // A guesser who waits out every delay: the delays double up to five minutes, never more.
        var at = start.addingTimeInterval(10)
        var waits: [Int] = []
        for _ in 0..<20 {
            throttle.recordFailure(keys, now: at)
            let wait = throttle.check(keys, now: at)?.seconds ?? 0
            waits.append(wait)
            at += Double(wait)
        }
        #expect(waits.prefix(9) == [4, 8, 16, 32, 64, 128, 256, 300, 300] && waits.max() == 300)
        #expect(throttle.check(keys, now: at.addingTimeInterval(-1)) != nil)
        #expect(throttle.check(keys, now: at) == nil)  // the owner gets a turn after each wait
        // A success clears the account's and the login's counts.
        throttle.recordSuccess(login: "ADMIN", account: id)
        let elsewhere = LoginThrottle.keys(login: "admin", account: id, address: "203.0.113.8")
        throttle.recordFailure(elsewhere, now: at)
        #expect(throttle.check(elsewhere, now: at) == nil)
    }

    /// A flood of throttled attempts is audited at the 1st, 2nd, 4th, 8th, …: a handful of lines.
    @Test func throttledAttemptsAreAuditedInPowersOfTwo() {
        let throttle = LoginThrottle()
        let keys = LoginThrottle.keys(login: "admin", account: id, address: "203.0.113.7")
        let now = Date()
        for _ in 0..<10 { throttle.recordFailure(keys, now: now) }
        let audited = (0..<1000).compactMap { _ in throttle.check(keys, now: now)?.auditedAttempts }
        #expect(audited == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
    }

    /// Many addresses share a proxy's: each client has its own count, not the proxy's.
    @Test func addressesHaveTheirOwnCounts() {
        let throttle = LoginThrottle()
        let now = Date()
        for index in 0..<25 { throttle.recordFailure(LoginThrottle.keys(login: "u\(index)", account: nil, address: "198.51.100.1"), now: now) }
        #expect(throttle.check(LoginThrottle.keys(login: "someone", account: nil, address: "198.51.100.1"), now: now)?.kind == "address")
        #expect(throttle.check(LoginThrottle.keys(login: "someone", account: nil, address: "198.51.100.2"), now: now) == nil)
    }

    @Test func theThrottleHoldsAtMostItsBoundOfKeys() {
        let throttle = LoginThrottle(maximumKeys: 100)
        let now = Date()
        for index in 0..<1000 { throttle.recordFailure([.login("name:u\(index)")], now: now.addingTimeInterval(Double(index))) }
        #expect(throttle.keyCount <= 100)
        // The newest are kept.
        for _ in 0..<4 { throttle.recordFailure([.login("name:u999")], now: now.addingTimeInterval(999)) }
        #expect(throttle.check([.login("name:u999")], now: now.addingTimeInterval(999)) != nil)
    }

    // MARK: Proxies and configuration

    @Test func forwardedHeadersCountOnlyFromTrustedProxies() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8, ::1")
        #expect(proxies.trusts("10.200.3.4") && proxies.trusts("::ffff:127.0.0.1") && proxies.trusts("::1"))
        #expect(!proxies.trusts("11.0.0.1") && !proxies.trusts("not an address"))
        #expect(throws: ConfigurationError.self) { try TrustedProxies(parsing: "10.0.0.0/33") }
        #expect(throws: ConfigurationError.self) { try TrustedProxies(parsing: "proxy.example") }
    }

    @Test func theConfigurationReadsProxiesSecretKeyAndIdleTimeout() throws {
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        let configuration = try ServerConfiguration(from: ConfigurationSources(environment: [
            "HTTP_TRUSTED_PROXIES": "127.0.0.1", "CDT_SECRET_KEY": key, "SESSION_IDLE_TIMEOUT": "900"]))
        #expect(configuration.trustedProxies.trusts("127.0.0.1") && !configuration.trustedProxies.trusts("127.0.0.2"))
        #expect(configuration.secretKey == key && configuration.sessionIdleTimeoutSeconds == 900)
        #expect(ServerConfiguration().sessionIdleTimeoutSeconds == 3600 && ServerConfiguration().trustedProxies == .none)
        for (name, value) in [("CDT_SECRET_KEY", "c2hvcnQ="), ("HTTP_TRUSTED_PROXIES", "a.b.c.d"), ("SESSION_IDLE_TIMEOUT", "5")] {
            #expect(throws: ConfigurationError.self) { try ServerConfiguration(from: ConfigurationSources(environment: [name: value])) }
        }
    }

    /// A username that could be read as a phone number would make a login ambiguous.
    @Test func usernamesThatLookLikePhoneNumbersAreRefused() {
        for username in ["0912345678", "84912345678", "0912.345.678", "12345"] {
            var check = Validator()
            Account.validate(username: username, phone: nil, displayName: "A", password: "long enough password", into: &check)
            #expect(check.violations.map(\.field) == ["username"], "\(username)")
        }
        var check = Validator()
        Account.validate(username: "nguyen-van-a.1990", phone: nil, displayName: "A", password: "long enough password", into: &check)
        #expect(check.violations.isEmpty)
    }
}
