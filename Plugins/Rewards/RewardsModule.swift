public import CDTModuleKit
import Foundation

/// Rewards nomination (thi đua, khen thưởng): a province opens a round; communes nominate exemplary teams,
/// members and innovative models with evidence taken from the work they recorded, frozen at submission;
/// reviewers endorse level by level up the province's hierarchy within quotas; the decider approves and
/// awards; the award list comes out as CSV and as a printable annex.
///
/// Every state change is one of the module's own events (`rewards.round_opened`, `rewards.nomination_…`),
/// recorded by the routes in the transaction that updates the module's tables; the tables are projections
/// of those events (``RewardsProjection``), so `cdt modules rebuild rewards` replays them to the same state.
/// docs/rewards.md walks a province through a round.
public struct RewardsModule: FeatureModule {
    public init() {}

    /// A province (or national) administrator opens a round; its unit is the province. A national round is
    /// one such event per province, each naming the national round (`scope`, `roundId`).
    public static let roundOpened = ModuleEventKind<RoundOpened>("rewards.round_opened", payloadSchema: .object([
        "titleVi": .text(maximumLength: 200), "titleEn": .text(maximumLength: 200), "periodFrom": .date, "periodUntil": .date,
        "categories": .array(of: .reference("Category")), "quotas": .array(of: .reference("Quota")), "deadlines": .array(of: .reference("Deadline")),
        "chain": .array(of: .oneOf(RewardsLevels.all)), "scope": .oneOf(["province", "nation"]), "roundId": .uuid,
    ], optional: ["scope", "roundId"], closed: true))
    /// The round is closed: read-only from then on (a national round: one event in each of its provinces).
    public static let roundClosed = ModuleEventKind<RoundClosed>("rewards.round_closed", payloadSchema: .object(["roundId": .uuid], closed: true))
    /// A nomination is drafted; the event's id is the nomination's, its unit the nominee's (a team's village).
    public static let nominationDrafted = ModuleEventKind<NominationDrafted>("rewards.nomination_drafted", payloadSchema: .object([
        "roundId": .uuid, "category": .string, "subjectKind": .oneOf(["team", "member", "practice"]), "subjectId": .uuid, "subjectName": .string,
        "subjectRole": .string, "teamId": .uuid, "teamName": .string, "reviewUnits": .array(of: .uuid), "citation": .text(maximumLength: 2000),
    ], optional: ["subjectRole", "teamId", "teamName"], closed: true))
    /// Submitted (or resubmitted) with its evidence frozen.
    public static let nominationSubmitted = ModuleEventKind<NominationSubmitted>("rewards.nomination_submitted", payloadSchema: .object([
        "nominationId": .uuid, "evidence": .array(of: .reference("Evidence")),
    ], closed: true))
    /// A reviewer endorses it to the next level (or, at the top, to the decision).
    public static let nominationEndorsed = ModuleEventKind<NominationStep>("rewards.nomination_endorsed", payloadSchema: stepSchema)
    /// A reviewer returns it to the nominator with a reason.
    public static let nominationReturned = ModuleEventKind<NominationStep>("rewards.nomination_returned", payloadSchema: stepSchema)
    /// A reviewer or the decider rejects it.
    public static let nominationRejected = ModuleEventKind<NominationStep>("rewards.nomination_rejected", payloadSchema: stepSchema)
    /// The decider approves it.
    public static let nominationApproved = ModuleEventKind<NominationStep>("rewards.nomination_approved", payloadSchema: stepSchema)
    /// The nominator withdraws it.
    public static let nominationWithdrawn = ModuleEventKind<NominationStep>("rewards.nomination_withdrawn", payloadSchema: stepSchema)
    /// The decision awards it.
    public static let nominationAwarded = ModuleEventKind<NominationAwarded>("rewards.nomination_awarded", payloadSchema: .object([
        "nominationId": .uuid, "decisionNumber": .text(maximumLength: 100), "decisionDate": .date, "signer": .string, "awardTitle": .string,
    ], closed: true))

    static let stepSchema = APISchema.object(["nominationId": .uuid, "fromLevel": .integer, "toLevel": .integer, "note": .text(maximumLength: 2000)],
                                             optional: ["fromLevel", "toLevel"], closed: true)

    static let kinds: [ModuleEventDeclaration] = [
        roundOpened.declaration, roundClosed.declaration, nominationDrafted.declaration, nominationSubmitted.declaration,
        nominationEndorsed.declaration, nominationReturned.declaration, nominationRejected.declaration, nominationApproved.declaration,
        nominationWithdrawn.declaration, nominationAwarded.declaration,
    ]

    public var manifest: ModuleManifest {
        ModuleManifest(
            id: "rewards",
            name: LocalizedName(vietnamese: "Thi đua, khen thưởng", english: "Rewards nomination"),
            version: ModuleVersion(1, 0, 0),
            permissions: [
                ModulePermission("rewards.review", "Review nominations at a level of the chain and endorse, return or reject them"),
                ModulePermission("rewards.decide", "Approve, reject and award nominations that reached the decision"),
            ],
            roles: [
                ModuleRole("rewards.reviewer", "Reviews the nominations that reach their unit (the commune, district or province council)",
                           levels: [.commune, .district, .province, .nation], permissions: ["rewards.review"]),
                ModuleRole("rewards.decider", "Decides and awards (the chairman of the People's Committee, or whom they delegate)",
                           levels: [.province, .nation], permissions: ["rewards.decide"]),
            ],
            consumes: Self.kinds.map(\.type),
            events: Self.kinds,
            optionalDependencies: ["coverage", "good-practices"])
    }

    public var migrations: [Migration] {
        Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files)
    }

    public var projectionTables: [String] { ["rewards_rounds", "rewards_nominations", "rewards_history"] }

    public var settings: SettingsSchema {
        SettingsSchema([
            .choices("categories", SettingLabel(vietnamese: "Danh hiệu mặc định của đợt", english: "Default categories of a round"),
                     among: RoundDefaults.categories.map(\.key), default: RoundDefaults.categories.map(\.key)),
            .integer("quotaPerCommune", SettingLabel(vietnamese: "Chỉ tiêu mỗi xã, mỗi danh hiệu", english: "Quota per commune and category"),
                     range: 1...100, default: 3),
            .integer("quotaPerDistrict", SettingLabel(vietnamese: "Chỉ tiêu mỗi huyện, mỗi danh hiệu", english: "Quota per district and category"),
                     range: 1...500, default: 10),
            .integer("quotaPerProvince", SettingLabel(vietnamese: "Chỉ tiêu toàn tỉnh, mỗi danh hiệu", english: "Quota per province and category"),
                     range: 1...5000, default: 20),
            .boolean("villageLeadersMayNominate", SettingLabel(vietnamese: "Tổ trưởng thôn được đề nghị", english: "Village team leaders may nominate"),
                     default: false),
            .choices("evidenceMetrics", SettingLabel(vietnamese: "Chỉ số minh chứng hiển thị", english: "Evidence metrics shown"),
                     among: EvidenceMetric.allCases.map(\.rawValue), default: EvidenceMetric.allCases.map(\.rawValue)),
        ])
    }

    public func addRoutes(to routes: inout ModuleRoutes) {
        RewardsDocumentation.registerSchemas(&routes)
        typealias D = RewardsDocumentation
        routes.get("rounds", access: .view, documentation: D.rounds) { try await RoundRoutes.list($0, $1) }
        routes.post("rounds", access: .change, documentation: D.openRound) { try await RoundRoutes.open($0, $1) }
        routes.get("rounds/{id}", access: .view, documentation: D.round) { try await RoundRoutes.detail($0, $1) }
        routes.post("rounds/{id}/close", access: .change, documentation: D.closeRound) { try await RoundRoutes.close($0, $1) }
        routes.get("rounds/{id}/candidates", access: .view, documentation: D.candidates) { try await RoundRoutes.candidates($0, $1) }
        routes.get("rounds/{id}/awards.csv", access: .view, documentation: D.awardsCSV) { try await AwardList.csv($0, $1) }
        routes.get("rounds/{id}/annex", access: .view, documentation: D.annex) { try await AwardList.annex($0, $1) }
        routes.get("nominations", access: .view, documentation: D.nominations) { try await NominationRoutes.list($0, $1) }
        routes.post("nominations", access: .change, documentation: D.draft) { try await NominationRoutes.draft($0, $1) }
        routes.get("nominations/{id}", access: .view, documentation: D.nomination) { try await NominationRoutes.detail($0, $1) }
        for action in ReviewAction.allCases {
            routes.post("nominations/{id}/\(action.rawValue)", access: action.access, documentation: D.action(action)) { request, context in
                try await NominationRoutes.act(action, request, context)
            }
        }
        RewardsPages.add(to: &routes)
    }

    public func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
        try await RewardsProjection.apply(event.event, province: event.provinceID, transaction)
    }
}
