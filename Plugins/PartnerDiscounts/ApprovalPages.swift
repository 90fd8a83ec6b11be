import CDTModuleKit
import Foundation
import Hummingbird

/// A province administrator's pages: the offers awaiting approval, and the province's report.
extension PartnerPages {
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
