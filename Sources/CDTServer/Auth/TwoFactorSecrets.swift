public import Crypto
public import Foundation

/// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) over a raw key, as authenticator apps compute it.
public enum TOTPCodes {
    public static let stepSeconds: Int64 = 30

    /// The 30-second step `date` falls in.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(stepSeconds)).rounded(.down))
    }

    /// The 6-digit code of `key` at `step`.
    public static func code(key: [UInt8], step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        return String(value % 1_000_000).leftPadded(to: 6)
    }

    /// The step among the current one and its two neighbours whose code `code` is, if any.
    public static func matchingStep(_ code: String, key: [UInt8], at date: Date = Date()) -> Int64? {
        let now = step(at: date)
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return [now - 1, now, now + 1].first { self.code(key: key, step: $0) == code }
    }
}

/// RFC 4648 base32 (upper case, without padding), the form authenticator apps take a secret in.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return output
    }

    /// The bytes of `text` (case, spaces and padding ignored); `nil` when a character is not base32.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for character in text.uppercased() where character != " " && character != "=" {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }
}

/// Two-factor keys sealed at rest: AES-GCM under the server's secret key (`secret.key`, `CDT_SECRET_KEY`,
/// or `<data.dir>/secret.key`; see docs/configuration.md). What is stored is `v1:` and the base64 of the
/// nonce, ciphertext and tag; a value without the prefix is a key stored in clear by an older version
/// (its UTF-8 bytes are the key), read as such and sealed again at the next sign-in.
public struct TwoFactorSecrets: Sendable {
    /// The key's bytes (`SymmetricKey` is not `Sendable`).
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// - Parameter key: 32 bytes.
    public init(key: SymmetricKey) {
        self.keyBytes = key.withUnsafeBytes { Data($0) }
    }

    /// With a key given as base64 of 32 bytes (`secret.key`); `nil` when it is not one.
    public init?(base64Key text: String) {
        guard let key = Self.key(base64: text) else { return nil }
        self.init(key: key)
    }

    /// A new random key as base64 of 32 bytes, the form `secret.key` and `CDT_SECRET_KEY` take.
    public static func makeKeyText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// A key made for this process only, for tests and tools that build the app in process: a secret sealed
    /// with it cannot be read after a restart.
    public static let ephemeral = TwoFactorSecrets(key: SymmetricKey(size: .bits256))

    /// 20 random bytes (160 bits, RFC 4226's recommended length).
    public static func makeKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public func seal(_ totpKey: [UInt8]) throws -> String {
        guard let combined = try AES.GCM.seal(totpKey, using: key).combined else { throw SealingError() }
        return "v1:" + combined.base64EncodedString()
    }

    /// The raw key of a stored value.
    /// - Throws: when the value was sealed under another secret key, or is damaged.
    public func open(_ stored: String) throws -> [UInt8] {
        guard stored.hasPrefix("v1:") else { return Array(stored.utf8) }
        guard let data = Data(base64Encoded: String(stored.dropFirst(3))) else { throw SealingError() }
        return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key))
    }

    /// Whether `stored` is still in clear (stored by a version before sealing).
    public static func isInClear(_ stored: String) -> Bool { !stored.hasPrefix("v1:") }

    struct SealingError: Error, CustomStringConvertible {
        var description: String { "a two-factor secret could not be sealed or opened (was the secret key changed?)" }
    }

    /// Reads a base64 32-byte key, as `secret.key` / `CDT_SECRET_KEY` give it.
    public static func key(base64 text: String) -> SymmetricKey? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }

    /// The key kept in `path`, made (32 random bytes, base64, mode 0600) when the file does not exist yet.
    /// - Throws: when the file cannot be read or written, or holds no valid key.
    public static func keptKey(at path: String) throws -> SymmetricKey {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            let folder = (path as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let text = makeKeyText() + "\n"
            guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw KeyFileError(path: path, problem: "could not be created")
            }
        }
        guard let data = manager.contents(atPath: path), let key = key(base64: String(decoding: data, as: UTF8.self)) else {
            throw KeyFileError(path: path, problem: "does not hold a base64 32-byte key")
        }
        return key
    }

    struct KeyFileError: Error, CustomStringConvertible {
        let path: String
        let problem: String
        var description: String { "the secret key file \(path) \(problem)" }
    }
}

/// Single-use recovery codes for two-factor sign-in: ten codes of ten base32 characters (50 bits each),
/// shown once as `xxxxx-xxxxx`; only their SHA-256 is stored.
public enum RecoveryCodes {
    public static let count = 10

    public static func make() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let characters = (0..<10).map { _ in Base32.alphabet.randomElement(using: &generator)! }
            return String(characters[..<5]) + "-" + String(characters[5...])
        }
    }

    /// The hash stored for a code, however it was typed (case, spaces and dashes ignored).
    public static func hash(_ code: String) -> Data {
        let normalised = code.uppercased().filter { $0 != "-" && $0 != " " }
        return Data(SHA256.hash(data: Data(normalised.utf8)))
    }

    /// Whether `text` has the shape of a recovery code rather than of a TOTP code.
    public static func looksLikeRecoveryCode(_ text: String) -> Bool {
        text.uppercased().filter { $0 != "-" && $0 != " " }.count == 10
    }
}

extension String {
    /// The text with zeros before it up to `width` characters (a one-time code keeps its leading zeros).
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
