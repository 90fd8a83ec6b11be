import CDTModuleKit
import Foundation
import Hummingbird

/// The categories a round offers when the administrator names none (the province's setting picks among them).
enum RoundDefaults {
    static let categories = [
        RoundCategory(key: "exemplaryTeam", nameVi: "Tập thể tiêu biểu", nameEn: "Exemplary team", subject: "team"),
        RoundCategory(key: "exemplaryMember", nameVi: "Cá nhân tiêu biểu", nameEn: "Exemplary member", subject: "member"),
        RoundCategory(key: "innovativeModel", nameVi: "Mô hình sáng tạo", nameEn: "Innovative model", subject: "practice"),
    ]
}

/// Opening, reading and closing rounds.
enum RoundRoutes {
    struct RoundList: ResponseEncodable {
        var items: [Round]
    }

    static func list(_ request: Request, _ context: ModuleRequestContext) async throws -> RoundList {
        RoundList(items: try await RewardsStore.rounds(in: context.provinces, context.module.database))
    }

    /// A round the caller may see: one of their provinces' (404 otherwise). A national round shows the
    /// provinces of it the caller reaches; with `province`, that province's row of it.
    static func visibleRound(_ context: ModuleRequestContext, id: ID<DomainEvent>? = nil, province: ID<AdministrativeUnit>? = nil) async throws -> Round {
        let id = try id ?? context.id("id")
        guard var round = try await RewardsStore.round(id, province: province, context.module.database), context.provinces.contains(round.provinceId) else {
            throw ProblemDetails(status: .notFound, detail: "No such round in your provinces.")
        }
        round.provinces = round.provinces.filter(context.provinces.contains)
        return round
    }

    static func detail(_ request: Request, _ context: ModuleRequestContext) async throws -> Round {
        try await visibleRound(context)
    }

    struct OpenInput: Codable {
        /// The province of a province's round; absent for a national round.
        var provinceId: ID<AdministrativeUnit>?
        /// `province` (the default) or `nation`.
        var scope: String?
        var titleVi: String
        var titleEn: String
        var periodFrom: CalendarDate
        var periodUntil: CalendarDate
        var categories: [RoundCategory]?
        var quotas: [Quota]?
        var deadlines: [LevelDeadline]?
    }

    /// Opens a round in a province: its administrators (callers whose own area is the whole province) or a
    /// national administrator. The review chain is the levels the province's hierarchy has today above
    /// the villages, bottom-up: commune → province, or commune → district → province where there are districts.
    static func open(_ request: Request, _ context: ModuleRequestContext) async throws -> EditedResponse<Round> {
        let input = try await context.decode(OpenInput.self, from: request)
        switch input.scope ?? "province" {
        case RewardsLevels.nation:
            return EditedResponse(status: .created, response: try await NationalRounds.open(input, context))
        case "province":
            guard let province = input.provinceId else {
                throw ProblemDetails.unprocessable(ValidationFailure(field: "provinceId", rule: "must name the province of a province's round"))
            }
            return EditedResponse(status: .created, response: try await open(input, in: province, context))
        default:
            throw ProblemDetails.unprocessable(ValidationFailure(field: "scope", rule: "must be province or nation"))
        }
    }

    /// Opens a province's own round.
    static func open(_ input: OpenInput, in province: ID<AdministrativeUnit>, _ context: ModuleRequestContext) async throws -> Round {
        let database = context.module.database
        guard context.provinces.contains(province) else {
            throw ProblemDetails(status: .notFound, detail: "No such province where rewards is enabled for you.")
        }
        guard mayManageRounds(in: province, context), let account = context.caller.accountID else {
            throw ProblemDetails(status: .forbidden, detail: "Only the province's administrators and national administrators open rounds.",
                                 errors: [.init(field: "provinceId", rule: "must be a province you administer")])
        }
        let today = context.module.today()
        let chain = try await reviewChain(of: province, on: today, database)
        let settings = context.settings(for: province)
        let categories = input.categories ?? RoundDefaults.categories.filter { settings.strings("categories").contains($0.key) }
        let quotas = input.quotas ?? defaultQuotas(categories, chain: chain, settings)
        let opened = RoundOpened(titleVi: input.titleVi, titleEn: input.titleEn, periodFrom: input.periodFrom, periodUntil: input.periodUntil,
                                 categories: categories, quotas: quotas, deadlines: input.deadlines ?? [], chain: chain)
        try validate(opened, input, today: today)
        let event = try RewardsModule.roundOpened.event(in: province, by: account.rawValue, at: context.module.now(), opened)
        try await database.withTransaction { tx in
            try await context.record(event, in: tx)
            try await RewardsProjection.apply(event, province: province, tx)
            try await context.audit(action: "round.opened", unit: province, subject: event.id.description, details: ["title": input.titleVi], in: tx)
        }
        return try await visibleRound(context, id: event.id)
    }

    /// The quotas of the province's settings at each of its levels in `chain` (none at the nation level).
    static func defaultQuotas(_ categories: [RoundCategory], chain: [String], _ settings: ModuleSettings) -> [Quota] {
        categories.flatMap { category in
            chain.filter(RewardsLevels.reviewing.contains).map { level in
                Quota(category: category.key, level: level, limit: settings.integer(
                    level == "commune" ? "quotaPerCommune" : level == "district" ? "quotaPerDistrict" : "quotaPerProvince"))
            }
        }
    }

    /// The round's own rules, and the ones that depend on today: a period already begun, deadlines to come.
    static func validate(_ opened: RoundOpened, _ input: OpenInput, today: CalendarDate) throws {
        var check = Validator()
        opened.validate(into: &check)
        check.require(input.periodFrom <= today, "periodFrom", "must be today or earlier: evidence is work already recorded")
        for (index, deadline) in (input.deadlines ?? []).enumerated() {
            check.require(deadline.date >= today, "deadlines[\(index)].date", "must be today or later")
        }
        do { try check.finish() } catch { throw ProblemDetails.unprocessable(error) }
    }

    struct CloseInput: Codable {}

    /// Closes a round: read-only from then on. A national round closes in every province.
    static func close(_ request: Request, _ context: ModuleRequestContext) async throws -> Round {
        _ = try await context.decode(CloseInput.self, from: request)
        let round = try await visibleRound(context)
        if round.isNational { return try await NationalRounds.close(round, context) }
        guard mayManageRounds(in: round.provinceId, context), let account = context.caller.accountID else {
            throw ProblemDetails(status: .forbidden, detail: "Only the province's administrators and national administrators close rounds.")
        }
        guard round.state == "open" else {
            throw ProblemDetails(status: .conflict, detail: "The round is closed already.", errors: [.init(field: "state", rule: "must be open")])
        }
        let event = try RewardsModule.roundClosed.event(in: round.provinceId, by: account.rawValue, at: context.module.now(), RoundClosed(roundId: round.id))
        try await context.module.database.withTransaction { tx in
            // Two closings at once: the second finds the round closed under the lock and records nothing.
            guard try await RewardsStore.round(round.id, province: round.provinceId, lockedIn: tx, exclusive: true)?.state == "open" else {
                throw ProblemDetails(status: .conflict, detail: "The round is closed already.", errors: [.init(field: "state", rule: "must be open")])
            }
            try await context.record(event, in: tx)
            try await RewardsProjection.apply(event, province: round.provinceId, tx)
            try await context.audit(action: "round.closed", unit: round.provinceId, subject: round.id.description, in: tx)
        }
        return try await visibleRound(context)
    }

    /// A province's rounds are opened and closed by national administrators anywhere and by a province's own
    /// administrators: callers whose right to record work covers the whole province. (National rounds:
    /// ``NationalRounds/isNationalAdministrator(_:)``.)
    static func mayManageRounds(in province: ID<AdministrativeUnit>, _ context: ModuleRequestContext) -> Bool {
        context.changeScope.contains(path: AccessScope.provincePath(province))
    }

    /// The reviewing levels a province's hierarchy has on `day`, bottom-up.
    static func reviewChain(of province: ID<AdministrativeUnit>, on day: CalendarDate, _ db: PostgresClient) async throws -> [String] {
        let levels = Set(try await CoreReads(db).subtree(of: province, inForceOn: day).map(\.level))
        return RewardsLevels.reviewing.filter { levels.contains($0) }
    }

    // MARK: Candidates

    struct Candidate: Codable, Sendable {
        var rank: Int
        var subjectKind: String
        var subjectId: ID<Nominee>
        var name: String
        var role: String?
        var teamName: String?
        var unitName: String
        var value: Double
        var evidence: [EvidenceFigure]
    }

    struct CandidateList: ResponseEncodable {
        var metric: String
        var items: [Candidate]
    }

    /// The teams (or members) of a unit ranked by an evidence metric over the round's period: to help a
    /// commune choose whom to nominate.
    static func candidates(_ request: Request, _ context: ModuleRequestContext) async throws -> CandidateList {
        let round = try await visibleRound(context)
        let database = context.module.database
        guard let unitText = request.queryText("unit"), let unitID = UUID(uuidString: unitText) else {
            throw ProblemDetails.invalidQuery("unit", "must be the id of a unit")
        }
        let kind = request.queryText("kind") ?? "team"
        guard let subject = Subject(rawValue: kind), subject != .practice else { throw ProblemDetails.invalidQuery("kind", "must be team or member") }
        let metricText = request.queryText("metric") ?? EvidenceMetric.householdsVisited.rawValue
        guard let metric = EvidenceMetric(rawValue: metricText), EvidenceMetric.measured(for: subject).contains(metric) else {
            throw ProblemDetails.invalidQuery("metric", "must be one of \(EvidenceMetric.measured(for: subject).map(\.rawValue).joined(separator: ", "))")
        }
        guard let unit = try await CoreReads(database).unit(ID(rawValue: unitID)), let province = unit.provinceID, round.provinces.contains(province),
              context.viewScope.contains(path: unit.path) else {
            throw ProblemDetails(status: .notFound, detail: "No such unit of the round's province in your area.")
        }
        var scored: [Candidate] = []
        for candidate in try await Subjects.candidates(subject, under: unit, on: round.periodUntil, database) {
            let evidence = try await Evidence.figures(for: candidate.evidenceSubject, from: round.periodFrom, until: round.periodUntil, database)
            scored.append(Candidate(rank: 0, subjectKind: kind, subjectId: ID(rawValue: candidate.id), name: candidate.name, role: candidate.role,
                                    teamName: candidate.team?.name, unitName: candidate.unit.name,
                                    value: evidence.first { $0.key == metric.rawValue }?.value ?? 0, evidence: evidence))
        }
        scored.sort { $0.value != $1.value ? $0.value > $1.value : VietnameseText.areInIncreasingOrder($0.name, $1.name) }
        for index in scored.indices { scored[index].rank = index + 1 }
        return CandidateList(metric: metric.rawValue, items: scored)
    }
}
