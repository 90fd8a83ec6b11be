import CDTModuleKit
import Foundation
import Hummingbird

/// The nominator's part of a round's page: the teams of the caller's own area ranked by households
/// visited over the round's period, each with a form to nominate it (`pages/rounds/{id}/nominate`).
enum NominateForm {
    /// A refused nomination: the team it was for, and why.
    struct Refusal {
        var subjectId: String
        var message: String
    }

    static func section(_ round: Round, _ context: ModuleRequestContext, refusal: Refusal?) async throws -> String {
        let categories = round.categories.filter { $0.subject == Subject.team.rawValue }
        guard round.state == "open", !categories.isEmpty, !context.changeScope.isNationwide else { return "" }
        let database = context.module.database
        let own = context.changeScope.paths.compactMap { $0.split(separator: "/").last.flatMap { UUID(uuidString: String($0)) } }.map(ID<AdministrativeUnit>.init)
        let units = try await CoreReads(database).units(own).filter { $0.provinceID.map(round.provinces.contains) == true && ($0.level == "commune" || $0.level == "village") }
        var ranked: [(team: FoundSubject, visited: Double)] = []
        for unit in units {
            for team in try await Subjects.candidates(.team, under: unit, on: round.periodUntil, database) {
                let evidence = try await Evidence.figures(for: team.evidenceSubject, from: round.periodFrom, until: round.periodUntil, database)
                ranked.append((team, evidence.first { $0.key == EvidenceMetric.householdsVisited.rawValue }?.value ?? 0))
            }
        }
        guard !ranked.isEmpty else { return "" }
        ranked.sort { $0.visited != $1.visited ? $0.visited > $1.visited : VietnameseText.areInIncreasingOrder($0.team.name, $1.team.name) }
        let rows = ranked.enumerated().map { index, entry in
            let subject = entry.team.id.lowercasedText
            let choice = categories.count == 1
                ? "<input type=\"hidden\" name=\"category\" value=\"\(HTML.escape(categories[0].key))\">"
                : "<select name=\"category\" aria-label=\"Danh hiệu\">" + categories.map { "<option value=\"\(HTML.escape($0.key))\">\(HTML.escape($0.nameVi))</option>" }.joined() + "</select>"
            let message = refusal?.subjectId == subject ? "<span class=\"error\" role=\"alert\" id=\"nominate-error\">\(HTML.escape(refusal!.message))</span>" : ""
            return """
                <tr><td class="n">\(index + 1)</td><td>\(HTML.escape(entry.team.name))<br><small>\(HTML.escape(entry.team.unit.name))</small></td>
                <td class="n">\(NominationPage.number(entry.visited))</td><td>
                <form method="post" action="/api/v1/modules/rewards/pages/rounds/\(round.id)/nominate" class="nominate">
                \(HTML.csrfField(context))<input type="hidden" name="subjectId" value="\(subject)">\(choice)
                <label for="citation-\(subject)">Thành tích <small lang="en">Citation</small></label>
                <textarea id="citation-\(subject)" name="citation" required maxlength="2000" rows="2"></textarea>\(message)
                <button type="submit">Đề nghị <small lang="en">Nominate</small></button></form></td></tr>
                """
        }.joined()
        return """
            <section id="candidates"><h2>Đề nghị khen thưởng <small lang="en">Nominate</small></h2>
            <p><small>Các tổ trong địa bàn, xếp theo số hộ đã đến hướng dẫn trong kỳ. <span lang="en">Your area's teams, by households visited in the period.</span></small></p>
            <div class="scroll"><table><thead><tr><th>#</th><th>Tổ <small lang="en">Team</small></th><th>Hộ đã đến <small lang="en">Households visited</small></th>
            <th></th></tr></thead><tbody>\(rows)</tbody></table></div></section>
            """
    }

    static func addForm(to routes: inout ModuleRoutes) {
        routes.form("pages/rounds/{id}/nominate", access: .change, documentation: RouteDocumentation(
            summary: "Page form: nominate a team of the caller's own area",
            description: "The round page's form for `POST nominations` (fields `subjectId`, `category`, `citation`), with the same rules; it answers "
                + "303 to the new draft's page, or the round's page again with the message beside the team (422, 409 or 403).",
            parameters: [.path("id", .uuid, "The round.")],
            answer: APIAnswer(status: .seeOther, mediaType: nil, schema: nil, summary: "Drafted: on to the nomination's page, to submit it."),
            errors: [.unprocessableContent, .conflict])) { request, context in
            try await post(request, context)
        }
    }

    static func post(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let round: ID<DomainEvent> = try context.id("id")
        let subject = context.form?["subjectId"] ?? ""
        guard let subjectID = UUID(uuidString: subject) else {
            return try await RoundPages.round(round, context, refusal: Refusal(subjectId: subject, message: "Chọn một tổ · Choose a team"), status: .unprocessableContent)
        }
        let input = NominationRoutes.DraftInput(roundId: round, category: context.form?["category"] ?? "", subjectId: ID(rawValue: subjectID),
                                                citation: context.form?["citation"] ?? "")
        do {
            let drafted = try await NominationRoutes.draft(input, context)
            return ModuleResponse.seeOther("/api/v1/modules/rewards/pages/nominations/\(drafted.id)")
        } catch let problem as ProblemDetails where [403, 409, 422].contains(problem.status) {
            let message = [problem.detail, problem.errors?.first.map { "\($0.field): \($0.rule)" }].compactMap { $0 }.joined(separator: " — ")
            return try await RoundPages.round(round, context, refusal: Refusal(subjectId: subjectID.lowercasedText, message: message),
                                              status: HTTPResponse.Status(code: problem.status))
        }
    }
}
