public import Hummingbird
import Foundation

/// An error answer in the shape of RFC 9457 (`application/problem+json`): what went wrong in words a
/// client can show, and for invalid input which field broke which rule.
public struct ProblemDetails: Error, Sendable, Codable, Equatable {
    /// One broken rule on one field of the request.
    public struct FieldError: Sendable, Codable, Equatable {
        /// The field's JSON path, such as `members[2].phone`.
        public var field: String
        /// The rule it broke, in words.
        public var rule: String

        public init(field: String, rule: String) {
            self.field = field
            self.rule = rule
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldError]?

    public init(status: HTTPResponse.Status, detail: String? = nil, errors: [FieldError]? = nil) {
        self.type = "about:blank"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    /// The response carrying this problem.
    public func response(requestID: String? = nil) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data("{\"status\":\(status)}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers[.contentLength] = String(body.count)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: .init(bytes: body)))
    }
}
