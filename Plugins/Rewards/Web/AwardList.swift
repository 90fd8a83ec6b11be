import CDTModuleKit
import Foundation
import Hummingbird
import NIOCore

/// A round's award list: the nominations awarded, as CSV for Excel (UTF-8 with a byte-order mark,
/// Vietnamese headers) and as a printable decision annex in the Vietnamese administrative style.
enum AwardList {
    struct Row {
        var number: Int
        var name: String
        var kind: String
        var unit: String
        var category: String
        var award: String
        var decision: String
    }

    /// The awarded nominations of the round the path names, in the caller's view scope: by category, then
    /// in Vietnamese order of their names. A national round's span the provinces the caller sees, each
    /// unit followed by its province.
    static func rows(_ context: ModuleRequestContext) async throws -> (Round, [Row]) {
        let round = try await RoundRoutes.visibleRound(context)
        var filter = RewardsStore.Filter()
        filter.round = round.id
        filter.state = "awarded"
        let awarded = try await RewardsStore.nominations(within: NominationRoutes.scope(context), filter, context.module.database)
        let order = round.categories.map(\.key)
        let provinceNames = round.isNational
            ? Dictionary(uniqueKeysWithValues: try await CoreReads(context.module.database).units(round.provinces).map { ($0.id, $0.name) }) : [:]
        let sorted = awarded.sorted {
            let (a, b) = (order.firstIndex(of: $0.category) ?? 0, order.firstIndex(of: $1.category) ?? 0)
            return a != b ? a < b : VietnameseText.areInIncreasingOrder($0.subjectName, $1.subjectName)
        }
        let rows = sorted.enumerated().map { index, n in
            let unit = [n.teamName.flatMap { n.subjectKind == "member" ? $0 : nil }, n.unitName, provinceNames[n.provinceId]].compactMap { $0 }
                .joined(separator: ", ")
            return Row(number: index + 1, name: n.subjectName, kind: n.subjectKind, unit: unit,
                       category: round.category(n.category)?.nameVi ?? n.category, award: n.decision?.awardTitle ?? "",
                       decision: n.decision.map { "\($0.decisionNumber) ngày \(VietnameseDates.long($0.decisionDate))" } ?? "")
        }
        return (round, rows)
    }

    static func csv(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let (round, rows) = try await rows(context)
        let table = [["STT", "Họ và tên / Tên tập thể", "Đơn vị", "Danh hiệu", "Hình thức khen thưởng", "Quyết định"]]
            + rows.map { [String($0.number), $0.name, $0.unit, $0.category, $0.award, $0.decision] }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"rewards-\(round.id)-awards.csv\""
        let bytes = [UInt8]([0xEF, 0xBB, 0xBF]) + Array(CSVText.make(table).utf8)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET rounds/{id}/annex`: PHỤ LỤC — DANH SÁCH … as the decision's annex, ready to print.
    static func annex(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let (round, rows) = try await rows(context)
        let province = round.isNational ? nil : try await CoreReads(context.module.database).unit(round.provinceId)
        let provinceName = province?.name ?? ""
        // A national round's decision is the nation's: its issuer is left for the decision to name.
        let issuer = round.isNational ? "CẤP TRUNG ƯƠNG" : "UỶ BAN NHÂN DÂN<br>\(HTML.escape(provinceName.uppercased()))"
        let signedBy = round.isNational ? "" : " của Chủ tịch Uỷ ban nhân dân \(HTML.escape(provinceName))"
        let decisions = Set(rows.map(\.decision)).sorted()
        let body = rows.map { row in
            "<tr><td class=\"n\">\(row.number)</td><td>\(HTML.escape(row.name))</td><td>\(HTML.escape(row.unit))</td>"
                + "<td>\(HTML.escape(row.category))</td><td>\(HTML.escape(row.award))</td></tr>"
        }.joined()
        let html = """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Phụ lục — \(HTML.escape(round.titleVi))</title><style>\(style)</style></head>
            <body><main class="annex">
            <table class="heading"><tr><td><strong>\(issuer)</strong></td>
            <td><strong>CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM<br><u>Độc lập - Tự do - Hạnh phúc</u></strong></td></tr></table>
            <h1>PHỤ LỤC</h1>
            <h2>DANH SÁCH \(HTML.escape(round.titleVi.uppercased()))</h2>
            <p class="sub"><em>(Kèm theo Quyết định số \(HTML.escape(decisions.isEmpty ? "……" : decisions.joined(separator: "; ")))\(signedBy))</em></p>
            <p class="sub" lang="en">Annex: list of awards — \(HTML.escape(round.titleEn))</p>
            <table class="list"><thead><tr><th>STT</th><th>Họ và tên / Tên tập thể</th><th>Đơn vị</th><th>Danh hiệu</th><th>Hình thức khen thưởng</th></tr></thead>
            <tbody>\(body.isEmpty ? "<tr><td colspan=\"5\">Chưa có khen thưởng. / No awards yet.</td></tr>" : body)</tbody></table>
            <p class="total">Danh sách có \(rows.count) trường hợp. / \(rows.count) awards.</p>
            </main></body></html>

            """
        return RewardsPages.page(html)
    }

    static let style = """
        body{font-family:"Times New Roman",Tinos,"Liberation Serif",serif;margin:0;color:#000;background:#fff}
        .annex{max-width:900px;margin:0 auto;padding:16px}.heading{width:100%;text-align:center;border:0}.heading td{border:0;vertical-align:top;padding:4px}
        h1{text-align:center;font-size:1.2rem;margin:16px 0 4px}h2{text-align:center;font-size:1.05rem;margin:0}.sub{text-align:center;margin:4px 0}
        .list{width:100%;border-collapse:collapse;margin-top:12px}.list th,.list td{border:1px solid #000;padding:4px 6px;vertical-align:top}
        .n{text-align:center}.total{margin-top:8px}@media print{.annex{padding:0}}
        """
}

/// RFC 4180 text for spreadsheets: fields with a comma, quote or line break quoted; CRLF line ends; a text
/// a spreadsheet could take for a formula gets a leading apostrophe.
enum CSVText {
    static func make(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { cell in
                let field = (cell.first.map { "=+-@\t\r".contains($0) } ?? false) && Double(cell) == nil ? "'" + cell : cell
                return field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }
}

/// Dates as Vietnamese documents write them.
enum VietnameseDates {
    /// `dd/mm/yyyy`.
    static func long(_ date: CalendarDate) -> String {
        let parts = date.description.split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : date.description
    }
}
