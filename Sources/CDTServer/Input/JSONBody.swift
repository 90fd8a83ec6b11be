import CDTDomain
import Hummingbird

/// Decodes a small JSON request body strictly (unknown fields refused), as a 400 naming the fields.
enum JSONBody {
    static func decode<T: Codable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let data = try await JSONInput.body(of: request, limit: limit)
        do {
            return try JSONInput.decode(T.self, from: try JSONInput.parse(data))
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "The request body is malformed.", errors: error.violations.map(ProblemDetails.FieldError.init))
        }
    }
}
