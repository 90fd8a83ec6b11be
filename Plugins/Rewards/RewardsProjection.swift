import CDTModuleKit
import Foundation

/// Builds the module's tables from its events. The routes call it in the transaction that records the
/// event; delivery calls it again for the same event, and a rebuild for every event: each write is keyed
/// by the event's id (a nomination's history row is the ledger), so applying an event twice changes
/// nothing and a replay gives the same rows.
enum RewardsProjection {
    /// Applies `event` of the province `province`, if it is one of the module's.
    static func apply(_ event: DomainEvent, province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
        typealias M = RewardsModule
        if let opened = try M.roundOpened.payload(of: event) {
            try await openRound(opened, event, province, tx)
        } else if let closed = try M.roundClosed.payload(of: event) {
            try await tx.execute("""
                UPDATE rewards_rounds SET state = 'closed', closed_at = \(event.occurredAt)
                WHERE province_id = \(province) AND id = \(closed.roundId) AND state = 'open'
                """)
        } else if let drafted = try M.nominationDrafted.payload(of: event) {
            try await draft(drafted, event, province, tx)
        } else if let submitted = try M.nominationSubmitted.payload(of: event) {
            try await step(event, province, submitted.nominationId, action: "submitted", level: 0, note: "", set: """
                state = 'under_review', level_index = 0, reached = 0, evidence = \(try json(submitted.evidence))::jsonb,
                submitted_at = \(event.occurredAt), return_reason = NULL
                """, tx)
        } else if let endorsed = try M.nominationEndorsed.payload(of: event) {
            let state = endorsed.toLevel == nil ? "endorsed" : "under_review"
            try await step(event, province, endorsed.nominationId, action: "endorsed", level: endorsed.fromLevel, note: endorsed.note, set: """
                state = \(state), level_index = \(endorsed.toLevel), reached = \((endorsed.fromLevel ?? 0) + 1)
                """, tx)
        } else if let returned = try M.nominationReturned.payload(of: event) {
            try await step(event, province, returned.nominationId, action: "returned", level: returned.fromLevel, note: returned.note, set: """
                state = 'returned', level_index = NULL, reached = 0, return_reason = \(returned.note)
                """, tx)
        } else if let rejected = try M.nominationRejected.payload(of: event) {
            try await step(event, province, rejected.nominationId, action: "rejected", level: rejected.fromLevel, note: rejected.note,
                           set: "state = 'rejected', level_index = NULL", tx)
        } else if let approved = try M.nominationApproved.payload(of: event) {
            try await step(event, province, approved.nominationId, action: "approved", level: approved.fromLevel, note: approved.note,
                           set: "state = 'approved', level_index = NULL", tx)
        } else if let withdrawn = try M.nominationWithdrawn.payload(of: event) {
            try await step(event, province, withdrawn.nominationId, action: "withdrawn", level: withdrawn.fromLevel, note: withdrawn.note,
                           set: "state = 'withdrawn', level_index = NULL", tx)
        } else if let awarded = try M.nominationAwarded.payload(of: event) {
            let decision = try json(Decision(decisionNumber: awarded.decisionNumber, decisionDate: awarded.decisionDate, signer: awarded.signer,
                                             awardTitle: awarded.awardTitle))
            try await step(event, province, awarded.nominationId, action: "awarded", level: nil, note: awarded.awardTitle,
                           set: "state = 'awarded', decision = \(decision)::jsonb", tx)
        }
    }

    /// A province's own round is keyed by its event's id; a province's part of a national round by the
    /// national round's id, the same in every province's row.
    private static func openRound(_ round: RoundOpened, _ event: DomainEvent, _ province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
        let id = round.isNational ? (round.roundId ?? event.id) : event.id
        let scope = round.isNational ? RewardsLevels.nation : "province"
        try await tx.execute("""
            INSERT INTO rewards_rounds (province_id, id, scope_unit_id, title_vi, title_en, period_from, period_until, categories, quotas,
                                        deadlines, chain, state, opened_at, opened_by, scope)
            VALUES (\(province), \(id), \(event.unitID), \(round.titleVi), \(round.titleEn), \(round.periodFrom), \(round.periodUntil),
                    \(try json(round.categories))::jsonb, \(try json(round.quotas))::jsonb, \(try json(round.deadlines))::jsonb,
                    \(try json(round.chain))::jsonb, 'open', \(event.occurredAt), \(event.authorID), \(scope))
            ON CONFLICT (province_id, id) DO NOTHING
            """)
    }

    private static func draft(_ nomination: NominationDrafted, _ event: DomainEvent, _ province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            WITH h AS (
                INSERT INTO rewards_history (province_id, event_id, nomination_id, version, action, level, note, actor, occurred_at)
                VALUES (\(province), \(event.id), \(event.id), 1, 'drafted', NULL, '', \(event.authorID), \(event.occurredAt))
                ON CONFLICT (province_id, event_id) DO NOTHING RETURNING 1)
            INSERT INTO rewards_nominations (province_id, id, round_id, category, subject_kind, subject_id, subject_name, subject_role, team_id,
                                             team_name, unit_id, subject_unit_id, review_units, citation, state, nominated_by, version, updated_at)
            SELECT \(province), \(event.id), \(nomination.roundId), \(nomination.category), \(nomination.subjectKind), \(nomination.subjectId),
                   \(nomination.subjectName), \(nomination.subjectRole), \(nomination.teamId), \(nomination.teamName), \(nomination.reviewUnits[0]),
                   \(event.unitID), \(try json(nomination.reviewUnits))::jsonb, \(nomination.citation), 'draft', \(event.authorID), 1, \(event.occurredAt)
            WHERE EXISTS (SELECT 1 FROM h)
            ON CONFLICT (province_id, id) DO NOTHING
            """)
    }

    /// Writes the history row of `event` and, only when it is new, changes the nomination with `set`,
    /// one version on.
    private static func step(_ event: DomainEvent, _ province: ID<AdministrativeUnit>, _ nomination: ID<DomainEvent>, action: String, level: Int?,
                             note: String, set: PostgresQuery, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            WITH h AS (
                INSERT INTO rewards_history (province_id, event_id, nomination_id, version, action, level, note, actor, occurred_at)
                SELECT \(province), \(event.id), \(nomination), n.version + 1, \(action), r.chain ->> \(level)::int, \(note), \(event.authorID), \(event.occurredAt)
                FROM rewards_nominations n JOIN rewards_rounds r ON r.province_id = n.province_id AND r.id = n.round_id
                WHERE n.province_id = \(province) AND n.id = \(nomination)
                ON CONFLICT (province_id, event_id) DO NOTHING RETURNING 1)
            UPDATE rewards_nominations SET \(set), version = version + 1, updated_at = \(event.occurredAt)
            WHERE province_id = \(province) AND id = \(nomination) AND EXISTS (SELECT 1 FROM h)
            """)
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// The decision that awards a nomination.
struct Decision: Codable, Hashable, Sendable {
    var decisionNumber: String
    var decisionDate: CalendarDate
    var signer: String
    var awardTitle: String
}
