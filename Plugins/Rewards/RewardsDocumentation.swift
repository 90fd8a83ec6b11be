import CDTModuleKit
import Hummingbird

/// What `/openapi.json` says about the module's routes.
enum RewardsDocumentation {
    static func registerSchemas(_ routes: inout ModuleRoutes) {
        routes.schema("Category", .object(["key": .string, "nameVi": .string, "nameEn": .string, "subject": .oneOf(["team", "member", "practice"])]))
        routes.schema("Quota", .object(["category": .string, "level": APISchema.oneOf(RewardsLevels.all).described(
            "`nation` only in a national round, where it counts every province's nominations."), "limit": .integer(1...10_000)]))
        routes.schema("Deadline", .object(["level": .oneOf(RewardsLevels.all), "date": .date]))
        routes.schema("Round", .object([
            "id": APISchema.uuid.described("The id of the `rewards.round_opened` event (a national round: of the first province's)."),
            "provinceId": APISchema.uuid.described("The province; for a national round, the first of `provinces`."),
            "scope": APISchema.oneOf(["province", "nation"]).described("A province's round, or a national round (a row in each of its provinces)."),
            "provinces": APISchema.array(of: .uuid).described("The round's provinces you see: one, or a national round's within your reach."),
            "titleVi": .string, "titleEn": .string, "periodFrom": .date, "periodUntil": .date,
            "categories": .array(of: .reference("Category")), "quotas": .array(of: .reference("Quota")), "deadlines": .array(of: .reference("Deadline")),
            "chain": APISchema.array(of: .oneOf(RewardsLevels.all)).described(
                "The levels that review, bottom-up (the province's; a national round's ends with `nation`)."),
            "state": .oneOf(["open", "closed"]), "openedAt": .dateTime, "closedAt": .dateTime,
        ], optional: ["closedAt"]))
        routes.schema("Evidence", .object(["key": APISchema.string.described(
            "One of \(EvidenceMetric.allCases.map(\.rawValue).joined(separator: ", ")), or `<module>.<key>` for a figure of coverage or good-practices."), "labelVi": .string, "labelEn": .string, "value": .number]))
        routes.schema("Decision", .object(["decisionNumber": .string, "decisionDate": .date, "signer": .string, "awardTitle": .string]))
        routes.schema("Nomination", .object([
            "id": APISchema.uuid.described("The id of the `rewards.nomination_drafted` event."),
            "roundId": .uuid, "category": .string, "subjectKind": .oneOf(["team", "member", "practice"]), "subjectId": .uuid, "subjectName": .string,
            "subjectRole": .string, "teamId": .uuid, "teamName": .string, "unitId": APISchema.uuid.described("The nominating commune."), "unitName": .string,
            "subjectUnitId": APISchema.uuid.described("Where the nominee's work is recorded (a team's village): the unit of the nomination's events."),
            "reviewUnits": APISchema.array(of: .uuid).described("The reviewing unit at each level of the chain (none for a national round's `nation`)."),
            "citation": .string, "provinceId": APISchema.uuid.described("The nominee's province."),
            "state": .oneOf(NominationRoutes.states.sorted()), "level": .oneOf(RewardsLevels.all), "levelIndex": .integer, "reached": .integer,
            "evidence": APISchema.array(of: .reference("Evidence")).described("Frozen when submitted."), "submittedAt": .dateTime,
            "returnReason": .string, "decision": .reference("Decision"), "nominatedBy": .uuid,
            "version": APISchema.integer.described("One more with each step: send it back to act on what you saw."), "updatedAt": .dateTime, "unitPath": .string,
        ], optional: ["subjectRole", "teamId", "teamName", "level", "levelIndex", "evidence", "submittedAt", "returnReason", "decision"]))
        routes.schema("History", .object(["eventId": .uuid, "action": .string, "level": .string, "note": .string, "actor": .uuid, "occurredAt": .dateTime],
                                         optional: ["level"]))
    }

    static let rounds = RouteDocumentation(
        summary: "The rounds of the caller's provinces", answer: .json(.object(["items": .array(of: .reference("Round"))]), "Newest first."))

    static let openRound = RouteDocumentation(
        summary: "Open a round (of a province, or national)",
        description: "A province's round (`provinceId`): for the province's administrators and national administrators. The review chain is derived "
            + "from the province's hierarchy; categories and quotas default to the province's settings. Recorded as `rewards.round_opened`. "
            + "A national round (`\"scope\": \"nation\"`, no `provinceId`): for national administrators only (403 otherwise); it opens in every "
            + "province where rewards is enabled, one `rewards.round_opened` per province, each chain the province's with `nation` on top; "
            + "categories default to all three; quotas given apply in each province at the levels it has, `nation` counting all provinces.",
        body: .object(["provinceId": .uuid, "scope": .oneOf(["province", "nation"]), "titleVi": .text(maximumLength: 200), "titleEn": .text(maximumLength: 200), "periodFrom": .date,
                       "periodUntil": .date, "categories": .array(of: .reference("Category")), "quotas": .array(of: .reference("Quota")),
                       "deadlines": .array(of: .reference("Deadline"))], optional: ["provinceId", "scope", "categories", "quotas", "deadlines"], closed: true),
        answer: APIAnswer(status: .created, mediaType: "application/json", schema: .reference("Round"), summary: "The round, open."),
        errors: [.forbidden, .unprocessableContent])

    static let round = RouteDocumentation(summary: "One round", parameters: [.path("id", .uuid, "The round.")], answer: .json(.reference("Round"), "The round."))

    static let closeRound = RouteDocumentation(
        summary: "Close a round (read-only from then on; a national round in every province, by national administrators)", parameters: [.path("id", .uuid, "The round.")], body: .object([:], closed: true),
        answer: .json(.reference("Round"), "The round, closed."), errors: [.conflict])

    static let candidates = RouteDocumentation(
        summary: "Candidates of a unit ranked by an evidence metric over the round's period",
        parameters: [.path("id", .uuid, "The round."), .query("unit", .uuid, "The unit whose teams or members to rank."),
                     .query("kind", .oneOf(["team", "member"]), "Teams (default) or members."),
                     .query("metric", .oneOf(EvidenceMetric.allCases.map(\.rawValue)), "The metric to rank by (householdsVisited by default).")],
        answer: .json(.object(["metric": .string, "items": .array(of: .object([
            "rank": .integer, "subjectKind": .string, "subjectId": .uuid, "name": .string, "role": .string, "teamName": .string, "unitName": .string,
            "value": .number, "evidence": .array(of: .reference("Evidence")),
        ], optional: ["role", "teamName"]))]), "Highest first."),
        errors: [.badRequest])

    static let awardsCSV = RouteDocumentation(
        summary: "The round's award list as CSV (UTF-8 with BOM, Vietnamese headers)", parameters: [.path("id", .uuid, "The round.")],
        answer: .text("text/csv", "STT, Họ và tên / Tên tập thể, Đơn vị, Danh hiệu, Hình thức khen thưởng, Quyết định."))

    static let annex = RouteDocumentation(
        summary: "The round's award list as a printable decision annex (PHỤ LỤC)", parameters: [.path("id", .uuid, "The round.")],
        answer: .text("text/html", "The annex page."))

    static let nominations = RouteDocumentation(
        summary: "Nominations in the caller's area",
        parameters: [.query("round", .uuid, "Only this round's."), .query("state", .oneOf(NominationRoutes.states.sorted()), "Only in this state."),
                     .query("category", .string, "Only this category."), .query("level", .oneOf(RewardsLevels.all), "Only under review at this level (`nation`: a national round's top level)."),
                     .query("queue", .oneOf(["mine"]), "Only those under review at a unit where the caller is a reviewer.")],
        answer: .json(.object(["items": .array(of: .reference("Nomination"))]), "In Vietnamese order of their names."), errors: [.badRequest])

    static let draft = RouteDocumentation(
        summary: "Draft a nomination",
        description: "A commune officer (or a village team leader where the province allows it) names a team, a member or a practice of their own area "
            + "in a category of an open round. Recorded as `rewards.nomination_drafted`.",
        body: .object(["roundId": .uuid, "category": .string, "subjectId": .uuid, "citation": .text(maximumLength: 2000)], closed: true),
        answer: APIAnswer(status: .created, mediaType: "application/json", schema: .reference("Nomination"), summary: "The draft."),
        errors: [.unprocessableContent, .conflict])

    static let nomination = RouteDocumentation(
        summary: "One nomination with its history and its live evidence beside the frozen one", parameters: [.path("id", .uuid, "The nomination.")],
        answer: .json(.reference("Nomination"), "The nomination, with `history`, `liveEvidence` and `shownMetrics`."))

    static func action(_ action: ReviewAction) -> RouteDocumentation {
        let body: APISchema = switch action {
        case .award: .object(["version": .integer, "decisionNumber": .text(maximumLength: 100), "decisionDate": .date, "signer": .string,
                              "awardTitle": .string, "note": .string], optional: ["version", "note"], closed: true)
        case .return, .reject: .object(["version": .integer, "reason": .text(maximumLength: 2000)], optional: ["version"], closed: true)
        default: .object(["version": .integer, "note": .text(maximumLength: 2000), "reason": .text(maximumLength: 2000)],
                         optional: ["version", "note", "reason"], closed: true)
        }
        return RouteDocumentation(
            summary: "\(action.label.english) a nomination",
            description: "Recorded as `\(action.eventType)`. "
                + "A version other than the current one, or a state that no longer allows the step, answers 409 with the current state.",
            parameters: [.path("id", .uuid, "The nomination.")], body: body,
            answer: .json(.reference("Nomination"), "The nomination after the step."),
            errors: [.unprocessableContent, .conflict])
    }
}
