public import Foundation

/// What signing in and sessions need from the configuration.
public struct SignInSettings: Sendable {
    /// The reverse proxies whose forwarded headers are believed.
    public var trustedProxies: TrustedProxies
    /// The key two-factor secrets are sealed with.
    public var secrets: TwoFactorSecrets
    /// How long a session may go unused before it ends.
    public var idleTimeout: TimeInterval

    /// - Parameter secrets: by default a key for this process only (tests); the server passes the configured one.
    public init(trustedProxies: TrustedProxies = .none, secrets: TwoFactorSecrets = .ephemeral, idleTimeout: TimeInterval = 3600) {
        self.trustedProxies = trustedProxies
        self.secrets = secrets
        self.idleTimeout = idleTimeout
    }

    /// The settings of `configuration`, with the secret key from `secret.key` or, without it, the one kept
    /// in `<data.dir>/secret.key` (made, mode 0600, on first use).
    /// - Throws: when the key file cannot be read or made.
    public init(configuration: ServerConfiguration) throws {
        let key = try configuration.secretKey.flatMap(TwoFactorSecrets.key(base64:))
            ?? TwoFactorSecrets.keptKey(at: configuration.dataDirectory + "/secret.key")
        self.init(trustedProxies: configuration.trustedProxies, secrets: TwoFactorSecrets(key: key),
                  idleTimeout: TimeInterval(configuration.sessionIdleTimeoutSeconds))
    }
}
