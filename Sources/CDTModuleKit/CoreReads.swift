public import CDTDomain
public import CDTPostgresClient
public import Foundation

/// Read access to the core's data for a module, over the `core_v1` views (docs/core-views.md): units with
/// their path, province, ancestors, subtree, lineage and as-of, teams, members without personal data,
/// households and events of chosen types. Row-level security applies as to every query: on the module's
/// client they run under the task's ``RowScope`` (a request's caller, a delivery's province); in a
/// ``PostgresSession`` under that session's.
///
/// ```swift
/// // In a route: where is this unit, and which province is it in?
/// let core = CoreReads(context.module.database)
/// guard let unit = try await core.unit(unitID) else { throw HTTPError(.notFound) }
/// let province = unit.provinceID                   // its own id for a province
/// let above = try await core.ancestors(of: unitID) // province first, parent last
///
/// // In applyBatch, inside the delivery's transaction:
/// let team = try await CoreReads(transaction).team(joined.teamId)
/// ```
///
/// For SQL joining the module's own tables with the core, name the views themselves
/// (`JOIN core_v1.units u ON u.id = t.unit_id`).
public struct CoreReads: Sendable {
    private let run: @Sendable (PostgresQuery) async throws -> PostgresRows

    /// Reads through the module's client, under the current task's ``RowScope``.
    public init(_ client: PostgresClient) { run = { try await client.query($0) } }

    /// Reads inside a session or transaction (a delivery's), under its row scope.
    public init(_ session: PostgresSession) { run = { try await session.query($0) } }

    // MARK: Units

    static let unitColumns = "u.id, u.code, u.name, u.level, u.type, u.parent_id, u.province_id, u.path, u.valid_from, u.valid_until"
    typealias UnitRow = (ID<AdministrativeUnit>, String, String, String, String, ID<AdministrativeUnit>?, ID<AdministrativeUnit>?,
                         String, CalendarDate, CalendarDate?)

    private func units(where condition: PostgresQuery) async throws -> [CoreUnit] {
        try await run("SELECT \(unsafeSQL: Self.unitColumns) FROM core_v1.units u WHERE \(condition) ORDER BY length(u.path), u.sort_key, u.id")
            .decode(UnitRow.self).map(CoreUnit.init)
    }

    /// The unit with `id`, in force or not; `nil` when there is none.
    public func unit(_ id: ID<AdministrativeUnit>) async throws -> CoreUnit? {
        try await units(where: "u.id = \(id)").first
    }

    /// The units with these ids that exist, from the top of the hierarchy down.
    public func units(_ ids: [ID<AdministrativeUnit>]) async throws -> [CoreUnit] {
        try await units(where: "u.id = ANY(\(ids))")
    }

    /// The province `id` lies in (itself for a province); `nil` for an unknown unit or the nation.
    public func province(of id: ID<AdministrativeUnit>) async throws -> CoreUnit? {
        guard let province = try await unit(id)?.provinceID else { return nil }
        return try await unit(province)
    }

    /// The units above `id` by its path, province first and parent last (empty for a province).
    public func ancestors(of id: ID<AdministrativeUnit>) async throws -> [CoreUnit] {
        guard let unit = try await unit(id) else { return [] }
        let above = unit.pathIDs.filter { $0 != id }
        return above.isEmpty ? [] : try await units(above)
    }

    /// `id` and every unit under it, top down; only those in force on `day` when given.
    public func subtree(of id: ID<AdministrativeUnit>, inForceOn day: CalendarDate? = nil) async throws -> [CoreUnit] {
        guard let root = try await unit(id) else { return [] }
        return try await units(where: """
            u.path LIKE \(root.path + "%") AND (\(day)::date IS NULL OR (u.valid_from <= \(day)::date AND (u.valid_until IS NULL OR u.valid_until > \(day)::date)))
            """)
    }

    /// The units directly under `id` in force on `day`, in Vietnamese order.
    public func children(of id: ID<AdministrativeUnit>, inForceOn day: CalendarDate) async throws -> [CoreUnit] {
        try await units(where: "u.parent_id = \(id) AND u.valid_from <= \(day) AND (u.valid_until IS NULL OR u.valid_until > \(day))")
    }

    /// The name and type `id` had on `day`: today's, or an earlier one kept when the unit was renamed.
    public func name(of id: ID<AdministrativeUnit>, on day: CalendarDate) async throws -> (name: String, type: String)? {
        try await run("""
            SELECT coalesce(n.name, u.name), coalesce(n.type, u.type) FROM core_v1.units u
            LEFT JOIN core_v1.unit_names n ON n.unit_id = u.id AND n.valid_from <= \(day) AND n.valid_until > \(day)
            WHERE u.id = \(id)
            """).decode((String, String).self).first.map { (name: $0.0, type: $0.1) }
    }

    /// The reorganizations `id` took part in, as predecessor or successor, oldest first.
    public func lineage(of id: ID<AdministrativeUnit>) async throws -> [UnitLineageLink] {
        try await run("""
            SELECT predecessor_id, successor_id, kind, share::float8, effective_on FROM core_v1.unit_lineage
            WHERE predecessor_id = \(id) OR successor_id = \(id) ORDER BY effective_on, predecessor_id, successor_id
            """).decode((ID<AdministrativeUnit>, ID<AdministrativeUnit>, String, Double?, CalendarDate).self)
            .map { UnitLineageLink(predecessorID: $0.0, successorID: $0.1, kind: $0.2, share: $0.3, effectiveOn: $0.4) }
    }

    // MARK: Teams, members, households

    /// The team with `id`, if the scope shows it.
    public func team(_ id: ID<Team>) async throws -> CoreTeam? {
        try await run("""
            SELECT id, province_id, unit_id, level, name, established_on, ended_on, merged_into_team_id FROM core_v1.teams WHERE id = \(id)
            """).decode((ID<Team>, ID<AdministrativeUnit>, ID<AdministrativeUnit>, String, String, CalendarDate, CalendarDate?, ID<Team>?).self)
            .first.map { CoreTeam(id: $0.0, provinceID: $0.1, unitID: $0.2, level: $0.3, name: $0.4, establishedOn: $0.5, endedOn: $0.6, mergedIntoTeamID: $0.7) }
    }

    /// The members on team `id` at the end of `day`, with their roles, in name order. No personal data.
    public func members(ofTeam id: ID<Team>, on day: CalendarDate) async throws -> [CoreTeamMember] {
        try await run("""
            SELECT m.id, m.name, s.role, s.joined_on FROM core_v1.memberships s JOIN core_v1.members m ON m.id = s.member_id
            WHERE s.team_id = \(id) AND s.joined_on <= \(day) AND (s.left_on IS NULL OR s.left_on > \(day))
            ORDER BY m.name, m.id
            """).decode((ID<Member>, String, String, CalendarDate).self)
            .map { CoreTeamMember(memberID: $0.0, name: $0.1, role: $0.2, joinedOn: $0.3) }
    }

    /// What a counter may see of member `id` to check the person holding a code (an enterprise partner's
    /// shop): the given name and the last three digits of the phone, from `core_v1.member_counter_identity`.
    /// Nothing else about the member; `nil` when the scope does not show them.
    public func counterIdentity(of id: ID<Member>) async throws -> CoreCounterIdentity? {
        try await run("""
            SELECT given_name, phone_last3 FROM core_v1.member_counter_identity WHERE member_id = \(id)
            """).decode((String, String).self).first.map { CoreCounterIdentity(givenName: $0.0, phoneLast3: $0.1) }
    }

    /// The household with `id` (no label, no names), if the scope shows it.
    public func household(_ id: ID<Household>) async throws -> CoreHousehold? {
        try await run("""
            SELECT id, province_id, unit_id, size, not_applicable, registered_on FROM core_v1.households WHERE id = \(id)
            """).decode((ID<Household>, ID<AdministrativeUnit>, ID<AdministrativeUnit>, Int, String?, CalendarDate).self)
            .first.map { CoreHousehold(id: $0.0, provinceID: $0.1, unitID: $0.2, size: $0.3, notApplicable: $0.4, registeredOn: $0.5) }
    }

    // MARK: Campaigns and trainings

    /// The campaigns over `unit`'s subtree or a unit above it (those its work counts towards) running on
    /// any day from `from` to `until`, earliest first.
    public func campaigns(reaching unit: ID<AdministrativeUnit>, from: CalendarDate, until: CalendarDate) async throws -> [CoreCampaign] {
        guard let root = try await self.unit(unit) else { return [] }
        return try await run("""
            SELECT c.id, c.province_id, c.scope_unit_id, c.name, c.starts_on, c.ends_on, c.closed_on
            FROM core_v1.campaigns c JOIN core_v1.units s ON s.id = c.scope_unit_id
            WHERE (\(root.path) LIKE s.path || '%' OR s.path LIKE \(root.path + "%"))
              AND c.starts_on <= \(until) AND coalesce(c.closed_on, c.ends_on) >= \(from)
            ORDER BY c.starts_on, c.id
            """).decode((ID<Campaign>, ID<AdministrativeUnit>, ID<AdministrativeUnit>, String, CalendarDate, CalendarDate, CalendarDate?).self)
            .map { CoreCampaign(id: $0.0, provinceID: $0.1, scopeUnitID: $0.2, name: $0.3, startsOn: $0.4, endsOn: $0.5, closedOn: $0.6) }
    }

    /// The trainings held in `unit`'s subtree from `from` to `until`, with how many attended, in date order.
    public func trainings(under unit: ID<AdministrativeUnit>, from: CalendarDate, until: CalendarDate) async throws -> [CoreTraining] {
        guard let root = try await self.unit(unit) else { return [] }
        return try await trainings(joining: "JOIN core_v1.units u ON u.id = t.unit_id", where: "u.path LIKE \(root.path + "%")", from: from, until: until)
    }

    /// The trainings `member` attended from `from` to `until`, in date order.
    public func trainings(attendedBy member: ID<Member>, from: CalendarDate, until: CalendarDate) async throws -> [CoreTraining] {
        try await trainings(joining: "JOIN core_v1.training_attendees a ON a.training_id = t.id", where: "a.member_id = \(member)",
                            from: from, until: until)
    }

    /// The trainings `join` and `condition` select, held from `from` to `until`, in date order.
    private func trainings(joining join: PostgresQuery, where condition: PostgresQuery, from: CalendarDate, until: CalendarDate) async throws -> [CoreTraining] {
        try await run("""
            SELECT t.id, t.province_id, t.unit_id, t.topic, t.format, t.held_on, t.attendee_count
            FROM core_v1.trainings t \(join) WHERE \(condition) AND t.held_on BETWEEN \(from) AND \(until)
            ORDER BY t.held_on, t.id
            """).decode((ID<Training>, ID<AdministrativeUnit>, ID<AdministrativeUnit>, String, String, CalendarDate, Int).self)
            .map { CoreTraining(id: $0.0, provinceID: $0.1, unitID: $0.2, topic: $0.3, format: $0.4, heldOn: $0.5, attendees: $0.6) }
    }

    // MARK: Events

    /// Events of `types` recorded in `unit`'s subtree, in the order recorded, after `position` (0: from the
    /// start), at most `limit`. Page on with the last one's position. `member.joined` comes without its
    /// `person`.
    ///
    /// ```swift
    /// let visits = try await core.events(["household.visited"], under: commune, after: 0, limit: 500)
    /// ```
    public func events(_ types: [String], under unit: ID<AdministrativeUnit>, after position: Int64 = 0, limit: Int = 1000) async throws -> [CoreEvent] {
        guard let root = try await self.unit(unit) else { return [] }
        return try await run("""
            SELECT e.position, e.id, e.type, e.version, e.unit_id, e.province_id, e.occurred_at, e.recorded_at, e.payload::text
            FROM core_v1.events e JOIN core_v1.units u ON u.id = e.unit_id
            WHERE e.type = ANY(\(types)) AND e.position > \(position) AND u.path LIKE \(root.path + "%")
              AND (\(root.provinceID)::uuid IS NULL OR e.province_id = \(root.provinceID)::uuid)
            ORDER BY e.position LIMIT \(limit)
            """).decode((Int64, ID<DomainEvent>, String, Int, ID<AdministrativeUnit>, ID<AdministrativeUnit>, Date, Date, String).self)
            .map { CoreEvent(position: $0.0, id: $0.1, type: $0.2, version: $0.3, unitID: $0.4, provinceID: $0.5, occurredAt: $0.6, recordedAt: $0.7,
                             payload: Data($0.8.utf8)) }
    }
}
