import CDTModuleKit
import Foundation

/// Campaign progress: each household visited (and whether someone mastered a target skill) and each
/// member trained in a campaign's scope and period, counted once.
enum CampaignLedger {
    /// The day an event's time falls on in Vietnam, in SQL.
    static let eventDay = "((e.occurred_at AT TIME ZONE 'UTC') + interval '7 hours')::date"

    static func launch(_ campaign: CampaignLaunched, in event: FeedEvent, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            INSERT INTO coverage_campaigns (province_id, id, scope_unit_id, scope_path, name, starts_on, ends_on, target_skills, targets)
            SELECT \(event.provinceID), \(campaign.campaignId), u.id, u.path, \(campaign.name), \(campaign.startsOn), \(campaign.endsOn),
                   \(campaign.targetSkills.map(\.rawValue)), \(PostgresJSON(campaign.targets ?? []))
            FROM core_v1.units u WHERE u.id = \(event.event.unitID)
            ON CONFLICT (province_id, id) DO NOTHING
            """)
        try await recount(campaign.campaignId, province: event.provinceID, before: event.feedPosition, tx)
    }

    static func close(_ closed: CampaignClosed, in event: FeedEvent, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            UPDATE coverage_campaigns SET closed_on = \(event.event.occurredOn)
            WHERE province_id = \(event.provinceID) AND id = \(closed.campaignId)
            """)
        try await recount(closed.campaignId, province: event.provinceID, before: event.feedPosition, tx)
    }

    /// Counts a campaign's reach again from the visits and trainings in its scope and period that were
    /// delivered before `position` (the launch or the close): for a campaign recorded after work it covers,
    /// and for one closed early. Those after it come through the delivery (``Reach``), which checks the
    /// campaign's period as it then is. Bounded, a campaign launched before its work reads nothing of it here.
    static func recount(_ campaign: ID<Campaign>, province: ID<AdministrativeUnit>, before position: FeedPosition, _ tx: PostgresSession) async throws {
        try await tx.execute("DELETE FROM coverage_campaign_reach WHERE province_id = \(province) AND campaign_id = \(campaign)")
        // The bound on transaction_id alone lets the index of (province_id, transaction_id, position) serve it.
        let transaction = String(position.transactionID)
        try await tx.execute("""
            WITH c AS (
                SELECT * FROM coverage_campaigns WHERE province_id = \(province) AND id = \(campaign)
            )
            INSERT INTO coverage_campaign_reach (province_id, campaign_id, kind, subject_id, mastered_target)
            SELECT c.province_id, c.id, 'household', (e.payload->>'householdId')::uuid,
                   bool_or(EXISTS (SELECT 1 FROM jsonb_each_text(e.payload->'skills') s WHERE s.value = 'mastered' AND s.key = ANY(c.target_skills)))
            FROM c JOIN core_v1.events e ON e.province_id = c.province_id AND e.type = 'household.visited'
            JOIN core_v1.units u ON u.id = e.unit_id
            WHERE \(unsafeSQL: eventDay) BETWEEN c.starts_on AND least(c.ends_on, coalesce(c.closed_on, c.ends_on))
              AND u.path LIKE c.scope_path || '%'
              AND e.transaction_id <= \(transaction)::xid8 AND (e.transaction_id, e.position) < (\(transaction)::xid8, \(position.position))
            GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT DISTINCT c.province_id, c.id, 'member', a.member::uuid, false
            FROM c JOIN core_v1.events e ON e.province_id = c.province_id AND e.type = 'training.held'
            JOIN core_v1.units u ON u.id = e.unit_id
            CROSS JOIN LATERAL jsonb_array_elements_text(e.payload->'attendeeIds') a(member)
            WHERE \(unsafeSQL: eventDay) BETWEEN c.starts_on AND least(c.ends_on, coalesce(c.closed_on, c.ends_on))
              AND u.path LIKE c.scope_path || '%'
              AND e.transaction_id <= \(transaction)::xid8 AND (e.transaction_id, e.position) < (\(transaction)::xid8, \(position.position))
            """)
        try await tx.execute("""
            UPDATE coverage_campaigns c SET
                households_visited = (SELECT count(*) FROM coverage_campaign_reach r
                                      WHERE r.province_id = c.province_id AND r.campaign_id = c.id AND r.kind = 'household'),
                households_with_target_skill = (SELECT count(*) FROM coverage_campaign_reach r
                                                WHERE r.province_id = c.province_id AND r.campaign_id = c.id AND r.kind = 'household' AND r.mastered_target),
                members_trained = (SELECT count(*) FROM coverage_campaign_reach r
                                   WHERE r.province_id = c.province_id AND r.campaign_id = c.id AND r.kind = 'member')
            WHERE c.province_id = \(province) AND c.id = \(campaign)
            """)
    }

    /// Visits and trainings waiting to be counted in the campaigns whose scope and period they fall in,
    /// written in one statement per batch.
    struct Reach {
        private var kinds: [String] = [], subjects: [UUID] = [], units: [UUID] = [], days: [CalendarDate] = [], mastered: [String] = []

        mutating func visit(_ visit: HouseholdVisited, in event: DomainEvent) {
            let skills = visit.skills.outcomes.filter { $0.value == .mastered }.map(\.key.rawValue).sorted()
            append("household", visit.householdId.rawValue, event, mastered: skills.joined(separator: ","))
        }

        mutating func training(_ training: TrainingHeld, in event: DomainEvent) {
            for member in training.attendeeIds { append("member", member.rawValue, event, mastered: "") }
        }

        private mutating func append(_ kind: String, _ subject: UUID, _ event: DomainEvent, mastered skills: String) {
            kinds.append(kind)
            subjects.append(subject)
            units.append(event.unitID.rawValue)
            days.append(event.occurredOn)
            mastered.append(skills)
        }

        mutating func flush(province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
            guard !kinds.isEmpty else { return }
            defer { self = Reach() }
            let counted = try await tx.query("""
                WITH v AS (
                    SELECT * FROM unnest(\(kinds)::text[], \(subjects)::uuid[], \(units)::uuid[],
                                         \(days)::date[], \(mastered)::text[])
                        AS v(kind, subject_id, unit_id, day, mastered)
                ), hits AS (
                    SELECT c.province_id, c.id, v.kind, v.subject_id, bool_or(c.target_skills && string_to_array(v.mastered, ',')) AS mastered
                    FROM v JOIN core_v1.units u ON u.id = v.unit_id
                    JOIN coverage_campaigns c ON c.province_id = \(province)
                         AND v.day BETWEEN c.starts_on AND least(c.ends_on, coalesce(c.closed_on, c.ends_on))
                         AND u.path LIKE c.scope_path || '%'
                    GROUP BY 1, 2, 3, 4
                )
                INSERT INTO coverage_campaign_reach AS r (province_id, campaign_id, kind, subject_id, mastered_target)
                SELECT * FROM hits
                ON CONFLICT (province_id, campaign_id, kind, subject_id) DO UPDATE SET mastered_target = true
                WHERE NOT r.mastered_target AND excluded.mastered_target
                RETURNING campaign_id, kind, (xmax = 0) AS inserted, mastered_target
                """).decode((UUID, String, Bool, Bool).self)
            var changes: [UUID: (households: Int, mastered: Int, members: Int)] = [:]
            for (campaign, kind, inserted, masteredTarget) in counted {
                if kind == "member" {
                    changes[campaign, default: (0, 0, 0)].members += inserted ? 1 : 0
                } else {
                    changes[campaign, default: (0, 0, 0)].households += inserted ? 1 : 0
                    changes[campaign, default: (0, 0, 0)].mastered += masteredTarget ? 1 : 0
                }
            }
            for (campaign, change) in changes {
                try await tx.execute("""
                    UPDATE coverage_campaigns SET households_visited = households_visited + \(change.households),
                        households_with_target_skill = households_with_target_skill + \(change.mastered),
                        members_trained = members_trained + \(change.members)
                    WHERE province_id = \(province) AND id = \(campaign)
                    """)
            }
        }
    }
}
