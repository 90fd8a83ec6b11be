@testable import CDTServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The request log (issue 23): a line at `info` for every error and slow request, with its request id;
/// successful requests only at `debug`, unless `log.requests.slow` is 0.
@Suite struct RequestLogTests {
    /// A router with the request log alone: `/ok` answers 200, `/missing` 404, `/broken` throws.
    private func application(_ policy: RequestLogPolicy, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: RequestLogMiddleware(policy))
        router.get("ok") { _, _ in "fine" }
        router.get("missing") { _, _ -> String in throw HTTPError(.notFound) }
        return Application(router: router, logger: logger)
    }

    /// Never slow in a test: no answer takes an hour.
    private let neverSlow = RequestLogPolicy(slowThreshold: .seconds(3600))

    private func lines(_ log: CapturedLog, _ level: String) -> [String] {
        log.text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("\(level) request ") }
    }

    @Test func atInfoASuccessfulRequestWritesNoLineAndAnErrorWritesOneWithItsRequestID() async throws {
        let log = CapturedLog()
        try await application(neverSlow, logger: log.logger(level: .info)).test(.router) { client in
            try await client.execute(uri: "/ok?q=secret", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/missing", method: .get) { #expect($0.status == .notFound) }
        }
        let info = lines(log, "info")
        #expect(info.count == 1, "\(log.text)")
        let line = try #require(info.first)
        #expect(line.contains("hb.request.path=/missing") && line.contains("hb.request.id="), "\(line)")
        #expect(!log.text.contains("/ok"), "\(log.text)")
    }

    @Test func atDebugEveryRequestIsLoggedWithItsStatusAndQueryNamesOnly() async throws {
        let log = CapturedLog()
        try await application(neverSlow, logger: log.logger(level: .debug)).test(.router) { client in
            try await client.execute(uri: "/ok?q=secret&limit=5", method: .get) { #expect($0.status == .ok) }
        }
        let line = try #require(lines(log, "debug").first, "\(log.text)")
        #expect(line.contains("hb.request.path=/ok") && line.contains("hb.response.status=200") && line.contains("elapsed_ms="), "\(line)")
        #expect(line.contains("hb.request.query=q,limit") && !line.contains("secret"), "\(line)")
    }

    @Test func everyRequestAtInfoWhenTheSlowThresholdIsZero() async throws {
        let log = CapturedLog()
        try await application(.everyRequest, logger: log.logger(level: .info)).test(.router) { client in
            try await client.execute(uri: "/ok", method: .get) { #expect($0.status == .ok) }
        }
        #expect(lines(log, "info").count == 1, "\(log.text)")
    }

    @Test func thePolicyRaisesErrorsAndSlowRequestsToInfo() {
        let policy = RequestLogPolicy(slowThreshold: .milliseconds(500))
        #expect(policy.level(status: .ok, elapsed: .milliseconds(499)) == .debug)
        #expect(policy.level(status: .ok, elapsed: .milliseconds(500)) == .info)
        #expect(policy.level(status: .created, elapsed: .zero) == .debug)
        for status in [HTTPResponse.Status.badRequest, .unauthorized, .forbidden, .notFound, .conflict, .internalServerError, .serviceUnavailable] {
            #expect(policy.level(status: status, elapsed: .zero) == .info, "\(status)")
        }
        #expect(RequestLogPolicy.milliseconds(.milliseconds(1234) + .microseconds(999)) == 1234)
    }

    @Test func theSlowThresholdIsASetting() throws {
        #expect(try ServerConfiguration(from: ConfigurationSources(environment: [:])).requestLog == RequestLogPolicy(slowThreshold: .seconds(1)))
        #expect(try ServerConfiguration(from: ConfigurationSources(environment: ["LOG_REQUESTS_SLOW": "250"])).requestLog.slowThreshold == .milliseconds(250))
        #expect(try ServerConfiguration(from: ConfigurationSources(environment: ["LOG_REQUESTS_SLOW": "0"])).requestLog == .everyRequest)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(from: ConfigurationSources(environment: ["LOG_REQUESTS_SLOW": "-1"])) }
    }
}
