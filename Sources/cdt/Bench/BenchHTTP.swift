import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client over loopback for the benchmark (URLSession, with enough connections for the
/// concurrent clients of the ingestion runs).
///
/// Every request has a time limit (``requestTimeLimit``) kept by the client itself, not by a Swift task:
/// a run once hung for good inside FoundationNetworking's `URLSession.data(for:)`, whose continuation was
/// never resumed. Requests here use the completion-handler API and a timer of their own, so a request that
/// neither answers nor fails within the limit throws ``TimedOut`` and the run goes on (or stops) instead.
struct BenchHTTP: Sendable {
    let base: String
    let session: URLSession
    /// The longest a request may take before it is cancelled and throws ``TimedOut``.
    let requestTimeLimit: Duration

    /// A request that got no answer within ``requestTimeLimit``.
    struct TimedOut: Error, CustomStringConvertible {
        let method: String, path: String, limit: Duration
        var description: String { "\(method) \(path) got no answer within \(limit)" }
    }

    init(base: String, connections: Int = 64, requestTimeLimit: Duration = .seconds(120)) {
        self.base = base
        self.requestTimeLimit = requestTimeLimit
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.timeoutIntervalForRequest = ProgressBar.seconds(requestTimeLimit)
        session = URLSession(configuration: configuration)
    }

    func signIn(_ login: String, _ password: String, code: String? = nil) async throws -> String {
        var fields = ["login": login, "password": password]
        fields["code"] = code
        let answer = try await post("/api/v1/auth/login", fields, token: nil)
        guard let token = answer["token"] as? String else { throw CommandError("signing in as \(login) failed") }
        return token
    }

    func getJSON(_ path: String, token: String) async throws -> [String: Any] {
        try await send("GET", path, body: nil, token: token)
    }

    /// The answer's bytes, unparsed (for timing a request without the client's JSON parse); throws
    /// unless the status is 2xx.
    func getData(_ path: String, token: String) async throws -> Data {
        let (status, data) = try await exchange("GET", path, body: nil, token: token)
        guard (200..<300).contains(status) else {
            throw CommandError("GET \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return data
    }

    /// An answer's JSON object (empty when it is not one).
    static func jsonObject(_ data: Data) throws -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @discardableResult
    func post(_ path: String, _ body: [String: Any], token: String?) async throws -> [String: Any] {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: body), token: token)
    }

    /// Sends a JSON body made beforehand and returns the status and the answer's JSON object.
    func post(_ path: String, json body: Data, token: String) async throws -> (status: Int, answer: [String: Any]) {
        let (status, data) = try await exchange("POST", path, body: body, token: token)
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Whether the server answers `path` with 200.
    func isUp(_ path: String) async -> Bool {
        guard let (status, _) = try? await exchange("GET", path, body: nil, token: nil) else { return false }
        return status == 200
    }

    private func send(_ method: String, _ path: String, body: Data?, token: String?) async throws -> [String: Any] {
        let (status, data) = try await exchange(method, path, body: body, token: token)
        guard (200..<300).contains(status) else {
            throw CommandError("\(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func exchange(_ method: String, _ path: String, body: Data?, token: String?) async throws -> (Int, Data) {
        guard let url = URL(string: base + path) else { throw CommandError("\(base) is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let answer = OneAnswer()
        return try await withCheckedThrowingContinuation { continuation in
            answer.start(continuation)
            let task = session.dataTask(with: request) { data, response, error in
                if let error {
                    answer.finish(.failure(error))
                } else {
                    answer.finish(.success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())))
                }
            }
            let timedOut = TimedOut(method: method, path: path, limit: requestTimeLimit)
            DispatchQueue.global().asyncAfter(deadline: .now() + ProgressBar.seconds(requestTimeLimit)) {
                if answer.finish(.failure(timedOut)) { task.cancel() }
            }
            task.resume()
        }
    }
}

/// The one answer of a request: whichever comes first of the response and the time limit resumes the
/// waiting caller; the other is dropped.
private final class OneAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<(Int, Data), any Error>?

    func start(_ continuation: CheckedContinuation<(Int, Data), any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Resumes the caller with `result` unless it was resumed already; whether this call did.
    @discardableResult
    func finish(_ result: Result<(Int, Data), any Error>) -> Bool {
        let waiting = lock.withLock { () -> CheckedContinuation<(Int, Data), any Error>? in
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
        return waiting != nil
    }
}
