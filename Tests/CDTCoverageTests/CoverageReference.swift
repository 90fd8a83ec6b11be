import CDTDomain
import CDTPostgres
import Foundation
@testable import CDTCoverage

/// The figures computed the plain way: GROUP BY over the raw event log at a date, per unit where
/// recorded, written from the rules in the module's documentation and sharing no code with it.
enum CoverageReference {
    static let day = "((occurred_at AT TIME ZONE 'UTC') + interval '7 hours')::date"

    /// Every base metric per unit where recorded, at the end of `date`.
    static func leafValues(at date: CalendarDate, _ db: PostgresClient) async throws -> [UUID: [String: Double]] {
        let skills = BasicSkill.allCases.map { ("skills", $0.rawValue, "skill.\($0.rawValue)") }
            + DigitalService.allCases.map { ("services", $0.rawValue, "service.\($0.rawValue)") }
        let flags = skills.enumerated().map { index, skill in
            """
            EXISTS (SELECT 1 FROM visits v WHERE v.hh = home.hh AND v.payload->'\(skill.0)'->>'\(skill.1)' = 'mastered') AS m\(index),
            EXISTS (SELECT 1 FROM visits v WHERE v.hh = home.hh AND v.payload->'\(skill.0)'->>'\(skill.1)' = 'notApplicable') AS n\(index)
            """
        }.joined(separator: ",\n")
        let skillRows = skills.enumerated().map { index, skill in
            """
            SELECT unit_id, '\(skill.2)', count(*) FILTER (WHERE m\(index)) FROM hh GROUP BY 1
            UNION ALL SELECT unit_id, '\(skill.2).eligible', count(*) FILTER (WHERE m\(index) OR (eligible AND NOT n\(index))) FROM hh GROUP BY 1
            """
        }.joined(separator: "\nUNION ALL ")
        let sql = """
            WITH ev AS (
                SELECT position, unit_id, type, payload, \(day) AS day FROM events
            ), versions AS (
                SELECT payload->>'householdId' AS hh, position, unit_id, day, payload FROM ev WHERE type IN ('household.registered', 'household.updated')
            ), home AS (
                SELECT DISTINCT ON (hh) hh, unit_id FROM versions ORDER BY hh, position
            ), latest AS (
                SELECT DISTINCT ON (hh) hh, payload FROM versions WHERE day <= $1 ORDER BY hh, day DESC, position DESC
            ), visits AS (
                SELECT payload->>'householdId' AS hh, payload FROM ev WHERE type = 'household.visited' AND day <= $1
            ), hh AS (
                SELECT home.hh, home.unit_id, latest.hh IS NOT NULL AS registered,
                       latest.hh IS NOT NULL AND latest.payload->>'notApplicable' IS NULL AS eligible,
                       EXISTS (SELECT 1 FROM visits v WHERE v.hh = home.hh) AS visited,
                       latest.payload->'residents' AS residents,
                       \(flags)
                FROM home LEFT JOIN latest USING (hh)
            ), teams AS (
                SELECT t.payload->>'teamId' AS team, t.unit_id, t.day AS established,
                       (SELECT min(d.day) FROM ev d WHERE d.type = 'team.dissolved' AND d.payload->>'teamId' = t.payload->>'teamId') AS ended
                FROM ev t WHERE t.type = 'team.established'
            ), active AS (
                SELECT * FROM teams WHERE established <= $1 AND (ended IS NULL OR ended > $1)
            ), joins AS (
                SELECT payload->>'teamId' AS team, payload->>'memberId' AS member, day FROM ev WHERE type = 'member.joined'
            ), lefts AS (
                SELECT payload->>'teamId' AS team, payload->>'memberId' AS member, min(day) AS day FROM ev WHERE type = 'member.left' GROUP BY 1, 2
            ), trained AS (
                SELECT DISTINCT ON (member) member, unit_id, day FROM ev, jsonb_array_elements_text(payload->'attendeeIds') member
                WHERE type = 'training.held' ORDER BY member, day, position
            )
            SELECT unit_id, 'households', count(*) FILTER (WHERE registered) FROM hh GROUP BY 1
            UNION ALL SELECT unit_id, 'householdsEligible', count(*) FILTER (WHERE eligible) FROM hh GROUP BY 1
            UNION ALL SELECT unit_id, 'householdsVisited', count(*) FILTER (WHERE visited) FROM hh GROUP BY 1
            UNION ALL \(skillRows)
            UNION ALL SELECT unit_id, 'residents.' || (r->>'ageBand'), sum((r->>'count')::int) FROM hh, jsonb_array_elements(residents) r WHERE registered GROUP BY 1, 2
            UNION ALL SELECT unit_id, 'teams', count(*) FROM active GROUP BY 1
            UNION ALL SELECT a.unit_id, 'villagesWithTeam', count(*) FROM active a JOIN administrative_units u ON u.id = a.unit_id WHERE u.level = 'village' GROUP BY 1
            UNION ALL SELECT a.unit_id, 'members', count(*) FROM joins j JOIN active a ON a.team = j.team
                      LEFT JOIN lefts l ON l.team = j.team AND l.member = j.member
                      WHERE j.day <= $1 AND (l.day IS NULL OR l.day > $1) GROUP BY 1
            UNION ALL SELECT unit_id, 'trainings', count(*) FROM ev WHERE type = 'training.held' AND day <= $1 GROUP BY 1
            UNION ALL SELECT unit_id, 'membersTrained', count(*) FROM trained WHERE day <= $1 GROUP BY 1
            """
        // The date is a CalendarDate (digits and dashes only), so it goes into the text as a literal.
        let rows = try await db.query(PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "$1", with: "'\(date)'::date")))
            .decode((UUID, String, Double).self)
        var result: [UUID: [String: Double]] = [:]
        for (unit, metric, value) in rows where value != 0 { result[unit, default: [:]][metric] = value }
        return result
    }

    /// Campaign progress the plain way: distinct households visited (with a target skill mastered) and
    /// members trained in each campaign's scope and period.
    static func campaigns(_ db: PostgresClient) async throws -> [UUID: [Int]] {
        let rows = try await db.query("""
            WITH c AS (
                SELECT (payload->>'campaignId')::uuid AS id, u.path, (payload->>'startsOn')::date AS starts,
                       least((payload->>'endsOn')::date,
                             coalesce((SELECT min(\(unsafeSQL: day.replacingOccurrences(of: "occurred_at", with: "x.occurred_at"))) FROM events x
                                       WHERE x.type = 'campaign.closed' AND x.payload->>'campaignId' = e.payload->>'campaignId'), 'infinity')) AS ends,
                       ARRAY(SELECT jsonb_array_elements_text(payload->'targetSkills')) AS skills
                FROM events e JOIN administrative_units u ON u.id = e.unit_id WHERE e.type = 'campaign.launched'
            ), work AS (
                SELECT e.type, e.payload, u.path, \(unsafeSQL: day) AS day FROM events e JOIN administrative_units u ON u.id = e.unit_id
            )
            SELECT c.id,
                   (SELECT count(DISTINCT w.payload->>'householdId') FROM work w WHERE w.type = 'household.visited' AND w.path LIKE c.path || '%' AND w.day BETWEEN c.starts AND c.ends),
                   (SELECT count(DISTINCT w.payload->>'householdId') FROM work w, jsonb_each_text(w.payload->'skills') s
                    WHERE w.type = 'household.visited' AND w.path LIKE c.path || '%' AND w.day BETWEEN c.starts AND c.ends AND s.value = 'mastered' AND s.key = ANY(c.skills)),
                   (SELECT count(DISTINCT a) FROM work w, jsonb_array_elements_text(w.payload->'attendeeIds') a
                    WHERE w.type = 'training.held' AND w.path LIKE c.path || '%' AND w.day BETWEEN c.starts AND c.ends)
            FROM c
            """).decode((UUID, Int64, Int64, Int64).self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, [Int($0.1), Int($0.2), Int($0.3)]) })
    }
}
