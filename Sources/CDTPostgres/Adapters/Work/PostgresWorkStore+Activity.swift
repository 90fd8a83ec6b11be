public import CDTDomain
import Foundation

/// Households' visits and updates, and members' visits, read from the log: one query for a page of
/// households (index `events_household`, migrations 0017 and 0018: 500 households with 2,000 visits among 300,000
/// events read in a few milliseconds), one for a member's progress (the visits of the member's province
/// over the month, by `events_province_time`: about 100 ms for 300,000 visits a month in one province).
extension PostgresWorkStore {
    public func householdActivity(_ ids: [ID<Household>]) async throws -> [ID<Household>: HouseholdActivity] {
        if ids.isEmpty { return [:] }
        let rows = try await client.query("""
            SELECT e.payload ->> 'householdId', e.type, e.occurred_at, e.position,
                   ARRAY(SELECT s.key FROM jsonb_each_text(CASE WHEN jsonb_typeof(e.payload -> 'skills') = 'object' THEN e.payload -> 'skills' END) s
                         WHERE s.value IN ('mastered', 'notApplicable')),
                   ARRAY(SELECT s.key FROM jsonb_each_text(CASE WHEN jsonb_typeof(e.payload -> 'services') = 'object' THEN e.payload -> 'services' END) s
                         WHERE s.value IN ('mastered', 'notApplicable'))
            FROM events e
            WHERE e.type IN ('household.registered', 'household.updated', 'household.visited')
              AND (e.payload ->> 'householdId') = ANY(\(ids.map(\.description))::text[])
            """).decode((String, String, Date, Int, [String], [String]).self)
        var tallies: [ID<Household>: ActivityTally] = [:]
        for (household, type, occurredAt, position, skillsDone, servicesDone) in rows {
            guard let id = ID<Household>(household) else { continue }
            tallies[id, default: ActivityTally()].add(type: type, occurredAt: occurredAt, position: position, skillsDone: skillsDone, servicesDone: servicesDone)
        }
        return tallies.mapValues(\.activity)
    }

    public func visitTallies(of member: ID<Member>, in periods: [ClosedRange<CalendarDate>], within scope: AccessScope) async throws -> [VisitTally] {
        guard let earliest = periods.map(\.lowerBound).min(), let latest = periods.map(\.upperBound).max() else { return [] }
        if scope.isEmpty { return periods.map { _ in VisitTally(visits: 0, households: 0, mastered: 0, guided: 0) } }
        // Only visits recorded in units the caller views: a member who moved is seen where the caller sees them.
        let viewPaths = scope.isNationwide ? nil : scope.paths.sorted()
        let rows = try await client.query("""
            SELECT e.occurred_at, e.payload ->> 'householdId',
                   (SELECT count(*) FROM jsonb_each_text(e.payload -> 'skills') s WHERE s.value = 'mastered')
                 + (SELECT count(*) FROM jsonb_each_text(e.payload -> 'services') s WHERE s.value = 'mastered'),
                   (SELECT count(*) FROM jsonb_each_text(e.payload -> 'skills') s WHERE s.value = 'guided')
                 + (SELECT count(*) FROM jsonb_each_text(e.payload -> 'services') s WHERE s.value = 'guided')
            FROM events e JOIN administrative_units u ON u.id = e.unit_id
            WHERE e.province_id = (SELECT province_id FROM members WHERE id = \(member))
              AND (\(viewPaths)::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest(\(viewPaths)::text[]) AS v(path) WHERE u.path LIKE v.path || '%'))
              AND e.occurred_at >= \(PostgresEventLog.startOfDay(earliest)) AND e.occurred_at < \(PostgresEventLog.startOfDay(latest.adding(days: 1)))
              AND e.type = 'household.visited'
              AND (e.payload -> 'memberIds') ? \(member.description)
            """).decode((Date, String, Int, Int).self)
        return periods.map { period in
            let inPeriod = rows.filter { period.contains(CalendarDate($0.0)) }
            return VisitTally(visits: inPeriod.count, households: Set(inPeriod.map(\.1)).count,
                              mastered: inPeriod.reduce(0) { $0 + $1.2 }, guided: inPeriod.reduce(0) { $0 + $1.3 })
        }
    }
}

/// One household's events, folded into its ``HouseholdActivity``.
private struct ActivityTally {
    var lastVisitedAt: Date?
    var visits = 0
    var skillsDone: Set<String> = []
    var servicesDone: Set<String> = []
    /// The latest recorded registration or update: its position in the log and when it occurred.
    var lastChange: (position: Int, occurredAt: Date)?

    mutating func add(type: String, occurredAt: Date, position: Int, skillsDone: [String], servicesDone: [String]) {
        if type == "household.visited" {
            visits += 1
            lastVisitedAt = max(lastVisitedAt ?? occurredAt, occurredAt)
            self.skillsDone.formUnion(skillsDone)
            self.servicesDone.formUnion(servicesDone)
        } else if position > lastChange?.position ?? .min {
            lastChange = (position, occurredAt)
        }
    }

    var activity: HouseholdActivity {
        HouseholdActivity(lastVisitedAt: lastVisitedAt, visits: visits,
                          skillsLacking: BasicSkill.allCases.filter { !skillsDone.contains($0.rawValue) },
                          servicesLacking: DigitalService.allCases.filter { !servicesDone.contains($0.rawValue) },
                          changedAt: lastChange?.occurredAt)
    }
}
