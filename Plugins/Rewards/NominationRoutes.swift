import CDTModuleKit
import Foundation
import Hummingbird

/// Drafting, reading and acting on nominations.
enum NominationRoutes {
    struct NominationList: ResponseEncodable {
        var items: [Nomination]
    }

    static let states: Set<String> = ["draft", "under_review", "endorsed", "returned", "approved", "rejected", "awarded", "withdrawn"]

    /// Nominations in the caller's view scope, by round, level, state and category.
    static func list(_ request: Request, _ context: ModuleRequestContext) async throws -> NominationList {
        var filter = RewardsStore.Filter()
        if let text = request.queryText("round") {
            guard let id = UUID(uuidString: text) else { throw ProblemDetails.invalidQuery("round", "must be a round's id") }
            filter.round = ID(rawValue: id)
        }
        if let state = request.queryText("state") {
            guard states.contains(state) else { throw ProblemDetails.invalidQuery("state", "must be one of \(states.sorted().joined(separator: ", "))") }
            filter.state = state
        }
        if let level = request.queryText("level") {
            guard RewardsLevels.all.contains(level) else { throw ProblemDetails.invalidQuery("level", "must be commune, district, province or nation") }
            filter.level = level
        }
        filter.category = request.queryText("category")
        if request.queryText("queue") == "mine" {
            let review = context.scope(for: "rewards.review")
            filter.reviewUnitPaths = review.isNationwide ? nil : Array(review.paths)
            filter.nationLevel = NationalRounds.holdsNationally("rewards.review", context)
            filter.state = "under_review"
        }
        return NominationList(items: try await RewardsStore.nominations(within: scope(context), filter, context.module.database))
    }

    /// A nomination with its history and its evidence now beside the frozen one.
    struct NominationDetail: ResponseEncodable {
        var nomination: Nomination
        var history: [HistoryEntry]
        /// The same figures computed today over the round's period: later events show here, never in `evidence`.
        var liveEvidence: [EvidenceFigure]
        /// The metrics the province's setting shows.
        var shownMetrics: [String]

        func encode(to encoder: any Encoder) throws {
            try nomination.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(history, forKey: .history)
            try container.encode(liveEvidence, forKey: .liveEvidence)
            try container.encode(shownMetrics, forKey: .shownMetrics)
        }

        enum Keys: String, CodingKey { case history, liveEvidence, shownMetrics }
    }

    /// Where the caller sees nominations: their own area (the nominating side), and where they review or
    /// decide. A commune officer views the whole province's work, but only their commune's nominations.
    static func scope(_ context: ModuleRequestContext) -> AccessScope {
        nominatorScope(context).union(context.scope(for: "rewards.review")).union(context.scope(for: "rewards.decide"))
    }

    /// Where the caller is on the nominator's side: their own area, for those whose roles nominate
    /// (officers, administrators, team leaders); a plain member's village shows them no nomination.
    static func nominatorScope(_ context: ModuleRequestContext) -> AccessScope {
        let nominates = context.roles.contains { [.communeOfficer, .provinceAdministrator, .nationalAdministrator, .teamLeader].contains($0.role) }
        return nominates ? context.changeScope : .nowhere
    }

    /// A nomination the caller may see (404 otherwise, as for one that does not exist).
    static func visible(_ id: ID<DomainEvent>, _ context: ModuleRequestContext) async throws -> Nomination {
        guard let nomination = try await RewardsStore.nomination(id, context.module.database), scope(context).contains(path: nomination.unitPath) else {
            throw ProblemDetails(status: .notFound, detail: "No such nomination in your area.")
        }
        return nomination
    }

    static func detail(_ request: Request, _ context: ModuleRequestContext) async throws -> NominationDetail {
        try await detail(try context.id("id"), context)
    }

    static func detail(_ id: ID<DomainEvent>, _ context: ModuleRequestContext) async throws -> NominationDetail {
        let nomination = try await visible(id, context)
        let database = context.module.database
        let round = try await RoundRoutes.visibleRound(context, id: nomination.roundId, province: nomination.provinceId)
        var live: [EvidenceFigure] = []
        if let kind = Subject(rawValue: nomination.subjectKind),
           let subject = try await Subjects.find(kind, nomination.subjectId.rawValue, on: round.periodUntil, database) {
            live = try await Evidence.figures(for: subject.evidenceSubject, from: round.periodFrom, until: round.periodUntil, database)
                + Evidence.fromOtherModules(for: subject.evidenceSubject, context.module)
        }
        return NominationDetail(nomination: nomination, history: try await RewardsStore.history(of: id, database), liveEvidence: live,
                                shownMetrics: context.settings(for: nomination.provinceId).strings("evidenceMetrics"))
    }

    struct DraftInput: Codable {
        var roundId: ID<DomainEvent>
        var category: String
        var subjectId: ID<Nominee>
        var citation: String
    }

    static func draft(_ request: Request, _ context: ModuleRequestContext) async throws -> EditedResponse<Nomination> {
        let input = try await context.decode(DraftInput.self, from: request)
        return EditedResponse(status: .created, response: try await draft(input, context))
    }

    /// Drafts a nomination of a team, member or practice of the caller's own area (a commune officer's
    /// commune; a village team leader's village where the province allows them to nominate).
    static func draft(_ input: DraftInput, _ context: ModuleRequestContext) async throws -> Nomination {
        let database = context.module.database
        let anyRow = try await RoundRoutes.visibleRound(context, id: input.roundId)
        guard anyRow.state == "open" else {
            throw ProblemDetails(status: .conflict, detail: "The round is closed: it is read-only.", errors: [.init(field: "roundId", rule: "must be an open round")])
        }
        var check = Validator()
        let category = anyRow.category(input.category)
        check.require(category != nil, "category", "must be one of the round's categories (\(anyRow.categories.map(\.key).joined(separator: ", ")))")
        check.text(input.citation, "citation", maximumLength: 2000)
        check.storable(input.citation, "citation")
        do { try check.finish() } catch { throw ProblemDetails.unprocessable(error) }
        guard let account = context.caller.accountID else { throw ProblemDetails(status: .forbidden, detail: "Only accounts nominate.") }
        let kind = Subject(rawValue: category!.subject) ?? .team
        guard let subject = try await Subjects.find(kind, input.subjectId.rawValue, on: context.module.today(), database),
              let province = subject.unit.provinceID, anyRow.provinces.contains(province) else {
            throw ProblemDetails.unprocessable(ValidationFailure(field: "subjectId", rule: "must name a \(kind.rawValue) of the round's province"))
        }
        // The row of the nominee's province (a national round has one in each province).
        let round = province == anyRow.provinceId ? anyRow : try await RoundRoutes.visibleRound(context, id: anyRow.id, province: province)
        try mayNominate(at: subject.unit, province: round.provinceId, context)
        let places = try await CoreReads(database).ancestors(of: subject.unit.id) + [subject.unit]
        guard let commune = places.first(where: { $0.level == "commune" }) else {
            throw ProblemDetails.unprocessable(ValidationFailure(field: "subjectId", rule: "must lie in a commune"))
        }
        // A unit for each level of the chain but a national round's nation level, which no unit stands for.
        let unitLevels = round.chain.filter { $0 != RewardsLevels.nation }
        let reviewUnits = unitLevels.compactMap { level in places.first { $0.level == level }?.id }
        guard reviewUnits.count == unitLevels.count else {
            throw ProblemDetails.unprocessable(ValidationFailure(field: "subjectId", rule: "must lie under a unit of each level of the round's review chain"))
        }
        let drafted = NominationDrafted(roundId: round.id, category: input.category, subjectKind: kind.rawValue, subjectId: ID(rawValue: subject.id), subjectName: subject.name,
                                        subjectRole: subject.role, teamId: subject.team?.id, teamName: subject.team?.name,
                                        reviewUnits: reviewUnits, citation: input.citation)
        let event = try RewardsModule.nominationDrafted.event(in: subject.unit.id, by: account.rawValue, at: context.module.now(), drafted)
        try await database.withTransaction { tx in
            guard try await RewardsStore.round(round.id, province: province, lockedIn: tx, exclusive: true)?.state == "open" else {
                throw ProblemDetails(status: .conflict, detail: "The round is closed: it is read-only.", errors: [.init(field: "roundId", rule: "must be an open round")])
            }
            let already = try await tx.query("""
                SELECT count(*)::int FROM rewards_nominations
                WHERE round_id = \(round.id) AND category = \(input.category) AND subject_id = \(subject.id) AND state NOT IN ('withdrawn', 'rejected')
                """).decode(Int.self)[0]
            guard already == 0 else {
                throw ProblemDetails.unprocessable(ValidationFailure(field: "subjectId", rule: "is nominated in this round and category already"))
            }
            try await context.record(event, in: tx)
            try await RewardsProjection.apply(event, province: round.provinceId, tx)
            try await context.audit(action: "nomination.drafted", unit: commune.id, subject: event.id.description,
                                    details: ["round": round.id.description, "category": input.category], in: tx)
        }
        return try await visible(event.id, context)
    }

    /// Commune officers (and administrators) nominate in their own area; a village team leader only where
    /// the province's setting `villageLeadersMayNominate` allows.
    static func mayNominate(at unit: CoreUnit, province: ID<AdministrativeUnit>, _ context: ModuleRequestContext) throws {
        guard context.changeScope.contains(path: unit.path) else {
            throw ProblemDetails(status: .forbidden, detail: "You may nominate only in your own area.",
                                 errors: [.init(field: "subjectId", rule: "must be in your own area")])
        }
        // A role counts only where it is held: at the unit or above it (a national role everywhere).
        func holds(_ roles: Set<Role>) -> Bool {
            context.roles.contains { roles.contains($0.role) && ($0.unitID.map(unit.pathIDs.contains) ?? true) }
        }
        let officer = holds([.communeOfficer, .provinceAdministrator, .nationalAdministrator])
        guard officer || (holds([.teamLeader]) && context.settings(for: province).bool("villageLeadersMayNominate")) else {
            throw ProblemDetails(status: .forbidden, detail: "Commune officers nominate; village team leaders only where the province allows it.",
                                 errors: [.init(field: "subjectId", rule: "village team leaders may nominate only when the province's setting villageLeadersMayNominate is on")])
        }
    }

    /// What an action takes; each action reads the fields it needs.
    struct ActionInput: Codable, Sendable {
        /// The version the caller saw; a different current version is a 409.
        var version: Int?
        var note: String?
        var reason: String?
        var decisionNumber: String?
        var decisionDate: CalendarDate?
        var signer: String?
        var awardTitle: String?
    }

    static func act(_ action: ReviewAction, _ request: Request, _ context: ModuleRequestContext) async throws -> Nomination {
        let input = try await context.decode(ActionInput.self, from: request)
        return try await NominationActions.perform(action, on: try context.id("id"), input, context)
    }
}
