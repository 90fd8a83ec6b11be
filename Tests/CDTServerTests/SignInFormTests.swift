import Testing
@testable import CDTServer

@Suite struct SignInFormTests {
    @Test func formFieldsDecodeOrRefuse() {
        #expect(SignInPage.formFields("login=ha+noi&password=m%E1%BB%99t") == ["login": "ha noi", "password": "một"])
        #expect(SignInPage.formFields("login=a b&password=x") == ["login": "a b", "password": "x"])
        #expect(SignInPage.formFields("login=%zz") == nil)
        #expect(SignInPage.formFields("") == [:])
    }

    /// After signing in the browser only goes to a path of this server's API.
    @Test func nextStaysOnThisServer() {
        #expect(SignInPage.safeNext("/api/v1/modules/coverage/dashboard?lang=en") == "/api/v1/modules/coverage/dashboard?lang=en")
        for outside in ["https://evil.example", "//evil.example/api/v1/", "/api/v1//evil", "/\\evil", "/api/v1/x\r\nSet-Cookie: a=b", nil] {
            #expect(SignInPage.safeNext(outside) == "/api/v1/auth/me")
        }
    }
}
