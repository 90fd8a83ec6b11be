import CDTModuleKit
import Foundation
import Hummingbird

/// The partner's counter: code in, answer out, on a phone at a shop counter; the partner's offers and redemptions per day.
extension PartnerPages {
    static func counter(_ context: ModuleRequestContext, code: String = "", answer: CounterRoutes.CounterAnswer? = nil, refusal: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        var html = """
            <h1>\(PageLayout.both("Quầy đổi ưu đãi", "Redemption counter"))</h1>
            <form method="post" action="\(PageLayout.base)/pages/counter" class="card">\(HTML.csrfField(context))
            <label for="code">\(PageLayout.both("Mã của thành viên", "Member's code"))</label>
            <input type="text" id="code" name="code" class="code" value="\(HTML.escape(code))" autocomplete="off" autocapitalize="characters" placeholder="XXXX-XXXX-XX" required>
            \(refusal.map { "<p class=\"error\" id=\"code-error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")
            <button name="action" value="lookup">\(PageLayout.both("Tra mã", "Look up"))</button>
            <button name="action" value="redeem" class="secondary">\(PageLayout.both("Đổi mã", "Redeem"))</button>
            </form>
            """
        if let answer {
            let (vi, en, good) = switch answer.state {
            case "valid": ("Mã hợp lệ", "Valid code", true)
            case "redeemed": ("Đã đổi", "Redeemed", answer.person != nil)
            case "expired": ("Mã đã hết hạn", "Code expired", false)
            case "withdrawn": ("Ưu đãi đã dừng", "Offer withdrawn", false)
            default: ("Không còn đủ điều kiện", "No longer eligible", false)
            }
            html += """
                <div class="card" id="answer"><p class="state \(good ? "ok" : "no")">\(PageLayout.both(vi, en))</p>
                <div><strong>\(HTML.escape(answer.offer.title.vi))</strong> <span class="en">· \(HTML.escape(answer.offer.title.en))</span></div>
                <div>\(PageLayout.benefit(answer.offer.benefit))</div>
                """
            if let person = answer.person {
                html += """
                    <p>\(PageLayout.both("Kiểm tra người nhận", "Check the person")): <strong id="given-name">\(HTML.escape(person.givenName))</strong>,
                    \(PageLayout.both("số điện thoại đuôi", "phone ending")) <strong id="phone-last3">\(HTML.escape(person.phoneLast3))</strong></p>
                    """
            }
            html += "<div class=\"muted\">\(PageLayout.both("Hạn dùng", "Valid until")): \(PageLayout.day(answer.expiresAt))</div></div>"
        }
        let offers = try await OfferRoutes.own(context).items
        html += "<h2>\(PageLayout.both("Ưu đãi của chúng tôi", "Our offers"))</h2><table><tr><th>\(PageLayout.both("Ưu đãi", "Offer"))</th><th>\(PageLayout.both("Trạng thái", "Status"))</th><th>\(PageLayout.both("Nhận", "Claimed"))</th><th>\(PageLayout.both("Đổi", "Redeemed"))</th></tr>"
        for offer in offers {
            let status = switch offer.status {
            case "approved": PageLayout.both("Đang áp dụng", "Live")
            case "awaitingApproval": PageLayout.both("Chờ duyệt", "Awaiting approval")
            default: PageLayout.both("Đã dừng", "Withdrawn")
            }
            html += "<tr><td>\(HTML.escape(offer.title.vi))</td><td>\(status)</td><td class=\"n\">\(offer.claimed)</td><td class=\"n\">\(offer.redeemed)</td></tr>"
        }
        html += "</table>"
        let days = try await ReportRoutes.partnerDays(context).prefix(30)
        if !days.isEmpty {
            html += "<h2>\(PageLayout.both("Đổi mã theo ngày", "Redemptions per day"))</h2><table><tr><th>\(PageLayout.both("Ngày", "Day"))</th><th>\(PageLayout.both("Ưu đãi", "Offer"))</th><th>\(PageLayout.both("Lượt", "Redeemed"))</th></tr>"
            for day in days { html += "<tr><td>\(day.day)</td><td>\(HTML.escape(day.title.vi))</td><td class=\"n\">\(day.redemptions)</td></tr>" }
            html += "</table>"
        }
        return ModuleResponse.page(PageLayout.page(title: "Quầy đổi ưu đãi · Redemption counter", html), status: status)
    }

    static func counterPost(_ context: ModuleRequestContext) async throws -> Response {
        guard let form = context.form else {
            throw ProblemDetails(status: .badRequest, detail: "The counter page is for a signed-in partner's staff; a partner's system uses the JSON routes.")
        }
        let code = form["code"] ?? ""
        do {
            let answer = form["action"] == "redeem" ? try await CounterRoutes.redeem(code, context) : try await CounterRoutes.lookUp(code, context)
            return try await counter(context, code: answer.code, answer: answer)
        } catch let problem as ProblemDetails where problem.status < 500 {
            return try await counter(context, code: code, refusal: PageLayout.message(problem),
                                     status: problem.status == 429 ? .tooManyRequests : .unprocessableContent)
        }
    }
}
