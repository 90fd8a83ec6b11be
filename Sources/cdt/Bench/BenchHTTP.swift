import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client over loopback for the benchmark (URLSession, with enough connections for the
/// concurrent clients of the ingestion runs).
struct BenchHTTP: Sendable {
    let base: String
    let session: URLSession

    init(base: String, connections: Int = 64) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.timeoutIntervalForRequest = 120
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
        guard let url = URL(string: base + path), let (_, response) = try? await session.data(from: url) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
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
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
