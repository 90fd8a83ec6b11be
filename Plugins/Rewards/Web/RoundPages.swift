import CDTModuleKit
import Foundation
import Hummingbird

/// The rounds page and a round's page with the caller's review queue.
enum RoundPages {
    static func overview(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let rounds = try await RewardsStore.rounds(in: context.provinces, context.module.database)
        let rows = rounds.map { round in
            "<tr><td><a href=\"/api/v1/modules/rewards/pages/rounds/\(round.id)\">\(HTML.escape(round.titleVi))</a><br><small lang=\"en\">\(HTML.escape(round.titleEn))</small>"
                + "\(round.isNational ? " <span class=\"scope\">\(RewardsPages.both(RewardsPages.nationalRound))</span>" : "")</td>"
                + "<td>\(VietnameseDates.long(round.periodFrom)) – \(VietnameseDates.long(round.periodUntil))</td>"
                + "<td>\(round.chain.map { HTML.escape(RewardsLevels.name($0).vietnamese) }.joined(separator: " → "))</td>"
                + "<td><span class=\"state\">\(round.state == "open" ? "Đang mở <small lang=\"en\">Open</small>" : "Đã đóng <small lang=\"en\">Closed</small>")</span></td></tr>"
        }.joined()
        let body = """
            <section><h2>Các đợt thi đua, khen thưởng <small lang="en">Rounds</small></h2>
            \(rows.isEmpty ? "<p>Chưa có đợt nào. <small lang=\"en\">No rounds yet.</small></p>" : """
            <div class="scroll"><table id="rounds"><thead><tr><th>Đợt <small lang="en">Round</small></th><th>Kỳ tính kết quả <small lang="en">Period</small></th>
            <th>Các cấp xét <small lang="en">Review chain</small></th><th>Trạng thái <small lang="en">State</small></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """)
            </section>
            """
        return RewardsPages.page(RewardsPages.document(title: "Thi đua, khen thưởng — Các đợt", body: body))
    }

    static func round(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        try await round(try context.id("id"), context)
    }

    /// The round's page; with `refusal`, after a nomination from its form was refused.
    static func round(_ id: ID<DomainEvent>, _ context: ModuleRequestContext, refusal: NominateForm.Refusal? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let round = try await RoundRoutes.visibleRound(context, id: id)
        let database = context.module.database
        // The caller's queue: under review at a unit where they hold the reviewer's role.
        let review = context.scope(for: "rewards.review")
        var queueFilter = RewardsStore.Filter(round: round.id, state: "under_review")
        queueFilter.reviewUnitPaths = review.isNationwide ? nil : Array(review.paths)
        let nationalReviewer = round.isNational && NationalRounds.holdsNationally("rewards.review", context)
        queueFilter.nationLevel = nationalReviewer
        let queue = review.isEmpty && !nationalReviewer ? [] : try await RewardsStore.nominations(within: NominationRoutes.scope(context), queueFilter, database)
        let all = try await RewardsStore.nominations(within: NominationRoutes.scope(context), RewardsStore.Filter(round: round.id), database)
        // Counts against quotas at each unit where the caller reviews (in its province's row of the round:
        // a national round's chain may differ by province), and at the nation for a national round's reviewers.
        var quotaRows = ""
        let reviewUnits = try await CoreReads(database).units(Array(Set(all.flatMap(\.reviewUnits))))
            .filter { review.isNationwide ? false : review.paths.contains($0.path) }
        for unit in reviewUnits {
            let part = round.isNational ? try await RewardsStore.round(round.id, province: unit.provinceID ?? unit.id, database) ?? round : round
            guard let level = part.chain.firstIndex(of: unit.level) else { continue }
            for category in round.categories {
                let passed = try await RewardsStore.passed(round: round.id, category: category.key, level: level, unit: unit.id, database)
                let limit = part.quota(category.key, level: unit.level)
                let waiting = queue.filter { $0.category == category.key && $0.reviewUnit(at: level) == unit.id }.count
                quotaRows += "<tr><td>\(HTML.escape(unit.name))</td><td>\(HTML.escape(category.nameVi))</td><td class=\"n\">\(waiting)</td>"
                    + "<td class=\"n\(limit.map { passed >= $0 } == true ? " over" : "")\" data-quota=\"\(HTML.escape(category.key))\">\(passed) / \(limit.map(String.init) ?? "—")</td></tr>"
            }
        }
        if nationalReviewer, let level = round.chain.firstIndex(of: RewardsLevels.nation) {
            for category in round.categories {
                let passed = try await RewardsStore.passed(round: round.id, category: category.key, level: level, unit: nil, database)
                let limit = round.quota(category.key, level: RewardsLevels.nation)
                let waiting = queue.filter { $0.category == category.key && $0.level == RewardsLevels.nation }.count
                quotaRows += "<tr><td>\(RewardsPages.both(RewardsLevels.name(RewardsLevels.nation)))</td><td>\(HTML.escape(category.nameVi))</td><td class=\"n\">\(waiting)</td>"
                    + "<td class=\"n\(limit.map { passed >= $0 } == true ? " over" : "")\" data-quota=\"\(HTML.escape(category.key))\" data-level=\"nation\">\(passed) / \(limit.map(String.init) ?? "—")</td></tr>"
            }
        }
        // The overview: how many nominations of each category are in each state, in the caller's area.
        let states = ["draft", "under_review", "returned", "endorsed", "approved", "awarded", "rejected", "withdrawn"]
        let overview = round.categories.map { category in
            "<tr><td>\(HTML.escape(category.nameVi))</td>" + states.map { state in
                "<td class=\"n\">\(all.filter { $0.category == category.key && $0.state == state }.count)</td>"
            }.joined() + "</tr>"
        }.joined()
        let overviewHead = states.map { "<th>\(RewardsPages.both(NominationStates.name($0)))</th>" }.joined()
        let body = """
            <section><h2>\(HTML.escape(round.titleVi)) <small lang="en">\(HTML.escape(round.titleEn))</small></h2>
            <dl>\(round.isNational ? "<dt>Phạm vi <small lang=\"en\">Scope</small></dt><dd>\(RewardsPages.both(RewardsPages.nationalRound))</dd>" : "")<dt>Kỳ tính kết quả <small lang="en">Period</small></dt><dd>\(VietnameseDates.long(round.periodFrom)) – \(VietnameseDates.long(round.periodUntil))</dd>
            <dt>Các cấp xét <small lang="en">Review chain</small></dt><dd>\(round.chain.map { RewardsPages.both(RewardsLevels.name($0)) }.joined(separator: " → "))</dd>
            <dt>Hạn <small lang="en">Deadlines</small></dt><dd>\(round.deadlines.map { "\(HTML.escape(RewardsLevels.name($0.level).vietnamese)): \(VietnameseDates.long($0.date))" }.joined(separator: "; "))</dd>
            <dt>Trạng thái <small lang="en">State</small></dt><dd>\(round.state == "open" ? "Đang mở <small lang=\"en\">Open</small>" : "Đã đóng, chỉ xem <small lang=\"en\">Closed, read-only</small>")</dd></dl>
            <p><a href="/api/v1/modules/rewards/rounds/\(round.id)/annex">Phụ lục danh sách khen thưởng <small lang="en">Award annex</small></a> ·
            <a href="/api/v1/modules/rewards/rounds/\(round.id)/awards.csv">Tải CSV <small lang="en">Download CSV</small></a></p>
            <h3>Tổng hợp hồ sơ <small lang="en">Nominations by state</small></h3>
            <div class="scroll"><table id="overview"><thead><tr><th>Danh hiệu <small lang="en">Category</small></th>\(overviewHead)</tr></thead>
            <tbody>\(overview)</tbody></table></div></section>
            \(review.isEmpty && !nationalReviewer ? "" : """
            <section id="queue"><h2>Hồ sơ chờ tôi xét <small lang="en">My review queue</small> (\(queue.count))</h2>
            \(table(queue, round))
            \(quotaRows.isEmpty ? "" : """
            <h3>So với chỉ tiêu <small lang="en">Against quotas</small></h3>
            <div class="scroll"><table id="quotas"><thead><tr><th>Đơn vị <small lang="en">Unit</small></th><th>Danh hiệu <small lang="en">Category</small></th>
            <th>Chờ xét <small lang="en">Waiting</small></th><th>Đã trình / chỉ tiêu <small lang="en">Passed / quota</small></th></tr></thead><tbody>\(quotaRows)</tbody></table></div>
            """)
            </section>
            """)
            \(try await NominateForm.section(round, context, refusal: refusal))
            <section id="all"><h2>Tất cả hồ sơ trong địa bàn <small lang="en">All nominations in your area</small> (\(all.count))</h2>\(table(all, round))</section>
            """
        return RewardsPages.page(RewardsPages.document(title: "\(round.titleVi) — Thi đua, khen thưởng", body: body), status: status)
    }

    static func table(_ nominations: [Nomination], _ round: Round) -> String {
        guard !nominations.isEmpty else { return "<p>Không có hồ sơ. <small lang=\"en\">None.</small></p>" }
        let rows = nominations.map { n in
            "<tr><td><a href=\"/api/v1/modules/rewards/pages/nominations/\(n.id)\">\(HTML.escape(n.subjectName))</a></td>"
                + "<td>\(HTML.escape(round.category(n.category)?.nameVi ?? n.category))</td><td>\(HTML.escape(n.unitName))</td>"
                + "<td><span class=\"state\">\(HTML.escape(NominationStates.name(n.state).vietnamese))\(n.level.map { " · " + HTML.escape(RewardsLevels.name($0).vietnamese) } ?? "")</span></td></tr>"
        }.joined()
        return """
            <div class="scroll"><table><thead><tr><th>Đề nghị <small lang="en">Nominee</small></th><th>Danh hiệu <small lang="en">Category</small></th>
            <th>Xã đề nghị <small lang="en">Commune</small></th><th>Trạng thái <small lang="en">State</small></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}
