import CDTModuleKit
import Foundation
import Hummingbird

/// The module's pages, server-rendered: a member's offers and codes (with QR codes), a partner's counter
/// (code in, answer out, on a phone at a shop counter) with its offers, a province administrator's offers
/// awaiting approval, and a province's report. Every form carries the caller's form token (CSRF) and posts
/// to a form route; a refused form comes back with the message beside the field (422).
enum PartnerPages {
    static func add(to routes: inout ModuleRoutes) {
        routes.get("pages/member", access: .view, documentation: page("A member's offers and codes (with QR codes)")) { _, context in
            try await member(context)
        }
        routes.form("pages/member/claim", access: .change, summary: "Claim an offer from the member's page") { _, context in
            try await claim(context)
        }
        routes.get("pages/counter", access: .externalActor, documentation: page("A partner's counter: enter a code, see the answer; the partner's offers")) { _, context in
            try await counter(context)
        }
        routes.form("pages/counter", access: .externalActor, documentation: RouteDocumentation(
            summary: "Look a code up or redeem it at the counter", body: .object(["code": .string, "action": .oneOf(["lookup", "redeem"])]),
            answer: .text("text/html", "The counter with the code's answer."), errors: [.unprocessableContent, .tooManyRequests])) { _, context in
            try await counterPost(context)
        }
        routes.get("pages/approvals", access: .change, documentation: page("Offers awaiting the province administrator's approval")) { _, context in
            try await approvals(context)
        }
        routes.form("pages/approvals", access: .change, summary: "Approve an offer from the approvals page") { _, context in
            try await approvePost(context)
        }
        routes.get("pages/report", access: .view, documentation: RouteDocumentation(
            summary: "A province's report as a page", parameters: PartnerDocumentation.provinceQuery,
            answer: .text("text/html", "The page."), errors: [.badRequest, .forbidden])) { request, context in
            try await report(request, context)
        }
    }

    static func page(_ summary: String) -> RouteDocumentation {
        RouteDocumentation(summary: summary, answer: .text("text/html", "The page (Vietnamese, with English)."))
    }
}
