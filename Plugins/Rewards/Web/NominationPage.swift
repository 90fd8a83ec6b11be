import CDTModuleKit
import Foundation
import Hummingbird

/// A nomination's page: who is nominated (name, team, role, unit: never a phone number), the citation,
/// the evidence frozen at submission beside today's figures, the history, and a form for each step the
/// caller may take now.
enum NominationPage {
    /// A form's message beside its field, when the step was refused.
    struct Refusal {
        var action: ReviewAction
        var field: String
        var message: String
    }

    static func render(_ id: ID<DomainEvent>, _ context: ModuleRequestContext, refusal: Refusal? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let detail = try await NominationRoutes.detail(id, context)
        let n = detail.nomination
        let round = try await RoundRoutes.visibleRound(context, id: n.roundId)
        let shown = Set(detail.shownMetrics)
        // The module's own metrics as the province's setting shows them; other modules' figures (`coverage.…`) always.
        let evidenceRows = detail.liveEvidence.filter { shown.contains($0.key) || $0.key.contains(".") }.map { live in
            let frozen = n.evidence?.first { $0.key == live.key }
            return "<tr><td>\(HTML.escape(live.labelVi)) <small lang=\"en\">\(HTML.escape(live.labelEn))</small></td>"
                + "<td class=\"n\" data-frozen=\"\(HTML.escape(live.key))\">\(frozen.map { number($0.value) } ?? "—")</td>"
                + "<td class=\"n\" data-live=\"\(HTML.escape(live.key))\">\(number(live.value))</td></tr>"
        }.joined()
        let history = detail.history.map { entry in
            "<li><time>\(HTML.escape(entry.occurredAt.formatted(.iso8601)))</time> — \(HTML.escape(historyName(entry.action)))"
                + "\(entry.level.map { " · " + HTML.escape(RewardsLevels.name($0).vietnamese) } ?? "")\(entry.note.isEmpty ? "" : ": " + HTML.escape(entry.note))</li>"
        }.joined()
        let role = n.subjectRole.map { roleName($0) }
        let actions = try await availableActions(n, round, context)
        var forms = actions.map { form($0, n, context, refusal: refusal?.action == $0 ? refusal : nil) }.joined()
        if let refusal, !actions.contains(refusal.action) {
            // The step is no longer possible (another reviewer acted, the round closed): say why above the rest.
            forms = "<p class=\"notice\" role=\"alert\" id=\"refusal\">\(HTML.escape(refusal.message))</p>" + forms
        }
        let body = """
            <section><h2 id="nominee">\(HTML.escape(n.subjectName))</h2>
            <dl><dt>Đợt <small lang="en">Round</small></dt><dd><a href="/api/v1/modules/rewards/pages/rounds/\(round.id)">\(HTML.escape(round.titleVi))</a></dd>
            <dt>Danh hiệu <small lang="en">Category</small></dt><dd>\(HTML.escape(round.category(n.category)?.nameVi ?? n.category)) <small lang="en">\(HTML.escape(round.category(n.category)?.nameEn ?? ""))</small></dd>
            \(n.teamName.map { "<dt>Tổ <small lang=\"en\">Team</small></dt><dd>\(HTML.escape($0))</dd>" } ?? "")
            \(role.map { "<dt>Vai trò <small lang=\"en\">Role</small></dt><dd>\(RewardsPages.both($0))</dd>" } ?? "")
            <dt>Xã đề nghị <small lang="en">Nominating commune</small></dt><dd>\(HTML.escape(n.unitName))</dd>
            <dt>Trạng thái <small lang="en">State</small></dt><dd id="state"><span class="state">\(RewardsPages.both(NominationStates.name(n.state)))\
            \(n.level.map { " · " + RewardsPages.both(RewardsLevels.name($0)) } ?? "")</span></dd>
            \(n.returnReason.map { "<dt>Lý do trả lại <small lang=\"en\">Returned because</small></dt><dd>\(HTML.escape($0))</dd>" } ?? "")
            \(n.decision.map { "<dt>Quyết định <small lang=\"en\">Decision</small></dt><dd>\(HTML.escape($0.decisionNumber)), \(VietnameseDates.long($0.decisionDate)), \(HTML.escape($0.signer)): \(HTML.escape($0.awardTitle))</dd>" } ?? "")
            </dl>
            <h3>Thành tích <small lang="en">Citation</small></h3><p id="citation">\(HTML.escape(n.citation))</p></section>
            <section id="evidence"><h2>Minh chứng <small lang="en">Evidence</small></h2>
            <p><small>Kỳ \(VietnameseDates.long(round.periodFrom)) – \(VietnameseDates.long(round.periodUntil)). Số liệu lúc gửi được giữ nguyên; cột bên cạnh là số liệu hôm nay.
            <span lang="en">Frozen when submitted; today's figures beside them.</span></small></p>
            <div class="scroll"><table><thead><tr><th>Chỉ số <small lang="en">Metric</small></th><th>Lúc gửi <small lang="en">Submitted</small></th>
            <th>Hôm nay <small lang="en">Today</small></th></tr></thead><tbody>\(evidenceRows)</tbody></table></div></section>
            \(forms.isEmpty ? "" : "<section id=\"actions\"><h2>Xử lý <small lang=\"en\">Actions</small></h2>\(forms)</section>")
            <section id="history"><h2>Quá trình <small lang="en">History</small></h2><ol>\(history)</ol></section>
            """
        return RewardsPages.page(RewardsPages.document(title: "\(n.subjectName) — Thi đua, khen thưởng", body: body), status: status)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",")
    }

    static func roleName(_ role: String) -> LocalizedName {
        switch role {
        case "head": LocalizedName(vietnamese: "Tổ trưởng", english: "Head")
        case "deputyHead": LocalizedName(vietnamese: "Tổ phó", english: "Deputy head")
        default: LocalizedName(vietnamese: "Thành viên", english: "Member")
        }
    }

    static func historyName(_ action: String) -> String {
        switch action {
        case "drafted": "Lập hồ sơ (Drafted)"
        case "submitted": "Gửi (Submitted)"
        case "endorsed": "Đồng ý, trình lên (Endorsed)"
        case "returned": "Trả lại (Returned)"
        case "rejected": "Không đồng ý (Rejected)"
        case "approved": "Phê duyệt (Approved)"
        case "awarded": "Khen thưởng (Awarded)"
        case "withdrawn": "Rút (Withdrawn)"
        default: action
        }
    }

    /// The steps the caller may take on the nomination now: its state allows them and the caller holds
    /// the authority the step needs.
    static func availableActions(_ n: Nomination, _ round: Round, _ context: ModuleRequestContext) async throws -> [ReviewAction] {
        guard round.state == "open" else { return [] }
        var actions: [ReviewAction] = []
        for action in ReviewAction.allCases where action.fromStates.contains(n.state) {
            do {
                try await NominationActions.authorize(action, n, round, context)
                actions.append(action)
            } catch is ProblemDetails {
                continue
            }
        }
        return actions
    }
}
