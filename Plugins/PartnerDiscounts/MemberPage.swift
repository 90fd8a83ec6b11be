import CDTModuleKit
import Foundation
import Hummingbird

/// A member's page: the offers open to them, a form to claim each, their codes with QR codes.
extension PartnerPages {
    static func member(_ context: ModuleRequestContext, refused: (offer: ID<Offer>, message: String)? = nil) async throws -> Response {
        let offers: [ClaimRoutes.OfferForMe], codes: [ClaimRoutes.MyCode]
        do {
            offers = try await ClaimRoutes.offersForMe(context)
            codes = try await ClaimRoutes.myCodes(context)
        } catch let problem as ProblemDetails where problem.status == 403 {
            // A page that says so, to the person who opened it (the JSON routes answer 403).
            return ModuleResponse.page(PageLayout.page(title: "Ưu đãi cho tôi", """
                <h1>\(PageLayout.both("Ưu đãi cho tôi", "Offers for me"))</h1>
                <p class="error">\(PageLayout.both("Tài khoản của bạn chưa gắn với thành viên Tổ nào (theo số điện thoại).", "Your account is not a team member's (by its phone number)."))</p>
                """))
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
}
