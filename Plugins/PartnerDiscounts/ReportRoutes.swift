import CDTModuleKit
import Foundation
import Hummingbird
import NIOCore

/// Reports: a province's claims and redemptions per offer and commune with what it owes partners under
/// co-funding (JSON, CSV for Excel, and a page); a partner's redemptions per offer and day; offers and
/// uptake per province nationally.
enum ReportRoutes {
    static func add(to routes: inout ModuleRoutes) {
        routes.get("reports/province", access: .view, documentation: PartnerDocumentation.provinceReport) { request, context in
            try await province(request, context)
        }
        routes.get("reports/province.csv", access: .view, documentation: PartnerDocumentation.provinceCSV) { request, context in
            csv(try await province(request, context))
        }
        routes.get("partner/report", access: .externalActor, documentation: PartnerDocumentation.partnerReport) { _, context in
            Items(items: try await partnerDays(context))
        }
        routes.get("reports/national", access: .view, documentation: PartnerDocumentation.national) { _, context in
            Items(items: try await national(context))
        }
    }

    struct CommuneLine: Codable, Sendable {
        var communeId: ID<AdministrativeUnit>
        var commune: String
        var claims: Int
        var redemptions: Int
    }

    struct OfferLine: Codable, Sendable {
        var offerId: ID<Offer>
        var title: BilingualText
        var partnerName: String
        var status: String
        var claims: Int
        var redemptions: Int
        var subsidyPerRedemption: Int
        var budgetCap: Int
        /// What the province owes the partner: a subsidy for each redemption, up to the budget.
        var owed: Int
        var communes: [CommuneLine]
    }

    struct ProvinceReport: Codable, Sendable, ResponseEncodable {
        var provinceId: ID<AdministrativeUnit>
        var province: String
        var offers: [OfferLine]
        var totalOwed: Int
    }

    /// The province of `provinceId`, which the caller must view.
    static func province(_ request: Request, _ context: ModuleRequestContext) async throws -> ProvinceReport {
        guard let text = request.queryText("provinceId") ?? (context.provinces.count == 1 ? context.provinces.first?.description : nil) else {
            throw ProblemDetails.rule("provinceId", "is required: the province to report on", status: .badRequest)
        }
        guard let uuid = UUID(uuidString: text) else { throw ProblemDetails.rule("provinceId", "must be a unit id", status: .badRequest) }
        let database = context.module.database
        guard let unit = try await CoreReads(database).unit(ID(rawValue: uuid)), unit.level == "province", context.provinces.contains(unit.id),
              context.viewScope.contains(path: unit.path) else {
            throw ProblemDetails.rule("provinceId", "must be a province you view where the module is enabled", status: .forbidden, "You may not see this province's report.")
        }
        return try await report(for: unit.id, name: unit.name, database)
    }

    static func report(for province: ID<AdministrativeUnit>, name: String, _ database: PostgresClient) async throws -> ProvinceReport {
        let offers = try await OfferRow.select(where: "o.province_id = \(province) AND o.status <> 'awaitingApproval'", database)
        let lines = try await database.query("""
            SELECT c.offer_id, c.commune_id, coalesce(u.name, ''), count(*), count(c.redeemed_at)
            FROM partner_discounts_claims c LEFT JOIN core_v1.units u ON u.id = c.commune_id
            WHERE c.province_id = \(province) GROUP BY c.offer_id, c.commune_id, u.name, u.sort_key ORDER BY u.sort_key, c.commune_id
            """).decode((ID<Offer>, ID<AdministrativeUnit>, String, Int, Int).self)
        let answer = offers.sorted { VietnameseText.areInIncreasingOrder($0.titleVi, $1.titleVi) }.map { offer in
            let owed = min(offer.redeemed * offer.subsidyPerRedemption, offer.budgetCap)
            return OfferLine(offerId: offer.id, title: BilingualText(vi: offer.titleVi, en: offer.titleEn), partnerName: offer.partnerName,
                             status: offer.status, claims: offer.claimed, redemptions: offer.redeemed, subsidyPerRedemption: offer.subsidyPerRedemption,
                             budgetCap: offer.budgetCap, owed: owed,
                             communes: lines.filter { $0.0 == offer.id }.map { CommuneLine(communeId: $0.1, commune: $0.2, claims: $0.3, redemptions: $0.4) })
        }
        return ProvinceReport(provinceId: province, province: name, offers: answer, totalOwed: answer.reduce(0) { $0 + $1.owed })
    }

    /// The report for Excel: UTF-8 with a byte-order mark, Vietnamese headers, one line per offer and
    /// commune and a total line per offer with what is owed.
    static func csv(_ report: ProvinceReport) -> Response {
        var rows = [["Ưu đãi", "Doanh nghiệp", "Xã/phường", "Lượt nhận mã", "Lượt sử dụng", "Hỗ trợ mỗi lượt (đồng)", "Ngân sách tối đa (đồng)", "Tỉnh phải trả (đồng)"]]
        for offer in report.offers {
            for commune in offer.communes {
                rows.append([offer.title.vi, offer.partnerName, commune.commune, String(commune.claims), String(commune.redemptions), "", "", ""])
            }
            rows.append([offer.title.vi, offer.partnerName, "Tổng cộng", String(offer.claims), String(offer.redemptions),
                         String(offer.subsidyPerRedemption), String(offer.budgetCap), String(offer.owed)])
        }
        rows.append(["Tổng cộng", "", "", "", "", "", "", String(report.totalOwed)])
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"uu-dai-doanh-nghiep-\(report.provinceId).csv\""
        let bytes = [UInt8]([0xEF, 0xBB, 0xBF]) + Array(CSVText.lines(rows).utf8)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    struct PartnerDay: Codable, Sendable {
        var offerId: ID<Offer>
        var title: BilingualText
        var day: CalendarDate
        var redemptions: Int
    }

    static func partnerDays(_ context: ModuleRequestContext) async throws -> [PartnerDay] {
        let partner = try Authority.partner(context)
        return try await context.module.database.query("""
            SELECT c.offer_id, min(o.title_vi), min(o.title_en), (c.redeemed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, count(*)
            FROM partner_discounts_claims c JOIN partner_discounts_offers o ON o.province_id = c.province_id AND o.id = c.offer_id
            WHERE c.partner_id = \(partner) AND c.redeemed_at IS NOT NULL
            GROUP BY c.offer_id, day ORDER BY day DESC, c.offer_id
            """).decode((ID<Offer>, String, String, CalendarDate, Int).self).map {
                PartnerDay(offerId: $0.0, title: BilingualText(vi: $0.1, en: $0.2), day: $0.3, redemptions: $0.4)
            }
    }

    struct ProvinceUptake: Codable, Sendable {
        var provinceId: ID<AdministrativeUnit>
        var province: String
        var offersLive: Int
        var offersAwaitingApproval: Int
        var claims: Int
        var redemptions: Int
        var owed: Int
    }

    static func national(_ context: ModuleRequestContext) async throws -> [ProvinceUptake] {
        guard context.viewsNationwide else { throw ProblemDetails(status: .forbidden, detail: "The national report is for national roles.") }
        let database = context.module.database
        let rows = try await database.query("""
            SELECT o.province_id, u.name, count(*) FILTER (WHERE o.status = 'approved'), count(*) FILTER (WHERE o.status = 'awaitingApproval'),
                   coalesce(sum(k.claims), 0)::bigint, coalesce(sum(k.redemptions), 0)::bigint,
                   coalesce(sum(least(coalesce(k.redemptions, 0) * o.subsidy_per_redemption, o.budget_cap)), 0)::bigint
            FROM partner_discounts_offers o JOIN core_v1.units u ON u.id = o.province_id
            LEFT JOIN (SELECT province_id, offer_id, count(*) AS claims, count(redeemed_at) AS redemptions FROM partner_discounts_claims GROUP BY 1, 2) k
                   ON k.province_id = o.province_id AND k.offer_id = o.id
            GROUP BY o.province_id, u.name, u.sort_key ORDER BY u.sort_key
            """).decode((ID<AdministrativeUnit>, String, Int, Int, Int, Int, Int).self)
        return rows.map { ProvinceUptake(provinceId: $0.0, province: $0.1, offersLive: $0.2, offersAwaitingApproval: $0.3, claims: $0.4, redemptions: $0.5, owed: $0.6) }
    }
}

/// RFC 4180 text for spreadsheets: quoted where needed, CRLF line ends, and a text a spreadsheet would take
/// for a formula (starting with =, +, -, @, a tab or a carriage return) kept as text with an apostrophe.
enum CSVText {
    static func lines(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { cell in
                let digits = cell.hasPrefix("-") ? cell.dropFirst() : Substring(cell)
                let isNumber = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
                let field = (cell.first.map { "=+-@\t\r".contains($0) } ?? false) && !isNumber ? "'" + cell : cell
                return field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }
}
