import CDTModuleKit
import Foundation
import Hummingbird

/// The action forms of a nomination's page: one per step, each posting to `pages/nominations/{id}/<step>`
/// with the caller's form token and the version the page showed. A refused step shows the page again with
/// the message beside the field; a step taken goes back to the page (303).
extension NominationPage {
    static func addForms(to routes: inout ModuleRoutes) {
        for action in ReviewAction.allCases {
            routes.form("pages/nominations/{id}/\(action.rawValue)", access: action.access, documentation: RouteDocumentation(
                summary: "Page form: \(action.label.english.lowercased()) a nomination",
                description: "The page's form for `POST nominations/{id}/\(action.rawValue)`, with the same rules; it answers the page again with the "
                    + "message beside the field (422, 409 or 403) or 303 to the nomination's page.",
                parameters: [.path("id", .uuid, "The nomination.")],
                answer: APIAnswer(status: .seeOther, mediaType: nil, schema: nil, summary: "Done: back to the nomination's page."),
                errors: [.unprocessableContent, .conflict])) { request, context in
                try await post(action, context)
            }
        }
    }

    static func post(_ action: ReviewAction, _ context: ModuleRequestContext) async throws -> Response {
        let id: ID<DomainEvent> = try context.id("id")
        let form = context.form
        func text(_ name: String) -> String? { form?[name].flatMap { $0.isEmpty ? nil : $0 } }
        var input = NominationRoutes.ActionInput(version: text("version").flatMap(Int.init), note: text("note"), reason: text("reason"),
                                                 decisionNumber: text("decisionNumber"), signer: text("signer"), awardTitle: text("awardTitle"))
        if let date = text("decisionDate") {
            guard let parsed = CalendarDate(date) else {
                return try await render(id, context, refusal: Refusal(action: action, field: "decisionDate", message: "Ngày theo dạng YYYY-MM-DD · A date, YYYY-MM-DD"),
                                        status: .unprocessableContent)
            }
            input.decisionDate = parsed
        }
        do {
            _ = try await NominationActions.perform(action, on: id, input, context)
        } catch let problem as ProblemDetails where [403, 409, 422].contains(problem.status) {
            let error = problem.errors?.first
            let message = [problem.detail, error?.rule].compactMap { $0 }.joined(separator: " — ")
            return try await render(id, context, refusal: Refusal(action: action, field: error?.field ?? "", message: message),
                                    status: HTTPResponse.Status(code: problem.status))
        }
        return ModuleResponse.seeOther("/api/v1/modules/rewards/pages/nominations/\(id)")
    }

    /// The form of `action`, with the message of a refused attempt beside its field.
    static func form(_ action: ReviewAction, _ n: Nomination, _ context: ModuleRequestContext, refusal: Refusal?) -> String {
        func message(_ field: String) -> String {
            guard let refusal, refusal.field == field || (field == "" && !fields(action).contains(refusal.field)) else { return "" }
            return "<span class=\"error\" role=\"alert\" id=\"\(action.rawValue)-error\">\(HTML.escape(refusal.message))</span>"
        }
        func input(_ name: String, _ label: LocalizedName, type: String = "text", required: Bool = true) -> String {
            "<label for=\"\(action.rawValue)-\(name)\">\(RewardsPages.both(label))</label>"
                + "<input id=\"\(action.rawValue)-\(name)\" name=\"\(name)\" type=\"\(type)\"\(required ? " required" : "") maxlength=\"2000\">" + message(name)
        }
        var body = ""
        switch action {
        case .return, .reject:
            body = "<label for=\"\(action.rawValue)-reason\">\(RewardsPages.both(LocalizedName(vietnamese: "Lý do", english: "Reason")))</label>"
                + "<textarea id=\"\(action.rawValue)-reason\" name=\"reason\" required maxlength=\"2000\" rows=\"2\"></textarea>" + message("reason")
        case .withdraw:
            body = input("reason", LocalizedName(vietnamese: "Lý do", english: "Reason"), required: false)
        case .endorse, .approve:
            body = input("note", LocalizedName(vietnamese: "Ý kiến", english: "Note"), required: false)
        case .award:
            body = input("decisionNumber", LocalizedName(vietnamese: "Số quyết định", english: "Decision number"))
                + input("decisionDate", LocalizedName(vietnamese: "Ngày quyết định", english: "Decision date"), type: "date")
                + input("signer", LocalizedName(vietnamese: "Người ký", english: "Signer"))
                + input("awardTitle", LocalizedName(vietnamese: "Hình thức khen thưởng", english: "Award title"))
        case .submit: break
        }
        return """
            <form method="post" action="/api/v1/modules/rewards/pages/nominations/\(n.id)/\(action.rawValue)" id="form-\(action.rawValue)">
            \(HTML.csrfField(context))<input type="hidden" name="version" value="\(n.version)">
            \(body)\(message(""))
            <button type="submit">\(RewardsPages.both(action.label))</button></form>
            """
    }

    static func fields(_ action: ReviewAction) -> [String] {
        switch action {
        case .return, .reject, .withdraw: ["reason"]
        case .endorse, .approve: ["note"]
        case .award: ["decisionNumber", "decisionDate", "signer", "awardTitle"]
        case .submit: []
        }
    }
}
