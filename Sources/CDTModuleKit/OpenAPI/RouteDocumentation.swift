public import Hummingbird

/// What `/openapi.json` says about one module route: what it does, what it reads, what it answers.
/// The server adds what every module route may answer besides (401, 403, 404 where the module is not
/// enabled for the caller, 500, 503; 400 and 415 for a route with a body) and the path parameters it
/// does not find here, as strings.
///
/// ```swift
/// routes.get("practices", access: .view, documentation: RouteDocumentation(
///     summary: "Practices shared in the caller's area",
///     parameters: [.query("q", .text(maximumLength: 100), "Only practices whose title contains this text.")],
///     answer: .json(.object(["items": .array(of: .reference("Practice"))]), "The practices, newest first."),
///     errors: [.badRequest])) { request, context in … }
/// ```
public struct RouteDocumentation: Sendable {
    /// One line, as a client generator shows it.
    public var summary: String
    /// More words, when one line is not enough (Markdown).
    public var description: String?
    public var parameters: [APIParameter]
    /// The body the route reads, if any: JSON, or for a form route the form's fields.
    public var body: APISchema?
    /// How the body is sent: `application/json`, or `application/x-www-form-urlencoded` for a form route.
    public var bodyMediaType: String = "application/json"
    /// The success answer.
    public var answer: APIAnswer
    /// Other statuses the handler itself answers with a problem (`application/problem+json`).
    public var errors: [HTTPResponse.Status]

    public init(summary: String, description: String? = nil, parameters: [APIParameter] = [], body: APISchema? = nil,
                answer: APIAnswer = .json(.anything, "The answer."), errors: [HTTPResponse.Status] = []) {
        self.summary = summary
        self.description = description
        self.parameters = parameters
        self.body = body
        self.answer = answer
        self.errors = errors
    }

    /// The media type of a form route's body.
    public static let formMediaType = "application/x-www-form-urlencoded"
}

/// A query or path parameter of a module route.
public struct APIParameter: Sendable {
    public enum Location: String, Sendable { case query, path }

    public let name: String
    public let location: Location
    public let schema: APISchema
    public let summary: String
    public let required: Bool

    /// An optional query parameter (`?name=…`).
    public static func query(_ name: String, _ schema: APISchema, _ summary: String) -> APIParameter {
        APIParameter(name: name, location: .query, schema: schema, summary: summary, required: false)
    }

    /// A path parameter (`{name}` in the route's path), always required.
    public static func path(_ name: String, _ schema: APISchema, _ summary: String) -> APIParameter {
        APIParameter(name: name, location: .path, schema: schema, summary: summary, required: true)
    }
}

/// A module route's success answer.
public struct APIAnswer: Sendable {
    public let status: HTTPResponse.Status
    /// The media type (`application/json`, `text/csv`…); `nil` for an answer without a body.
    public let mediaType: String?
    public let schema: APISchema?
    public let summary: String

    public init(status: HTTPResponse.Status, mediaType: String?, schema: APISchema?, summary: String) {
        self.status = status
        self.mediaType = mediaType
        self.schema = schema
        self.summary = summary
    }

    /// 200 with a JSON body.
    public static func json(_ schema: APISchema, _ summary: String) -> APIAnswer {
        APIAnswer(status: .ok, mediaType: "application/json", schema: schema, summary: summary)
    }

    /// 200 with a body of another media type (`text/csv`, `text/html`), described as a string.
    public static func text(_ mediaType: String, _ summary: String) -> APIAnswer {
        APIAnswer(status: .ok, mediaType: mediaType, schema: .string, summary: summary)
    }

    /// 204, no body.
    public static func noContent(_ summary: String) -> APIAnswer {
        APIAnswer(status: .noContent, mediaType: nil, schema: nil, summary: summary)
    }
}
