import CDTModuleKit
import Foundation

/// The frame of the module's pages: Vietnamese first with English beside it, readable on a phone of 360
/// pixels (one column, large touch targets), no script, styles inline (the platform's content security
/// policy allows nothing else).
enum PageLayout {
    static let base = "/api/v1/modules/partner-discounts"

    static func page(title: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:0;padding:12px;max-width:720px;color:#1a1a1a;line-height:1.4}
        h1{font-size:1.3rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
        .card{border:1px solid #ccc;border-radius:8px;padding:12px;margin:0 0 12px}
        .muted{color:#555;font-size:.9rem}.en{color:#555}
        label{display:block;font-weight:600;margin:.4rem 0 .2rem}
        input[type=text],input[type=number]{width:100%;box-sizing:border-box;font-size:1.2rem;padding:10px;border:1px solid #888;border-radius:6px}
        input.code{font-family:ui-monospace,monospace;letter-spacing:.1em;text-transform:uppercase}
        button{font-size:1.1rem;padding:10px 16px;margin:8px 8px 0 0;border-radius:6px;border:1px solid #245;background:#2a5db0;color:#fff;min-height:44px}
        button.secondary{background:#fff;color:#245}button .en{color:inherit;opacity:.9}
        .error{color:#a00;font-weight:600;margin:.3rem 0}
        .state{font-size:1.3rem;font-weight:700;padding:8px;border-radius:6px}
        .ok{background:#e3f4e3;color:#145214}.no{background:#fbe3e3;color:#7a1010}
        .qr svg{width:200px;height:200px}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}td.n{text-align:right}
        </style></head><body>
        \(body)
        </body></html>
        """
    }

    /// "Tiếng Việt · English".
    static func both(_ vi: String, _ en: String) -> String {
        "\(HTML.escape(vi)) <span class=\"en\">· \(HTML.escape(en))</span>"
    }

    static func benefit(_ benefit: Benefit) -> String {
        switch benefit.kind {
        case "percentage": both("Giảm \(benefit.amount)%", "\(benefit.amount)% off")
        case "fixedPrice": both("Giá ưu đãi \(money(benefit.amount)) đồng", "Special price \(money(benefit.amount)) VND")
        default: both("Miễn phí \(benefit.amount) \(benefit.unit)", "\(benefit.amount) \(benefit.unit) free")
        }
    }

    /// 1.234.567, as written in Vietnam.
    static func money(_ amount: Int) -> String {
        let digits = Array(String(amount))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "." }
            result.append(digit)
        }
        return result
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let parts = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", parts.day!, parts.month!, parts.year!, parts.hour!, parts.minute!)
    }

    /// Why an offer is not open to a member, in Vietnamese and English.
    static func reason(_ rule: String) -> String {
        switch rule {
        case Eligibility.notOnTeam: both("Bạn không ở Tổ nào đang hoạt động trong tỉnh", "You are not on an active team in the province")
        case Eligibility.outsideArea: both("Tổ của bạn ở ngoài các xã, phường của ưu đãi", "Your team is outside the offer's communes")
        case Eligibility.leadersOnly: both("Chỉ dành cho tổ trưởng, tổ phó", "For team heads and deputies only")
        case Eligibility.trainedOnly: both("Chỉ dành cho thành viên đã dự tập huấn", "For members who attended a training only")
        case ClaimRoutes.noneLeft: both("Đã hết mã", "None left")
        case ClaimRoutes.limitReached: both("Bạn đã nhận đủ số mã được phép", "You have claimed all you may")
        default: HTML.escape(rule)
        }
    }

    /// A refused claim, as HTML: the eligibility reason in both languages, or the problem's own words.
    static func refusal(_ problem: ProblemDetails) -> String {
        let rule = problem.errors?.first?.rule ?? ""
        if [Eligibility.notOnTeam, Eligibility.outsideArea, Eligibility.leadersOnly, Eligibility.trainedOnly].contains(rule) { return reason(rule) }
        if rule.hasPrefix("must have codes left") { return reason(ClaimRoutes.noneLeft) }
        if rule.hasPrefix("must be within your limit") { return reason(ClaimRoutes.limitReached) }
        return HTML.escape(message(problem))
    }

    /// The message of a refusal, for a page: the rule beside the field when there is one.
    static func message(_ problem: ProblemDetails) -> String {
        let rules = (problem.errors ?? []).map(\.rule).joined(separator: "; ")
        return [problem.detail, rules.isEmpty ? nil : rules].compactMap { $0 }.joined(separator: " ")
    }
}
