public import CDTDomain
import Foundation

extension PostgresWorkStore {
    /// Everything stored about a member, for a data-subject request: their details, memberships, and
    /// the events that name them (joining, leaving, role changes, visits they made, trainings they attended).
    public func personalData(of id: ID<Member>) async throws -> (member: Member, memberships: [Membership], events: [DomainEvent])? {
        guard let member = try await member(id) else { return nil }
        let memberships = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.membershipColumns) FROM memberships s WHERE s.member_id = \(id) ORDER BY s.joined_on
            """).map(WorkRecords.membership(from:))
        let text = id.description
        let events = try await client.query("""
            SELECT \(unsafeSQL: PostgresEventLog.columns) FROM events e
            WHERE e.province_id = (SELECT province_id FROM members WHERE id = \(id))
              AND (e.payload->>'memberId' = \(text) OR e.payload->'memberIds' ? \(text) OR e.payload->'attendeeIds' ? \(text)
                   OR e.author_id = \(id))
            ORDER BY e.position
            """).map(PostgresEventLog.event(from:))
        return (member, memberships, events)
    }

    /// Where a member belongs, for placing audit entries about them: the unit of their first team, or
    /// their province when they were never on one.
    public func auditUnit(ofMember id: ID<Member>) async throws -> ID<AdministrativeUnit>? {
        try await client.query("""
            SELECT coalesce((SELECT t.unit_id FROM memberships s JOIN teams t ON t.id = s.team_id
                             WHERE s.member_id = m.id ORDER BY s.joined_on, t.id LIMIT 1), m.province_id)
            FROM members m WHERE m.id = \(id)
            """).decode(ID<AdministrativeUnit>.self).first
    }

    /// Erases a member's personal data (see `sql/core/0006_personal_data.sql`): their details and the copies
    /// in the log become placeholders; ids, memberships and the work they recorded stay, so counts do not change.
    public func erase(_ id: ID<Member>) async throws {
        try await client.query("SELECT cdt_erase_member(\(id))")
    }
}
