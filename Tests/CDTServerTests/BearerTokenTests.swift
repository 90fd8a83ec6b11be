@testable import CDTServer
import Hummingbird
import Testing

/// `Authorization: Bearer <token>` is read as bytes: the scheme in any case, the token without the spaces
/// and tabs around it, nothing for another scheme, an empty token or one over 200 bytes.
@Suite struct BearerTokenTests {
    func token(_ header: String?) -> String? {
        var fields = HTTPFields()
        if let header { fields[.authorization] = header }
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/api/v1/events", headerFields: fields),
                              body: RequestBody(buffer: ByteBuffer()))
        return SessionPolicy.bearerToken(request)
    }

    @Test func theSchemeInAnyCaseAndTheTokenWithoutBlanksAround() {
        #expect(token("Bearer abc.DEF-123") == "abc.DEF-123")
        #expect(token("bearer abc") == "abc")
        #expect(token("BEARER abc") == "abc")
        #expect(token("bEaReR \t abc \t") == "abc")
        #expect(token("Bearer a b") == "a b")
        #expect(token("Bearer " + String(repeating: "x", count: 200)) == String(repeating: "x", count: 200))
    }

    @Test func nothingForAnotherSchemeAnEmptyOrOverlongToken() {
        #expect(token(nil) == nil)
        #expect(token("Basic dXNlcjpwYXNz") == nil)
        #expect(token("Bearer") == nil)
        #expect(token("Bearer ") == nil)
        #expect(token("Bearer \t  ") == nil)
        #expect(token("Bearerabc") == nil)
        #expect(token("Bearer\tabc") == nil)
        #expect(token("Bearer " + String(repeating: "x", count: 201)) == nil)
        #expect(token("Bearer " + String(repeating: "ệ", count: 70)) == nil)
    }
}
