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

    // MARK: A member's offers and codes

    static func member(_ context: ModuleRequestContext, refused: (offer: ID<Offer>, message: String)? = nil) async throws -> Response {
        let offers: [ClaimRoutes.OfferForMe], codes: [ClaimRoutes.MyCode]
        do {
            offers = try await ClaimRoutes.offersForMe(context)
            codes = try await ClaimRoutes.myCodes(context)
        } catch let problem as ProblemDetails where problem.status == 403 {
            return ModuleResponse.page(PageLayout.page(title: "Ưu đãi cho tôi", """
                <h1>\(PageLayout.both("Ưu đãi cho tôi", "Offers for me"))</h1>
                <p class="error">\(PageLayout.both("Tài khoản của bạn chưa gắn với thành viên Tổ nào (theo số điện thoại).", "Your account is not a team member's (by its phone number)."))</p>
                """), status: .forbidden)
        }
        var html = "<h1>\(PageLayout.both("Ưu đãi cho tôi", "Offers for me"))</h1>"
        if offers.isEmpty { html += "<p class=\"muted\">\(PageLayout.both("Chưa có ưu đãi nào.", "No offers yet."))</p>" }
        for item in offers {
            let offer = item.offer
            html += """
                <div class="card" id="offer-\(offer.id)"><strong>\(HTML.escape(offer.title.vi))</strong><br><span class="en">\(HTML.escape(offer.title.en))</span>
                <div>\(PageLayout.benefit(offer.benefit))</div><div class="muted">\(HTML.escape(offer.partnerName)) · \(offer.validFrom) – \(offer.validUntil) ·
                \(PageLayout.both("còn \(item.remaining)", "\(item.remaining) left"))</div><div class="muted">\(HTML.escape(offer.terms.vi))</div>
                """
            if let refused, refused.offer == offer.id { html += "<p class=\"error\" role=\"alert\">\(refused.message)</p>" }
            if item.openToMe {
                html += """
                    <form method="post" action="\(PageLayout.base)/pages/member/claim">\(HTML.csrfField(context))
                    <input type="hidden" name="offer" value="\(offer.id)"><button>\(PageLayout.both("Nhận mã", "Get a code"))</button></form>
                    """
            } else if let reason = item.reason {
                html += "<p class=\"muted\">\(PageLayout.reason(reason))</p>"
            }
            html += "</div>"
        }
        html += "<h2 id=\"codes\">\(PageLayout.both("Mã của tôi", "My codes"))</h2>"
        if codes.isEmpty { html += "<p class=\"muted\">\(PageLayout.both("Chưa có mã nào.", "No codes yet."))</p>" }
        for code in codes {
            let state = switch code.state {
            case "active": PageLayout.both("Dùng được", "Valid")
            case "redeemed": PageLayout.both("Đã dùng", "Redeemed")
            case "expired": PageLayout.both("Hết hạn", "Expired")
            default: PageLayout.both("Ưu đãi đã dừng", "Offer withdrawn")
            }
            html += """
                <div class="card code-card"><strong>\(HTML.escape(code.title.vi))</strong> <span class="en">· \(HTML.escape(code.title.en))</span>
                <div class="muted">\(HTML.escape(code.partnerName))</div>
                <p class="state \(code.state == "active" ? "ok" : "no")"><span class="code">\(HTML.escape(code.code))</span> · \(state)</p>
                \(code.state == "active" ? "<div class=\"qr\">\((try? QRCode(text: code.code).svg(moduleSize: 8)) ?? "")</div>" : "")
                <div class="muted">\(PageLayout.both("Hạn dùng", "Valid until")): \(PageLayout.day(code.expiresAt))</div></div>
                """
        }
        return ModuleResponse.page(PageLayout.page(title: "Ưu đãi cho tôi · Offers for me", html), status: refused == nil ? .ok : .unprocessableContent)
    }

    static func claim(_ context: ModuleRequestContext) async throws -> Response {
        guard let text = context.form?["offer"], let uuid = UUID(uuidString: text) else {
            throw ProblemDetails.rule("offer", "must name an offer")
        }
        let offer = ID<Offer>(rawValue: uuid)
        do {
            _ = try await ClaimRoutes.claim(offer, context)
        } catch let problem as ProblemDetails where problem.status < 500 {
            return try await member(context, refused: (offer, PageLayout.refusal(problem)))
        }
        return ModuleResponse.seeOther("\(PageLayout.base)/pages/member#codes")
    }

    // MARK: A partner's counter

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

    // MARK: Approvals

    static func approvals(_ context: ModuleRequestContext, refused: (offer: ID<Offer>, province: ID<AdministrativeUnit>, field: String, message: String)? = nil) async throws -> Response {
        let offers = try await OfferRoutes.awaiting(context).items
        var html = "<h1>\(PageLayout.both("Ưu đãi chờ duyệt", "Offers awaiting approval"))</h1>"
        if offers.isEmpty { html += "<p class=\"muted\">\(PageLayout.both("Không có ưu đãi nào chờ duyệt.", "Nothing awaits approval."))</p>" }
        for offer in offers {
            let mine = refused.flatMap { $0.offer == offer.id && $0.province == offer.provinceId ? $0 : nil }
            func error(_ field: String) -> String {
                guard let mine, mine.field == field else { return "" }
                return "<p class=\"error\" role=\"alert\">\(HTML.escape(mine.message))</p>"
            }
            html += """
                <div class="card" id="offer-\(offer.id)"><strong>\(HTML.escape(offer.title.vi))</strong> <span class="en">· \(HTML.escape(offer.title.en))</span>
                <div>\(PageLayout.benefit(offer.benefit))</div><div class="muted">\(HTML.escape(offer.partnerName)) · \(offer.validFrom) – \(offer.validUntil) ·
                \(PageLayout.both("\(offer.quantity) mã, mỗi người \(offer.perMemberLimit)", "\(offer.quantity) codes, \(offer.perMemberLimit) each"))</div>
                <div class="muted">\(HTML.escape(offer.terms.vi))</div>
                <form method="post" action="\(PageLayout.base)/pages/approvals">\(HTML.csrfField(context))
                <input type="hidden" name="offer" value="\(offer.id)"><input type="hidden" name="provinceId" value="\(offer.provinceId)">
                <label>\(PageLayout.both("Tỉnh hỗ trợ mỗi lượt (đồng)", "Province's subsidy per redemption (VND)"))
                <input type="number" name="subsidyPerRedemption" value="0" min="0"></label>\(error("subsidyPerRedemption"))
                <label>\(PageLayout.both("Ngân sách tối đa (đồng)", "Budget cap (VND)"))
                <input type="number" name="budgetCap" value="0" min="0"></label>\(error("budgetCap"))\(error("id"))\(error("provinceId"))
                <button>\(PageLayout.both("Duyệt", "Approve"))</button></form></div>
                """
        }
        return ModuleResponse.page(PageLayout.page(title: "Ưu đãi chờ duyệt · Offers awaiting approval", html), status: refused == nil ? .ok : .unprocessableContent)
    }

    static func approvePost(_ context: ModuleRequestContext) async throws -> Response {
        guard let form = context.form, let offer = form["offer"].flatMap(UUID.init(uuidString:)), let province = form["provinceId"].flatMap(UUID.init(uuidString:)) else {
            throw ProblemDetails.rule("offer", "must name an offer and its province")
        }
        let offerID = ID<Offer>(rawValue: offer), provinceID = ID<AdministrativeUnit>(rawValue: province)
        guard let subsidy = Int(form["subsidyPerRedemption"] ?? ""), let cap = Int(form["budgetCap"] ?? "") else {
            return try await approvals(context, refused: (offerID, provinceID, Int(form["subsidyPerRedemption"] ?? "") == nil ? "subsidyPerRedemption" : "budgetCap",
                                                          "Nhập một số nguyên đồng · Enter a whole number of đồng"))
        }
        do {
            _ = try await OfferRoutes.approve(offerID, OfferRoutes.Approval(provinceId: provinceID, subsidyPerRedemption: subsidy, budgetCap: cap), context)
        } catch let problem as ProblemDetails where problem.status < 500 {
            return try await approvals(context, refused: (offerID, provinceID, problem.errors?.first?.field ?? "id", PageLayout.message(problem)))
        }
        return ModuleResponse.seeOther("\(PageLayout.base)/pages/approvals")
    }

    // MARK: A province's report

    static func report(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let report = try await ReportRoutes.province(request, context)
        var html = """
            <h1>\(PageLayout.both("Ưu đãi doanh nghiệp: \(report.province)", "Partner discounts: \(report.province)"))</h1>
            <p><a href="\(PageLayout.base)/reports/province.csv?provinceId=\(report.provinceId)">\(PageLayout.both("Tải về Excel (CSV)", "Download for Excel (CSV)"))</a></p>
            <table><tr><th>\(PageLayout.both("Ưu đãi / xã, phường", "Offer / commune"))</th><th>\(PageLayout.both("Nhận", "Claimed"))</th><th>\(PageLayout.both("Đổi", "Redeemed"))</th><th>\(PageLayout.both("Tỉnh trả (đồng)", "Owed (VND)"))</th></tr>
            """
        for offer in report.offers {
            html += "<tr><th>\(HTML.escape(offer.title.vi)) <span class=\"muted\">· \(HTML.escape(offer.partnerName))</span></th><td class=\"n\">\(offer.claims)</td><td class=\"n\">\(offer.redemptions)</td><td class=\"n\">\(PageLayout.money(offer.owed))</td></tr>"
            for commune in offer.communes {
                html += "<tr><td>\(HTML.escape(commune.commune))</td><td class=\"n\">\(commune.claims)</td><td class=\"n\">\(commune.redemptions)</td><td></td></tr>"
            }
        }
        html += "<tr><th>\(PageLayout.both("Tổng cộng", "Total"))</th><td></td><td></td><th class=\"n\" id=\"total-owed\">\(PageLayout.money(report.totalOwed))</th></tr></table>"
        return ModuleResponse.page(PageLayout.page(title: "Ưu đãi doanh nghiệp · Partner discounts", html))
    }
}
