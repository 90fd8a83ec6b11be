import CDTModuleKit
import Foundation
import Hummingbird
import NIOCore

/// `GET export?table=…`: any of the module's tables as CSV, UTF-8 with a byte-order mark so spreadsheet
/// programs keep the diacritics, headers in Vietnamese (`lang=vi`, the default) or English (`lang=en`).
enum CoverageExport {
    static let tables = ["figures", "ranking", "series", "targets", "campaigns"]

    static func export(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let table = request.queryText("table") ?? "figures"
        guard tables.contains(table) else {
            throw ProblemDetails.invalidQuery("table", "must be one of \(tables.joined(separator: ", "))")
        }
        let language = try Language.read(request)
        let reader = CoverageRoutes.reader(context)
        let query = try await CoverageQuery.read(request, context, reader: reader)
        let rows: [[String]]
        switch table {
        case "figures":
            let answer = try await CoverageFigures.answer(query, reader)
            rows = [[language.pick("Đơn vị", "Unit"), language.pick("Cấp", "Level")] + Metric.all.map { language.pick($0.label) }]
                + ([UnitCoverage(unit: answer.unit, figures: answer.figures)] + answer.children).map { row in
                    [row.unit.name, row.unit.level] + row.figures.map { number($0.value) }
                }
        case "ranking":
            let metric = try CoverageQuery.metric(request, default: Metric.householdsVisitedShare.key)
            let ranking = CoverageFigures.ranking(try await CoverageFigures.answer(query, reader), metric: metric, ascending: request.queryText("order") == "asc")
            rows = [[language.pick("Hạng", "Rank"), language.pick("Đơn vị", "Unit"), language.pick(metric.label)]]
                + ranking.items.map { [String($0.rank), $0.unit.name, number($0.value)] }
        case "series":
            let series = try await CoverageRoutes.series(request, context)
            rows = [[language.pick("Từ ngày", "From"), language.pick(series.label)]] + series.points.map { [$0.bucket.description, number($0.value)] }
        case "targets":
            let targets = try await CoverageRoutes.assess(query, reader)
            rows = [[language.pick("Đơn vị", "Unit"), language.pick("Chỉ tiêu", "Metric"), language.pick("Mục tiêu", "Target"), language.pick("Hạn", "Deadline"),
                     language.pick("Hiện tại", "Current"), language.pick("Khoảng cách", "Gap"), language.pick("Dự báo đến hạn", "Projected at deadline"),
                     language.pick("Đánh giá", "Status")]]
                + targets.map { item in
                    let a = item.assessment
                    return [item.unit.name, language.pick(item.label), number(a.target.value), a.target.deadline.description, number(a.current), number(a.gap),
                            number(a.projected), language.pick(DashboardText.status(a.status))]
                }
        default:
            let campaigns = try await TargetStore.campaigns(touching: query.unit, provinces: query.provinces, reader.database)
            rows = [[language.pick("Chiến dịch", "Campaign"), language.pick("Bắt đầu", "Starts"), language.pick("Kết thúc", "Ends"),
                     language.pick("Hộ đã đến", "Households visited"), language.pick("Hộ thành thạo kỹ năng mục tiêu", "Households with a target skill"),
                     language.pick("Thành viên được tập huấn", "Members trained"), language.pick("Mục tiêu", "Targets")]]
                + campaigns.map { c in
                    [c.name, c.startsOn.description, (c.closedOn ?? c.endsOn).description, String(c.householdsVisited), String(c.householdsWithTargetSkill),
                     String(c.membersTrained), c.targets.map { "\($0.metric.rawValue)=\($0.value)" }.joined(separator: "; ")]
                }
        }
        return csvResponse(rows, filename: "coverage-\(table)-\(query.at).csv")
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4f", value)
    }

    /// RFC 4180 text: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends.
    /// A text that a spreadsheet could take for a formula (one starting with =, +, -, @, a tab or a
    /// carriage return) gets a leading apostrophe, so a campaign named "=HYPERLINK(…)" or
    /// "-1+HYPERLINK(…)" stays text; only a plain number ("-3", "0.25") is left as it is.
    static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { cell in
                let field = isFormula(cell) ? "'" + cell : cell
                return field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    static func isFormula(_ text: String) -> Bool {
        guard let first = text.first, "=+-@\t\r".contains(first) else { return false }
        return !isPlainNumber(text)
    }

    /// An optional minus, ASCII digits, and at most one decimal point between digits.
    static func isPlainNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    static func csvResponse(_ rows: [[String]], filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        let bytes = [UInt8]([0xEF, 0xBB, 0xBF]) + Array(csv(rows).utf8)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The language of a page or export: Vietnamese unless `lang=en`.
enum Language: String, Sendable {
    case vi, en

    static func read(_ request: Request) throws -> Language {
        guard let text = request.queryText("lang") else { return .vi }
        guard let language = Language(rawValue: text) else {
            throw ProblemDetails.invalidQuery("lang", "must be vi or en")
        }
        return language
    }

    func pick(_ vietnamese: String, _ english: String) -> String { self == .vi ? vietnamese : english }
    func pick(_ name: LocalizedName) -> String { self == .vi ? name.vietnamese : name.english }
}
