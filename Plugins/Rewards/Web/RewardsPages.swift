import CDTModuleKit
import Foundation
import Hummingbird
import NIOCore

/// The module's pages, rendered on the server for the session cookie: the rounds, a round's queue for
/// the caller's level with counts against quotas, a nomination with its frozen evidence, its history and
/// the action forms. Vietnamese first, English beside it; no script, no outside resource.
enum RewardsPages {
    static func add(to routes: inout ModuleRoutes) {
        routes.get("pages/rounds", access: .view, documentation: RouteDocumentation(
            summary: "Page: the rounds", answer: .text("text/html", "The rounds of the caller's provinces."))) { request, context in
            try await RoundPages.overview(request, context)
        }
        routes.get("pages/rounds/{id}", access: .view, documentation: RouteDocumentation(
            summary: "Page: a round and the caller's review queue", parameters: [.path("id", .uuid, "The round.")],
            answer: .text("text/html", "The round, the queue at the caller's level with counts against quotas, and the nominations in the caller's area."))) { request, context in
            try await RoundPages.round(request, context)
        }
        routes.get("pages/nominations/{id}", access: .view, documentation: RouteDocumentation(
            summary: "Page: a nomination", parameters: [.path("id", .uuid, "The nomination.")],
            answer: .text("text/html", "The nomination, its frozen evidence beside today's, its history and the forms of the steps the caller may take."))) { request, context in
            try await NominationPage.render(try context.id("id"), context)
        }
        NominationPage.addForms(to: &routes)
        NominateForm.addForm(to: &routes)
    }

    /// An HTML answer under the kit's strict policy for pages.
    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        ModuleResponse.page(html, status: status)
    }

    /// How a page names a national round.
    static let nationalRound = LocalizedName(vietnamese: "Đợt toàn quốc", english: "National round")

    /// Vietnamese, then English in a smaller line.
    static func both(_ name: LocalizedName) -> String {
        "\(HTML.escape(name.vietnamese)) <small lang=\"en\">\(HTML.escape(name.english))</small>"
    }

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title><style>\(style)</style></head>
        <body><header><h1>Thi đua, khen thưởng <small lang="en">Rewards</small></h1>
        <nav><a href="/api/v1/modules/rewards/pages/rounds">Các đợt <small lang="en">Rounds</small></a></nav></header>
        <main>\(body)</main></body></html>

        """
    }

    static let style = """
        body{font-family:system-ui,"Noto Sans","DejaVu Sans",sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9;font-size:16px}
        header{background:#b3261e;color:#fff;padding:10px 14px}header h1{font-size:1.15rem;margin:0}header a{color:#fff}
        main{padding:10px 14px;max-width:960px}small{color:#555;font-weight:normal}header small{color:#fde}
        section{background:#fff;border-radius:8px;padding:10px 12px;margin:10px 0;box-shadow:0 1px 2px #0002}
        h2{font-size:1.1rem;margin:4px 0 8px}h3{font-size:1rem;margin:8px 0 4px}.scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%}th,td{padding:5px 6px;border-bottom:1px solid #ddd;text-align:left;font-size:.9rem;vertical-align:top}
        td.n{text-align:right}.state{display:inline-block;padding:1px 6px;border-radius:10px;background:#eef;font-size:.85rem}
        .over{color:#b3261e;font-weight:bold}form{margin:8px 0;padding:8px;border:1px solid #ddd;border-radius:6px}
        label{display:block;margin:6px 0 2px}input[type=text],input[type=date],textarea{width:100%;box-sizing:border-box;padding:6px;font:inherit}
        button{padding:8px 12px;font:inherit;margin-top:6px}.error{color:#b3261e;display:block}.notice{background:#fff4e5;padding:8px;border-radius:6px}
        dl{display:grid;grid-template-columns:minmax(90px,30%) 1fr;gap:4px 8px;margin:0}dt{color:#555}dd{margin:0}
        """
}
