public import CDTDomain
import Foundation

extension PostgresWorkStore {
    public func teams(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Team> {
        let subtree = try await SubtreeScope.resolve(filter.underUnitID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let text = Self.text(filter)
        let afterKey = page.after?.parts[0]
        let afterID = page.after.flatMap { UUID(uuidString: $0.parts[1]) }
        let rows = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.teamColumns), encode(t.sort_key, 'hex') AS sort_key_hex FROM teams t
            WHERE \(Self.inSubtree(subtree.scope, "t")) AND \(filter.readScope.condition("t"))
              AND (\(filter.activeOn)::date IS NULL OR (t.established_on <= \(filter.activeOn) AND (t.ended_on IS NULL OR t.ended_on > \(filter.activeOn))))
              AND (\(text)::text IS NULL OR t.search_key LIKE '%' || \(text) || '%')
              AND (\(afterKey)::text IS NULL OR (t.sort_key, t.id) > (decode(\(afterKey), 'hex'), \(afterID)))
            ORDER BY t.sort_key, t.id
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: WorkRecords.team(from:), cursor: Self.sortKeyCursor)
    }

    public func team(_ id: ID<Team>) async throws -> Team? {
        try await client.query("SELECT \(unsafeSQL: WorkRecords.teamColumns) FROM teams t WHERE t.id = \(id)").map(WorkRecords.team(from:)).first
    }

    public func members(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Member> {
        let subtree = try await SubtreeScope.resolve(filter.underUnitID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let text = Self.text(filter)
        let afterKey = page.after?.parts[0]
        let afterID = page.after.flatMap { UUID(uuidString: $0.parts[1]) }
        let scoped = filter.underUnitID != nil || filter.activeOn != nil || !filter.readScope.isNationwide
        let rows = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.memberColumns), encode(m.sort_key, 'hex') AS sort_key_hex FROM members m
            WHERE (\(subtree.scope?.provinceID)::uuid IS NULL OR m.province_id = \(subtree.scope?.provinceID))
              AND (NOT \(scoped) OR EXISTS (
                    SELECT 1 FROM memberships s JOIN teams t ON t.id = s.team_id
                    WHERE s.member_id = m.id AND \(Self.inSubtree(subtree.scope, "t")) AND \(filter.readScope.condition("t"))
                      AND (\(filter.activeOn)::date IS NULL OR (s.joined_on <= \(filter.activeOn) AND (s.left_on IS NULL OR s.left_on > \(filter.activeOn))))))
              AND (\(text)::text IS NULL OR m.search_key LIKE '%' || \(text) || '%')
              AND (\(afterKey)::text IS NULL OR (m.sort_key, m.id) > (decode(\(afterKey), 'hex'), \(afterID)))
            ORDER BY m.sort_key, m.id
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: WorkRecords.member(from:), cursor: Self.sortKeyCursor)
    }

    /// Which of `ids` are members of a team inside `scope`.
    public func members(_ ids: [ID<Member>], within scope: AccessScope) async throws -> Set<ID<Member>> {
        guard !ids.isEmpty else { return [] }
        return Set(try await client.query("""
            SELECT DISTINCT s.member_id FROM memberships s JOIN teams t ON t.id = s.team_id
            WHERE s.member_id = ANY(\(ids)) AND \(scope.condition("t"))
            """).decode(ID<Member>.self))
    }

    public func member(_ id: ID<Member>) async throws -> Member? {
        try await client.query("SELECT \(unsafeSQL: WorkRecords.memberColumns) FROM members m WHERE m.id = \(id)").map(WorkRecords.member(from:)).first
    }

    public func memberships(team: ID<Team>?, member: ID<Member>?, activeOn: CalendarDate?, within scope: AccessScope? = nil,
                            page: PageRequest) async throws -> Page<Membership> {
        let after = page.after
        let afterDate = after.flatMap { CalendarDate($0.parts[0]) }
        let afterTeam = after.flatMap { UUID(uuidString: $0.parts[1]) }
        let afterMember = after.flatMap { UUID(uuidString: $0.parts[2]) }
        let onTeamsInScope: PostgresQuery = if let scope, !scope.isNationwide {
            "EXISTS (SELECT 1 FROM teams t WHERE t.id = s.team_id AND \(scope.condition("t")))"
        } else {
            "TRUE"
        }
        let rows = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.membershipColumns) FROM memberships s
            WHERE (\(team)::uuid IS NULL OR s.team_id = \(team))
              AND (\(member)::uuid IS NULL OR s.member_id = \(member))
              AND (\(activeOn)::date IS NULL OR (s.joined_on <= \(activeOn) AND (s.left_on IS NULL OR s.left_on > \(activeOn))))
              AND \(onTeamsInScope)
              AND (\(afterDate)::date IS NULL OR (s.joined_on, s.team_id, s.member_id) > (\(afterDate), \(afterTeam), \(afterMember)))
            ORDER BY s.joined_on, s.team_id, s.member_id
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: WorkRecords.membership(from:)) { membership, _ in
            [membership.joinedOn.description, membership.teamID.description, membership.memberID.description]
        }
    }
}
