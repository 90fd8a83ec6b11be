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

    /// Erases a member's personal data (see `sql/core/0006_personal_data.sql`): their details and the copies
    /// in the log become placeholders; ids, memberships and the work they recorded stay, so counts do not change.
    public func erase(_ id: ID<Member>) async throws {
        try await client.query("SELECT cdt_erase_member(\(id))")
    }
}
