import Crypto
import Foundation

/// The form token that protects module pages' forms against cross-site request forgery: an HMAC-SHA256 of a
/// fixed label keyed by the session token. Only someone who holds the session token can compute it, and the
/// browser keeps that token in an `HttpOnly` cookie no page script (let alone another site) can read; the
/// server puts the token into the pages it renders for the session (``CDTModuleKit/HTML/csrfField(_:)``)
/// and a form route accepts a post only when it carries it. Nothing is stored: the token lives and dies
/// with its session.
public enum FormTokens {
    /// The form token of the session whose token is `sessionToken`: 43 characters of base64url.
    public static func token(forSession sessionToken: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("cdt-form-token-v1".utf8), using: SymmetricKey(data: Data(sessionToken.utf8)))
        return Data(code).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether `candidate` is the session's form token, compared in constant time.
    static func matches(_ candidate: String?, sessionToken: String) -> Bool {
        guard let candidate else { return false }
        let expected = Array(token(forSession: sessionToken).utf8), given = Array(candidate.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
