import CDTModuleKit
import Hummingbird
import Foundation

/// The review of a nomination, step by step. Each step checks the caller's authority over the
/// nomination where it is now, then, in one transaction: locks the nomination's row, checks that its
/// state (and the version the caller saw, when given) still allows the step (409 with the current state
/// otherwise: two reviewers acting at once take turns, and the second is told what the first did),
/// checks quotas and deadlines, records the step's event, applies it to the tables and writes the audit
/// entry.
enum NominationActions {
    typealias Input = NominationRoutes.ActionInput

    static func perform(_ action: ReviewAction, on id: ID<DomainEvent>, _ input: Input, _ context: ModuleRequestContext) async throws -> Nomination {
        let database = context.module.database
        let seen = try await NominationRoutes.visible(id, context)
        let round = try await RoundRoutes.visibleRound(context, id: seen.roundId, province: seen.provinceId)
        // The caller acted on what they saw: if it changed since (another reviewer's step), say how it is now.
        if let version = input.version, version != seen.version { throw conflict(seen, round) }
        guard action.fromStates.contains(seen.state) else { throw notNow(action, seen) }
        try validate(action, input)
        guard let account = context.caller.accountID else { throw ProblemDetails(status: .forbidden, detail: "Only accounts act on nominations.") }
        try await authorize(action, seen, round, context)
        if action.judges { try await ConflictOfInterest.check(seen, context) }
        var evidence: [EvidenceFigure] = []
        if action == .submit {
            guard let kind = Subject(rawValue: seen.subjectKind),
                  let subject = try await Subjects.find(kind, seen.subjectId.rawValue, on: round.periodUntil, database) else {
                throw ProblemDetails.unprocessable(ValidationFailure(field: "subjectId", rule: "must still name a \(seen.subjectKind) of the round's province"))
            }
            evidence = try await Evidence.figures(for: subject.evidenceSubject, from: round.periodFrom, until: round.periodUntil, database)
                + Evidence.fromOtherModules(for: subject.evidenceSubject, context.module)
        }
        let today = context.module.today()
        return try await database.withTransaction { tx in
            guard let locked = try await RewardsStore.round(round.id, province: seen.provinceId, lockedIn: tx, exclusive: action == .endorse),
                  let current = try await RewardsStore.nomination(id, lockedIn: tx) else {
                throw ProblemDetails(status: .notFound, detail: "No such nomination in your area.")
            }
            guard locked.state == "open" else {
                throw ProblemDetails(status: .conflict, detail: "The round is closed: it is read-only.", errors: [.init(field: "roundId", rule: "must be an open round")])
            }
            let stale = input.version.map { $0 != current.version } ?? false
            // The step was judged against what the caller saw: a change since (another reviewer's) is a conflict.
            guard !stale, current.levelIndex == seen.levelIndex || action == .submit || action == .withdraw else { throw conflict(current, round) }
            guard action.fromStates.contains(current.state) else { throw notNow(action, current) }
            let step = try await makeEvent(action, current, locked, input, evidence: evidence, today: today, account: account, context, tx)
            try await context.record(step, in: tx)
            try await RewardsProjection.apply(step, province: round.provinceId, tx)
            try await context.audit(action: "nomination.\(action.rawValue)", unit: current.unitId, subject: current.id.description,
                                    details: ["state": current.state, "version": String(current.version)], in: tx)
            guard let changed = try await RewardsStore.nomination(id, lockedIn: tx) else { throw ProblemDetails(status: .notFound) }
            return changed
        }
    }

    /// A 409 that says where the nomination is now.
    static func conflict(_ current: Nomination, _ round: Round) -> ProblemDetails {
        let level = current.level.map { " at the \($0) level" } ?? ""
        return ProblemDetails(
            status: .conflict, detail: "The nomination changed since you saw it: it is now \(current.state)\(level), version \(current.version).",
            errors: [.init(field: "version", rule: "must be the current version \(current.version) (state \(current.state)\(level))")])
    }

    /// A 409 for a step the nomination's state does not allow, saying where it is.
    static func notNow(_ action: ReviewAction, _ current: Nomination) -> ProblemDetails {
        let level = current.level.map { " at the \($0) level" } ?? ""
        return ProblemDetails(
            status: .conflict, detail: "The nomination is \(current.state)\(level), version \(current.version): it cannot be \(action.eventType.split(separator: "_").last ?? "") now.",
            errors: [.init(field: "state", rule: "must be \(action.fromStates.sorted().joined(separator: " or ")) to \(action.rawValue)")])
    }

    static func validate(_ action: ReviewAction, _ input: Input) throws {
        var check = Validator()
        if input.note?.isEmpty == false { check.text(input.note, "note", maximumLength: 2000) }
        switch action {
        case .return, .reject:
            check.text(input.reason, "reason", maximumLength: 2000)
        case .withdraw:
            if input.reason?.isEmpty == false { check.text(input.reason, "reason", maximumLength: 2000) }
        case .award:
            check.text(input.decisionNumber, "decisionNumber", maximumLength: 100)
            check.require(input.decisionDate != nil, "decisionDate", "must be the decision's date, YYYY-MM-DD")
            check.text(input.signer, "signer")
            check.text(input.awardTitle, "awardTitle")
        case .submit, .endorse, .approve: break
        }
        for (field, text) in [("note", input.note), ("reason", input.reason), ("decisionNumber", input.decisionNumber), ("signer", input.signer),
                              ("awardTitle", input.awardTitle)] {
            check.storable(text, field)
        }
        do { try check.finish() } catch { throw ProblemDetails.unprocessable(error) }
    }

    /// Who may take each step: the nominator's side submits and withdraws; a reviewer holding
    /// `rewards.review` at the reviewing unit of the nomination's current level endorses, returns and
    /// rejects; a decider holding `rewards.decide` over the round's province approves, rejects and awards.
    /// In a national round the nation level and the decision are national (``NationalRounds``).
    static func authorize(_ action: ReviewAction, _ nomination: Nomination, _ round: Round, _ context: ModuleRequestContext) async throws {
        switch action {
        case .submit, .withdraw:
            // The account that drafted it, or another who may nominate there (a fellow officer of the commune).
            guard nomination.nominatedBy != context.caller.accountID?.rawValue else { return }
            guard let unit = try await CoreReads(context.module.database).unit(nomination.subjectUnitId) else {
                throw ProblemDetails(status: .forbidden, detail: "Only the nominator's side submits or withdraws a nomination.",
                                     errors: [.init(field: "id", rule: "must be a nomination of your own area")])
            }
            do {
                try NominationRoutes.mayNominate(at: unit, province: nomination.provinceId, context)
            } catch {
                throw ProblemDetails(status: .forbidden, detail: "Only the nominator's side submits or withdraws a nomination.",
                                     errors: [.init(field: "id", rule: "must be a nomination you may make: drafted by you, or in your own area as one who nominates there")])
            }
        case .endorse, .return:
            try await requireReviewer(nomination, context)
        case .reject:
            let reviewer = try await isReviewer(nomination, context)
            if nomination.state == "endorsed" || !reviewer {
                try requireDecider(round, context)
            }
        case .approve, .award:
            try requireDecider(round, context)
        }
    }

    /// Whether the caller holds `rewards.review` at the unit reviewing the nomination now (the role at
    /// that unit itself: a province's reviewer does not act for a commune).
    static func isReviewer(_ nomination: Nomination, _ context: ModuleRequestContext) async throws -> Bool {
        guard nomination.state == "under_review", let index = nomination.levelIndex else { return false }
        // National administrators hold every module permission everywhere.
        let national = NationalRounds.holdsNationally("rewards.review", context)
        // The nation level of a national round: no unit stands for it.
        guard let reviewing = nomination.reviewUnit(at: index) else { return national }
        guard let unit = try await CoreReads(context.module.database).unit(reviewing) else { return false }
        return national || context.scope(for: "rewards.review").paths.contains(unit.path)
    }

    static func requireReviewer(_ nomination: Nomination, _ context: ModuleRequestContext) async throws {
        guard try await isReviewer(nomination, context) else {
            throw ProblemDetails(status: .forbidden, detail: "Only a reviewer of the level reviewing it now acts on this nomination.",
                                 errors: [.init(field: "id", rule: "must be under review at a unit where you hold rewards.reviewer")])
        }
    }

    static func requireDecider(_ round: Round, _ context: ModuleRequestContext) throws {
        let decides = round.isNational ? NationalRounds.holdsNationally("rewards.decide", context)
            : context.scope(for: "rewards.decide").contains(path: AccessScope.provincePath(round.provinceId))
        guard decides else {
            throw ProblemDetails(status: .forbidden, detail: "Only the round's decider approves, rejects at the decision and awards.",
                                 errors: [.init(field: "id", rule: "must be a nomination of a round where you hold rewards.decider")])
        }
    }

    /// The step's event, after the checks that need the locked rows: quotas and deadlines.
    static func makeEvent(_ action: ReviewAction, _ current: Nomination, _ round: Round, _ input: Input, evidence: [EvidenceFigure], today: CalendarDate,
                          account: ID<Account>, _ context: ModuleRequestContext, _ tx: PostgresSession) async throws -> DomainEvent {
        let unit = current.subjectUnitId, by = account.rawValue, at = context.module.now()
        switch action {
        case .submit:
            try checkDeadline(round, level: 0, today: today)
            return try RewardsModule.nominationSubmitted.event(in: unit, by: by, at: at, NominationSubmitted(nominationId: current.id, evidence: evidence))
        case .endorse:
            let level = current.levelIndex ?? 0
            let next = level + 1 < round.chain.count ? level + 1 : nil
            if let next { try checkDeadline(round, level: next, today: today) }
            if let limit = round.quota(current.category, level: round.chain[level]) {
                // At a national round's nation level the quota counts every province's nominations.
                let passed = try await RewardsStore.passed(round: round.id, category: current.category, level: level, unit: current.reviewUnit(at: level), tx)
                guard passed < limit else {
                    throw ProblemDetails.unprocessable(ValidationFailure(
                        field: "quota", rule: "at most \(limit) \(current.category) nominations may pass \(round.chain[level] == RewardsLevels.nation ? "the nation, across provinces" : "each \(round.chain[level])"); \(passed) have already"))
                }
            }
            return try RewardsModule.nominationEndorsed.event(in: unit, by: by, at: at,
                                                              NominationStep(nominationId: current.id, fromLevel: level, toLevel: next, note: input.note ?? ""))
        case .return:
            return try RewardsModule.nominationReturned.event(in: unit, by: by, at: at,
                                                              NominationStep(nominationId: current.id, fromLevel: current.levelIndex, note: input.reason ?? ""))
        case .reject:
            return try RewardsModule.nominationRejected.event(in: unit, by: by, at: at,
                                                              NominationStep(nominationId: current.id, fromLevel: current.levelIndex, note: input.reason ?? ""))
        case .approve:
            return try RewardsModule.nominationApproved.event(in: unit, by: by, at: at,
                                                              NominationStep(nominationId: current.id, fromLevel: nil, note: input.note ?? ""))
        case .withdraw:
            return try RewardsModule.nominationWithdrawn.event(in: unit, by: by, at: at,
                                                               NominationStep(nominationId: current.id, fromLevel: current.levelIndex, note: input.reason ?? ""))
        case .award:
            return try RewardsModule.nominationAwarded.event(in: unit, by: by, at: at, NominationAwarded(
                nominationId: current.id, decisionNumber: input.decisionNumber ?? "", decisionDate: input.decisionDate ?? today,
                signer: input.signer ?? "", awardTitle: input.awardTitle ?? ""))
        }
    }

    static func checkDeadline(_ round: Round, level: Int, today: CalendarDate) throws {
        guard let deadline = round.deadline(round.chain[level]), today > deadline else { return }
        throw ProblemDetails.unprocessable(ValidationFailure(
            field: "deadline", rule: "nominations had to reach the \(round.chain[level]) level by \(deadline)"))
    }
}
