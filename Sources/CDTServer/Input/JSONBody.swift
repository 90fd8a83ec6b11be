import CDTModuleKit
import CDTDomain
import Foundation
import Hummingbird

/// Decodes a small JSON request body strictly (unknown fields refused), as a 400 naming the fields, in one
/// parse (``JSONInput/decode(_:fromJSON:)``).
enum JSONBody {
    /// - Parameter detail: the problem's detail when the body is malformed.
    static func decode<T: Codable>(_ type: T.Type, from request: Request, limit: Int, detail: String = "The request body is malformed.") async throws -> T {
        try decode(T.self, fromJSON: try await JSONInput.body(of: request, limit: limit), detail: detail)
    }

    /// Decodes a body already collected, as ``decode(_:from:limit:detail:)`` does.
    static func decode<T: Codable>(_ type: T.Type, fromJSON data: Data, detail: String = "The request body is malformed.") throws -> T {
        do {
            return try JSONInput.decode(T.self, fromJSON: data)
        } catch {
            throw ProblemDetails(status: .badRequest, detail: detail, errors: error.violations.map(ProblemDetails.FieldError.init))
        }
    }
}
