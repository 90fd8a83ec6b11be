public import CDTModuleKit
public import Foundation

/// The figures computed the plain way: GROUP BY over the raw event log at a date, per unit where
/// recorded, written from the rules in docs/coverage.md and sharing no code with the module's
/// incremental path. The tests compare the module with it; the benchmark (`cdt bench coverage-reads`)
/// times it as the baseline the roll-ups are measured against. Never used to answer a request.
public enum PlainSQLReference {
    static let day = "((occurred_at AT TIME ZONE 'UTC') + interval '7 hours')::date"

    /// Every base metric per unit where recorded, at the end of `date`.
    public static func leafValues(at date: CalendarDate, _ db: PostgresClient) async throws -> [UUID: [String: Double]] {
        rows(try await db.query(PostgresQuery(unsafeSQL: leafSQL(at: date))).decode((UUID, String, Double).self))
    }

    /// The figures of each unit in `units` at the end of `date` (each unit's subtree, by the hierarchy's
    /// paths): the plain GROUP BY a drill-down would run over the raw events without the module.
    public static func drillDown(_ units: [ID<AdministrativeUnit>], at date: CalendarDate, _ db: PostgresClient) async throws -> [UUID: [String: Double]] {
        // Ids are UUIDs (hex and dashes), so they go into the text as a literal too.
        let ids = "'{" + units.map(\.description).joined(separator: ",") + "}'::uuid[]"
        let sql = """
            WITH leaf(unit_id, metric, value) AS (\(leafSQL(at: date, provincesOf: ids)))
            SELECT c.id, l.metric, sum(l.value)::float8 FROM leaf l
            JOIN core_v1.units u ON u.id = l.unit_id
            JOIN core_v1.units c ON c.id = ANY(\(ids)) AND u.path LIKE c.path || '%'
            GROUP BY 1, 2
            """
        return rows(try await db.query(PostgresQuery(unsafeSQL: sql)).decode((UUID, String, Double).self))
    }

    private static func rows(_ rows: [(UUID, String, Double)]) -> [UUID: [String: Double]] {
        var result: [UUID: [String: Double]] = [:]
        for (unit, metric, value) in rows where value != 0 { result[unit, default: [:]][metric] = value }
        return result
    }

    /// The SQL of ``leafValues(at:_:)``; the date is a CalendarDate (digits and dashes only), so it goes
    /// into the text as a literal.
    static func leafSQL(at date: CalendarDate, provincesOf units: String? = nil) -> String {
        let scope = units.map { "WHERE province_id IN (SELECT coalesce(province_id, id) FROM core_v1.units WHERE id = ANY(\($0)))" } ?? ""
        let skills = BasicSkill.allCases.map { ("skills", $0.rawValue, "skill.\($0.rawValue)") }
            + DigitalService.allCases.map { ("services", $0.rawValue, "service.\($0.rawValue)") }
        // Per household: whether any visit up to the date mastered each skill or service, or recorded it
        // as not applicable (one GROUP BY over the visits, joined to the households).
        let visitMarks = skills.enumerated().map { index, skill in
            """
            payload->'\(skill.0)'->>'\(skill.1)' = 'mastered' AS m\(index),
            payload->'\(skill.0)'->>'\(skill.1)' = 'notApplicable' AS n\(index)
            """
        }.joined(separator: ",\n")
        let visitFlags = skills.indices.map { "coalesce(bool_or(m\($0)), false) AS m\($0), coalesce(bool_or(n\($0)), false) AS n\($0)" }
            .joined(separator: ", ")
        let flags = skills.indices.map { "coalesce(v.m\($0), false) AS m\($0), coalesce(v.n\($0), false) AS n\($0)" }.joined(separator: ", ")
        // Every household metric of a unit in one pass over the households (one row per unit, a column per
        // metric), then turned into rows: the households are read once, not once per metric.
        var columns: [(metric: String, sql: String)] = [
            ("households", "count(*) FILTER (WHERE registered)"),
            ("householdsEligible", "count(*) FILTER (WHERE eligible)"),
            ("householdsVisited", "count(*) FILTER (WHERE visited)"),
        ]
        for (index, skill) in skills.enumerated() {
            columns.append((skill.2, "count(*) FILTER (WHERE m\(index))"))
            columns.append((skill.2 + ".eligible", "count(*) FILTER (WHERE m\(index) OR (eligible AND NOT n\(index)))"))
        }
        for (index, band) in AgeBand.allCases.enumerated() {
            columns.append(("residents." + band.rawValue, "coalesce(sum(r\(index)) FILTER (WHERE registered), 0)"))
        }
        // Residents per age band of each version of a household's details, worked out where it is read, so
        // the sorts below carry three numbers instead of the payload.
        let bandSums = AgeBand.allCases.enumerated().map { index, band in
            "(SELECT coalesce(sum((r->>'count')::int), 0) FROM jsonb_array_elements(payload->'residents') r WHERE r->>'ageBand' = '\(band.rawValue)') AS r\(index)"
        }.joined(separator: ", ")
        let bands = AgeBand.allCases.indices.map { "latest.r\($0)" }.joined(separator: ", ")
        let latestBands = AgeBand.allCases.indices.map { "r\($0)" }.joined(separator: ", ")
        let householdColumns = columns.enumerated().map { "\($1.sql) AS c\($0)" }.joined(separator: ",\n")
        let householdRows = columns.enumerated().map { "('\($1.metric)', c\($0))" }.joined(separator: ", ")
        // `ev` is not materialized: each part reads the log for its own types (at national scale the log is
        // tens of gigabytes, which a materialized copy would write to temporary files). The household parts
        // pick their few columns out of the payload in a query fenced with OFFSET 0, so the sorts carry
        // those columns rather than the payload: left to itself the planner works them out above the sort,
        // and at national scale the sorts then spill over 15 GB of payloads to temporary files.
        let sql = """
            WITH ev AS NOT MATERIALIZED (
                SELECT position, unit_id, type, payload, \(day) AS day FROM core_v1.events \(scope)
            ), versions AS NOT MATERIALIZED (
                SELECT (payload->>'householdId')::uuid AS hh, position, unit_id, day, payload->>'notApplicable' IS NULL AS in_scope, \(bandSums)
                FROM ev WHERE type IN ('household.registered', 'household.updated') OFFSET 0
            ), home AS (
                SELECT DISTINCT ON (hh) hh, unit_id FROM versions ORDER BY hh, position
            ), latest AS (
                SELECT DISTINCT ON (hh) hh, in_scope, \(latestBands) FROM versions WHERE day <= $1 ORDER BY hh, day DESC, position DESC
            ), visits AS (
                SELECT hh, \(visitFlags) FROM (
                    SELECT (payload->>'householdId')::uuid AS hh, \(visitMarks)
                    FROM ev WHERE type = 'household.visited' AND day <= $1 OFFSET 0
                ) picked GROUP BY 1
            ), hh AS (
                SELECT home.hh, home.unit_id, latest.hh IS NOT NULL AS registered,
                       latest.hh IS NOT NULL AND latest.in_scope AS eligible,
                       v.hh IS NOT NULL AS visited, \(bands),
                       \(flags)
                FROM home LEFT JOIN latest USING (hh) LEFT JOIN visits v USING (hh)
            ), per_unit AS (
                SELECT unit_id, \(householdColumns) FROM hh GROUP BY unit_id
            ), dissolved AS (
                SELECT payload->>'teamId' AS team, min(day) AS ended FROM ev WHERE type = 'team.dissolved' GROUP BY 1
            ), team_spans AS (
                SELECT t.payload->>'teamId' AS team, t.unit_id, t.day AS established, d.ended
                FROM ev t LEFT JOIN dissolved d ON d.team = t.payload->>'teamId' WHERE t.type = 'team.established'
            ), active AS (
                SELECT * FROM team_spans WHERE established <= $1 AND (ended IS NULL OR ended > $1)
            ), joins AS (
                SELECT payload->>'teamId' AS team, payload->>'memberId' AS member, day FROM ev WHERE type = 'member.joined'
            ), lefts AS (
                SELECT payload->>'teamId' AS team, payload->>'memberId' AS member, min(day) AS day FROM ev WHERE type = 'member.left' GROUP BY 1, 2
            ), trained AS (
                SELECT DISTINCT ON (member) member, unit_id, day FROM ev, jsonb_array_elements_text(payload->'attendeeIds') member
                WHERE type = 'training.held' ORDER BY member, day, position
            )
            SELECT p.unit_id, x.metric, x.value FROM per_unit p CROSS JOIN LATERAL (VALUES \(householdRows)) AS x(metric, value)
            UNION ALL SELECT unit_id, 'teams', count(*) FROM active GROUP BY 1
            UNION ALL SELECT a.unit_id, 'villagesWithTeam', count(*) FROM active a JOIN core_v1.units u ON u.id = a.unit_id WHERE u.level = 'village' GROUP BY 1
            UNION ALL SELECT a.unit_id, 'members', count(*) FROM joins j JOIN active a ON a.team = j.team
                      LEFT JOIN lefts l ON l.team = j.team AND l.member = j.member
                      WHERE j.day <= $1 AND (l.day IS NULL OR l.day > $1) GROUP BY 1
            UNION ALL SELECT unit_id, 'trainings', count(*) FROM ev WHERE type = 'training.held' AND day <= $1 GROUP BY 1
            UNION ALL SELECT unit_id, 'membersTrained', count(*) FROM trained WHERE day <= $1 GROUP BY 1
            """
        return sql.replacingOccurrences(of: "$1", with: "'\(date)'::date")
    }

    /// Campaign progress the plain way: distinct households visited (with a target skill mastered) and
    /// members trained in each campaign's scope and period.
    public static func campaigns(_ db: PostgresClient) async throws -> [UUID: [Int]] {
        let rows = try await db.query("""
            WITH c AS (
                SELECT (payload->>'campaignId')::uuid AS id, u.path, (payload->>'startsOn')::date AS starts,
                       least((payload->>'endsOn')::date,
                             coalesce((SELECT min(\(unsafeSQL: day.replacingOccurrences(of: "occurred_at", with: "x.occurred_at"))) FROM core_v1.events x
                                       WHERE x.type = 'campaign.closed' AND x.payload->>'campaignId' = e.payload->>'campaignId'), 'infinity')) AS ends,
                       ARRAY(SELECT jsonb_array_elements_text(payload->'targetSkills')) AS skills
                FROM core_v1.events e JOIN core_v1.units u ON u.id = e.unit_id WHERE e.type = 'campaign.launched'
            ), work AS (
                SELECT e.type, e.payload, u.path, \(unsafeSQL: day) AS day FROM core_v1.events e JOIN core_v1.units u ON u.id = e.unit_id
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
