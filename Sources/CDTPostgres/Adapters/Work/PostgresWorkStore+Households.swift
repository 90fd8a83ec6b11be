public import CDTDomain
import Foundation

extension PostgresWorkStore {
    public func households(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Household> {
        let subtree = try await SubtreeScope.resolve(filter.underUnitID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let afterID = page.after.flatMap { UUID(uuidString: $0.parts[0]) }
        let text = Self.text(filter)
        let rows = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.householdColumns) FROM households h
            WHERE \(Self.inSubtree(subtree.scope, "h")) AND \(filter.readScope.condition("h"))
              AND (\(text)::text IS NULL OR h.search_key LIKE '%' || \(text) || '%')
              AND (\(afterID)::uuid IS NULL OR h.id > \(afterID))
            ORDER BY h.id
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: WorkRecords.household(from:)) { household, _ in [household.id.description] }
    }

    public func household(_ id: ID<Household>) async throws -> Household? {
        try await client.query("SELECT \(unsafeSQL: WorkRecords.householdColumns) FROM households h WHERE h.id = \(id)")
            .map(WorkRecords.household(from:)).first
    }

    public func campaigns(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Campaign> {
        let subtree = try await SubtreeScope.resolve(filter.underUnitID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let text = Self.text(filter)
        let afterDate = page.after.flatMap { CalendarDate($0.parts[0]) }
        let afterID = page.after.flatMap { UUID(uuidString: $0.parts[1]) }
        // A campaign concerns a unit when its scope contains the unit or lies inside it.
        let scopePath = subtree.scope?.path
        // …and, for a caller who sees only part of the hierarchy, a campaign concerns them the same way.
        if filter.readScope.isEmpty { return Page(items: [], next: nil) }
        let viewPaths = filter.readScope.isNationwide ? nil : filter.readScope.paths.sorted()
        let rows = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.campaignColumns) FROM campaigns c JOIN administrative_units u ON u.id = c.scope_unit_id
            WHERE (\(scopePath)::text IS NULL OR u.path LIKE \(subtree.scope?.pattern) OR \(scopePath) LIKE u.path || '%')
              AND (\(viewPaths)::text[] IS NULL OR EXISTS (
                    SELECT 1 FROM unnest(\(viewPaths)::text[]) AS v(path) WHERE u.path LIKE v.path || '%' OR v.path LIKE u.path || '%'))
              AND (\(filter.activeOn)::date IS NULL OR (c.starts_on <= \(filter.activeOn) AND c.ends_on >= \(filter.activeOn)
                                                      AND (c.closed_on IS NULL OR c.closed_on > \(filter.activeOn))))
              AND (\(filter.from)::date IS NULL OR c.ends_on >= \(filter.from))
              AND (\(filter.until)::date IS NULL OR c.starts_on <= \(filter.until))
              AND (\(text)::text IS NULL OR c.search_key LIKE '%' || \(text) || '%')
              AND (\(afterDate)::date IS NULL OR (c.starts_on, c.id) < (\(afterDate), \(afterID)))
            ORDER BY c.starts_on DESC, c.id DESC
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: WorkRecords.campaign(from:)) { campaign, _ in
            [campaign.startsOn.description, campaign.id.description]
        }
    }

    public func campaign(_ id: ID<Campaign>) async throws -> Campaign? {
        try await client.query("SELECT \(unsafeSQL: WorkRecords.campaignColumns) FROM campaigns c WHERE c.id = \(id)")
            .map(WorkRecords.campaign(from:)).first
    }

    public func trainings(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Training> {
        let subtree = try await SubtreeScope.resolve(filter.underUnitID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let afterDate = page.after.flatMap { CalendarDate($0.parts[0]) }
        let afterID = page.after.flatMap { UUID(uuidString: $0.parts[1]) }
        let rows = try await client.query("""
            SELECT \(unsafeSQL: WorkRecords.trainingColumns) FROM trainings g
            WHERE \(Self.inSubtree(subtree.scope, "g")) AND \(filter.readScope.condition("g"))
              AND (\(filter.from)::date IS NULL OR g.held_on >= \(filter.from))
              AND (\(filter.until)::date IS NULL OR g.held_on <= \(filter.until))
              AND (\(afterDate)::date IS NULL OR (g.held_on, g.id) < (\(afterDate), \(afterID)))
            ORDER BY g.held_on DESC, g.id DESC
            LIMIT \(page.limit + 1)
            """)
        return try Page.of(rows, limit: page.limit, item: WorkRecords.training(from:)) { training, _ in
            [training.heldOn.description, training.id.description]
        }
    }

    public func training(_ id: ID<Training>) async throws -> Training? {
        try await client.query("SELECT \(unsafeSQL: WorkRecords.trainingColumns) FROM trainings g WHERE g.id = \(id)")
            .map(WorkRecords.training(from:)).first
    }
}
