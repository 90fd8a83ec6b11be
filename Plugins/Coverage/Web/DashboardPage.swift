import CDTModuleKit
import Foundation
import Hummingbird
import NIOCore

/// `GET dashboard`: the module's page, rendered on the server. Vietnamese by default (`lang=en` for
/// English); a unit picker that finds units without regard to diacritics (`q`); headline figures against
/// targets; an SVG bar chart of the units below and an SVG line chart over time; tables whose every
/// figure links to its unit's own page. No script runs: the page works with JavaScript off.
enum DashboardPage {
    static func render(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let language = try Language.read(request)
        let reader = CoverageRoutes.reader(context)
        let query = try await CoverageQuery.read(request, context, reader: reader)
        let answer = try await CoverageFigures.answer(query, reader)
        let chartMetric = Metric.named(query.settings.string("chartMetric")) ?? .householdsVisitedShare
        let interval = SeriesInterval(rawValue: query.settings.string("seriesInterval")) ?? .week
        // The line covers the period asked for, or else everything from the first day with figures (up to
        // two years back).
        var seriesQuery = query
        if request.queryText("from") == nil {
            let first = try await reader.firstDay(of: query.unit, epoch: query.epoch, provinces: query.provinces) ?? query.at.adding(days: -90)
            seriesQuery.from = min(query.at, max(query.at.adding(days: -729), first))
        }
        // At most 400 points, whatever the interval.
        let reach = interval == .day ? 399 : interval == .week ? 7 * 399 : 28 * 399
        seriesQuery.from = max(seriesQuery.from ?? query.at, query.at.adding(days: -reach))
        let series = try await CoverageFigures.series(seriesQuery, metric: chartMetric, interval: interval, reader)
        let targets = try await CoverageRoutes.assess(query, reader)
        let campaigns = try await TargetStore.campaigns(touching: query.unit, provinces: query.provinces, reader.database)
        let search = request.queryText("q")
        if let search, search.count > 100 {
            throw ProblemDetails(status: .badRequest, detail: "The query is too long.", errors: [.init(field: "q", rule: "must be at most 100 characters")])
        }
        var matches: [CoverageUnit]?
        if let search {
            matches = try await reader.search(search, provinces: context.provinces, today: query.today).filter { context.viewScope.contains(path: $0.path) }
        }
        let page = Page(language: language, query: query, chosenFrom: request.queryText("from"), answer: answer, headline: query.settings.strings("headlineMetrics").compactMap(Metric.named),
                        chartMetric: chartMetric, series: series, targets: targets, campaigns: campaigns, search: search, matches: matches,
                        nationwide: context.viewsNationwide)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // No script, no outside resource: styles inline, images the inline SVG.
        headers[.contentSecurityPolicy] = ModuleResponse.contentSecurityPolicy
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page.html)))
    }

    struct Page {
        let language: Language
        let query: CoverageQuery
        /// The period's start when the caller chose one (kept in links), as they wrote it.
        let chosenFrom: String?
        let answer: CoverageAnswer
        let headline: [Metric]
        let chartMetric: Metric
        let series: CoverageFigures.Series
        let targets: [CoverageRoutes.TargetAnswer]
        let campaigns: [TargetStore.CampaignProgress]
        let search: String?
        let matches: [CoverageUnit]?
        let nationwide: Bool

        var numbers: NumberStyle { NumberStyle(language: language) }

        func link(unit: UUID?, lang: Language? = nil, anchor: String = "") -> String {
            "dashboard" + HTML.query([
                ("unit", unit?.lowercasedText ?? (nationwide ? nil : nil)), ("lang", (lang ?? language) == .en ? "en" : nil),
                ("at", request("at")), ("from", request("from")), ("hierarchy", query.view == .asOf ? "asOf" : nil),
            ]) + anchor
        }

        /// The query's own dates, kept in links only when the caller chose them.
        func request(_ name: String) -> String? {
            switch name {
            case "at": query.at == query.today ? nil : query.at.description
            case "from": chosenFrom.flatMap(CalendarDate.init).map(\.description)
            default: nil
            }
        }

        func name(_ unit: CoverageUnit) -> String { unit.id == nil ? language.pick(DashboardText.nation) : unit.name }

        var html: String {
            let t = language
            let unitName = name(answer.unit)
            var body = """
                <!DOCTYPE html>
                <html lang="\(t.rawValue)">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>\(HTML.escape(t.pick(DashboardText.title))) — \(HTML.escape(unitName))</title>
                <style>\(Self.style)</style></head>
                <body>
                <header><h1>\(HTML.escape(t.pick(DashboardText.title)))</h1>
                <p class="lang"><a href="\(HTML.escape(link(unit: answer.unit.id, lang: .vi)))" lang="vi"\(t == .vi ? " aria-current=\"page\"" : "")>Tiếng Việt</a> · <a href="\(HTML.escape(link(unit: answer.unit.id, lang: .en)))" lang="en"\(t == .en ? " aria-current=\"page\"" : "")>English</a></p>
                </header>
                <main>
                \(breadcrumbs)
                <h2 id="unit-name">\(HTML.escape(unitName))</h2>
                <p class="period">\(HTML.escape(DashboardText.asOf(answer.at.description, from: answer.from?.description, current: answer.hierarchy == .current, language: t)))</p>
                \(picker)
                \(headlineSection)
                \(barSection)
                \(lineSection)
                \(childrenTable)
                \(targetsSection)
                \(campaignsSection)
                </main></body></html>
                """
            body += "\n"
            return body
        }

        var breadcrumbs: String {
            var trail: [(String, String?)] = []
            if nationwide { trail.append((language.pick(DashboardText.nation), answer.unit.id == nil ? nil : link(unit: nil))) }
            for ancestor in answer.ancestors { trail.append((ancestor.name, link(unit: ancestor.id))) }
            if answer.unit.id != nil { trail.append((answer.unit.name, nil)) }
            let items = trail.map { label, href in
                href.map { "<li><a href=\"\(HTML.escape($0))\">\(HTML.escape(label))</a></li>" } ?? "<li aria-current=\"page\">\(HTML.escape(label))</li>"
            }
            return "<nav aria-label=\"\(language.pick("Vị trí", "Location"))\"><ol class=\"crumbs\">\(items.joined())</ol></nav>"
        }

        var picker: String {
            var html = """
                <form method="get" action="dashboard" class="picker" role="search">
                <label for="q">\(HTML.escape(language.pick(DashboardText.search)))</label>
                <input id="q" name="q" type="search" maxlength="100" value="\(HTML.escape(search ?? ""))">
                \(language == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
                <button type="submit">\(HTML.escape(language.pick(DashboardText.searchButton)))</button>
                </form>
                """
            if let matches {
                html += matches.isEmpty ? "<p class=\"matches\">\(HTML.escape(language.pick(DashboardText.noMatch)))</p>"
                    : "<ul class=\"matches\">" + matches.map { "<li><a href=\"\(HTML.escape(link(unit: $0.id)))\">\(HTML.escape($0.name))</a> <small>\(HTML.escape($0.level))</small></li>" }.joined() + "</ul>"
            }
            return html
        }

        var headlineSection: String {
            let cards = headline.map { metric -> String in
                let figure = answer.figures.first { $0.metric == metric.key }
                let target = targets.first { $0.unit.id == answer.unit.id && $0.assessment.target.metric == metric.key }
                var card = """
                    <li class="card"><a href="#children"><span class="label">\(HTML.escape(language.pick(metric.label)))</span>
                    <strong class="figure" data-metric="\(HTML.escape(metric.key))">\(HTML.escape(numbers.figure(figure?.value, isShare: metric.isShare)))\(figure?.apportioned == true ? "*" : "")</strong></a>
                    """
                if let change = figure?.change { card += "<span class=\"change\">\(HTML.escape(numbers.change(change, isShare: metric.isShare)))</span>" }
                if let target {
                    let a = target.assessment
                    card += """
                        <span class="target status-\(a.status.rawValue)">\(HTML.escape(language.pick(DashboardText.target))): \(HTML.escape(numbers.figure(a.target.value, isShare: metric.isShare))) \
                        \(HTML.escape(language.pick("trước", "by"))) \(a.target.deadline) — \(HTML.escape(language.pick(DashboardText.status(a.status))))</span>
                        """
                }
                return card + "</li>"
            }
            return "<section aria-labelledby=\"headline\"><h2 id=\"headline\">\(HTML.escape(language.pick(DashboardText.headline)))</h2><ul class=\"cards\">\(cards.joined())</ul>"
                + (answer.figures.contains { $0.apportioned } ? "<p class=\"note\">\(HTML.escape(language.pick(DashboardText.apportioned)))</p>" : "") + "</section>"
        }

        var barSection: String {
            let label = language.pick(chartMetric.label)
            let ranked = CoverageFigures.ranking(answer, metric: chartMetric, ascending: false).items.prefix(40)
            guard !ranked.isEmpty else { return "" }
            let bars = ranked.map { item in
                SVGCharts.Bar(label: item.unit.name, value: item.value, text: numbers.figure(item.value, isShare: chartMetric.isShare), link: link(unit: item.unit.id))
            }
            let maximum = chartMetric.isShare ? 1 : max(1, ranked.compactMap(\.value).max() ?? 1)
            let description = language.pick("Biểu đồ cột: \(label) của \(ranked.count) đơn vị trực thuộc, cao nhất trước.",
                                            "Bar chart: \(label) of \(ranked.count) units below, highest first.")
            return "<section aria-labelledby=\"bars\"><h2 id=\"bars\">\(HTML.escape(label)) — \(HTML.escape(language.pick(DashboardText.children)))</h2>"
                + SVGCharts.bars(bars, maximum: maximum, title: "\(label) — \(name(answer.unit))", description: description, id: "bar-chart") + "</section>"
        }

        var lineSection: String {
            let label = language.pick(series.label)
            let points = series.points.map { SVGCharts.Point(label: $0.bucket.description, value: $0.value, text: numbers.figure($0.value, isShare: series.isShare)) }
            let first = points.first { $0.value != nil }, last = points.last { $0.value != nil }
            let description = language.pick(
                "Biểu đồ đường: \(label) từ \(first?.label ?? "") (\(first?.text ?? "—")) đến \(last?.label ?? "") (\(last?.text ?? "—")).",
                "Line chart: \(label) from \(first?.label ?? "") (\(first?.text ?? "—")) to \(last?.label ?? "") (\(last?.text ?? "—")).")
            let chart = SVGCharts.line(points, title: "\(label) — \(name(answer.unit))", description: description, id: "line-chart") {
                numbers.figure($0, isShare: series.isShare)
            }
            return "<section aria-labelledby=\"over-time\"><h2 id=\"over-time\">\(HTML.escape(label)) — \(HTML.escape(language.pick(DashboardText.overTime)))</h2>\(chart)"
                + "<p><a href=\"\(HTML.escape(exportLink("series")))\">\(HTML.escape(language.pick(DashboardText.download)))</a></p></section>"
        }

        func exportLink(_ table: String) -> String {
            "export" + HTML.query([("table", table), ("unit", answer.unit.id?.lowercasedText), ("lang", language.rawValue),
                                   ("at", request("at")), ("from", request("from")), ("hierarchy", query.view == .asOf ? "asOf" : nil)])
        }

        static let tableMetrics: [Metric] = [.villagesWithTeamShare, .teams, .members, .membersTrained, .householdsVisited, .householdsVisitedShare]
            + BasicSkill.allCases.map(Metric.share) + [.share(DigitalService.vneidActivated)]

        var childrenTable: String {
            let head = "<tr><th scope=\"col\">\(HTML.escape(language.pick(DashboardText.unit)))</th>"
                + Self.tableMetrics.map { "<th scope=\"col\">\(HTML.escape(language.pick($0.label)))</th>" }.joined() + "</tr>"
            let rows = answer.children.map { child -> String in
                let href = HTML.escape(link(unit: child.unit.id))
                return "<tr><th scope=\"row\"><a href=\"\(href)\">\(HTML.escape(child.unit.name))</a></th>" + Self.tableMetrics.map { metric in
                    let figure = child.figure(metric.key)
                    return "<td><a href=\"\(href)\">\(HTML.escape(numbers.figure(figure?.value, isShare: metric.isShare)))\(figure?.apportioned == true ? "*" : "")</a></td>"
                }.joined() + "</tr>"
            }
            let table = rows.isEmpty ? "<p>\(HTML.escape(language.pick(DashboardText.noChildren)))</p>"
                : "<div class=\"scroll\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
            return "<section aria-labelledby=\"children\"><h2 id=\"children\">\(HTML.escape(language.pick(DashboardText.children)))</h2>\(table)"
                + "<p><a href=\"\(HTML.escape(exportLink("figures")))\">\(HTML.escape(language.pick(DashboardText.download)))</a></p></section>"
        }

        var targetsSection: String {
            let rows = targets.map { item -> String in
                let a = item.assessment
                return "<tr><th scope=\"row\"><a href=\"\(HTML.escape(link(unit: item.unit.id)))\">\(HTML.escape(item.unit.name))</a></th>"
                    + "<td>\(HTML.escape(language.pick(item.label)))</td><td>\(HTML.escape(numbers.figure(a.target.value, isShare: item.isShare)))</td>"
                    + "<td>\(a.target.deadline)</td><td>\(HTML.escape(numbers.figure(a.current, isShare: item.isShare)))</td>"
                    + "<td>\(HTML.escape(numbers.figure(a.gap, isShare: item.isShare)))</td><td>\(HTML.escape(numbers.figure(a.projected, isShare: item.isShare)))</td>"
                    + "<td class=\"status-\(a.status.rawValue)\">\(HTML.escape(language.pick(DashboardText.status(a.status))))</td></tr>"
            }
            let head = [DashboardText.unit, LocalizedName(vietnamese: "Chỉ số", english: "Metric"), DashboardText.target, DashboardText.deadline,
                        DashboardText.current, DashboardText.gap, DashboardText.projected, LocalizedName(vietnamese: "Đánh giá", english: "Status")]
                .map { "<th scope=\"col\">\(HTML.escape(language.pick($0)))</th>" }.joined()
            let table = rows.isEmpty ? "<p>\(HTML.escape(language.pick(DashboardText.noTargets)))</p>"
                : "<div class=\"scroll\"><table><thead><tr>\(head)</tr></thead><tbody>\(rows.joined())</tbody></table></div>"
            return "<section aria-labelledby=\"targets\"><h2 id=\"targets\">\(HTML.escape(language.pick(DashboardText.targets)))</h2>\(table)</section>"
        }

        var campaignsSection: String {
            let rows = campaigns.map { c -> String in
                let goals = c.targets.map { target -> String in
                    let reached = switch target.metric {
                    case .householdsVisited: c.householdsVisited
                    case .householdsWithTargetSkill: c.householdsWithTargetSkill
                    case .membersTrained: c.membersTrained
                    }
                    return "\(numbers.count(Double(reached))) / \(numbers.count(Double(target.value)))"
                }.joined(separator: "; ")
                return "<tr><th scope=\"row\">\(HTML.escape(c.name))</th><td>\(c.startsOn) – \(c.closedOn ?? c.endsOn)</td>"
                    + "<td>\(HTML.escape(numbers.count(Double(c.householdsVisited))))</td><td>\(HTML.escape(numbers.count(Double(c.householdsWithTargetSkill))))</td>"
                    + "<td>\(HTML.escape(numbers.count(Double(c.membersTrained))))</td><td>\(HTML.escape(goals))</td></tr>"
            }
            let head = [LocalizedName(vietnamese: "Chiến dịch", english: "Campaign"), LocalizedName(vietnamese: "Thời gian", english: "Period"),
                        LocalizedName(vietnamese: "Hộ đã đến", english: "Households visited"),
                        LocalizedName(vietnamese: "Hộ thành thạo kỹ năng mục tiêu", english: "Households with a target skill"),
                        LocalizedName(vietnamese: "Thành viên được tập huấn", english: "Members trained"),
                        LocalizedName(vietnamese: "So với mục tiêu", english: "Against targets")]
                .map { "<th scope=\"col\">\(HTML.escape(language.pick($0)))</th>" }.joined()
            let table = rows.isEmpty ? "<p>\(HTML.escape(language.pick(DashboardText.noCampaigns)))</p>"
                : "<div class=\"scroll\"><table><thead><tr>\(head)</tr></thead><tbody>\(rows.joined())</tbody></table></div>"
            return "<section aria-labelledby=\"campaigns\"><h2 id=\"campaigns\">\(HTML.escape(language.pick(DashboardText.campaigns)))</h2>\(table)</section>"
        }

        static let style = """
            body{font-family:system-ui,"Noto Sans","DejaVu Sans",sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
            header{background:#b3261e;color:#fff;padding:12px 20px;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap}
            header h1{font-size:1.3rem;margin:0}header a{color:#fff}main{padding:12px 20px;max-width:1200px}
            .crumbs{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px}.crumbs li+li:before{content:"›";margin-right:6px}
            .cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
            .card{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px #0002}.card a{text-decoration:none;color:inherit}
            .card .label{display:block;font-size:.9rem;color:#444}.card .figure{display:block;font-size:1.8rem}
            .change,.target{display:block;font-size:.85rem}.status-behind,.status-missed{color:#b3261e}.status-onPace,.status-reached{color:#1b6e20}
            .chart{max-width:760px;background:#fff;border-radius:8px}.chart text{font-size:12px;fill:#1b1b1b}.chart rect{fill:#1f6feb}
            .chart a:focus rect,.chart a:hover rect{fill:#0b3d91}.chart .series{fill:none;stroke:#1f6feb;stroke-width:2}.chart circle{fill:#1f6feb}
            .chart .axis{stroke:#888}.scroll{overflow-x:auto}table{border-collapse:collapse;background:#fff}
            th,td{padding:6px 8px;border-bottom:1px solid #ddd;text-align:right;font-size:.9rem}th[scope=row],thead th:first-child{text-align:left}
            .picker{margin:8px 0}.picker input{padding:6px;min-width:260px}.matches{background:#fff;padding:8px 24px}
            """
    }
}
