/// Which teams, members, households, campaigns or trainings a list shows.
public struct WorkFilter: Hashable, Sendable {
    /// Only those in this unit's subtree (the unit itself included).
    public var underUnitID: ID<AdministrativeUnit>?
    /// Only those active on this day: teams not ended, memberships holding, campaigns running.
    public var activeOn: CalendarDate?
    /// Only those dated on or after this day (trainings held, campaigns ending).
    public var from: CalendarDate?
    /// Only those dated on or before this day (trainings held, campaigns starting).
    public var until: CalendarDate?
    /// Only those whose name contains this text, compared without diacritics.
    public var text: String?
    /// Only those inside this scope (the caller's view scope; ``AccessScope/nationwide`` for no limit).
    /// `nil` matches nothing: a list that forgets its scope is empty, not everything.
    public var within: AccessScope?

    public init(underUnitID: ID<AdministrativeUnit>? = nil, activeOn: CalendarDate? = nil, from: CalendarDate? = nil, until: CalendarDate? = nil, text: String? = nil) {
        self.underUnitID = underUnitID
        self.activeOn = activeOn
        self.from = from
        self.until = until
        self.text = text
    }
}

/// Read access to the records built from the event log. The PostgreSQL adapter is `PostgresWorkStore`.
public protocol WorkStore: Sendable {
    /// Teams in Vietnamese order of name.
    func teams(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Team>
    func team(_ id: ID<Team>) async throws -> Team?

    /// Members of teams in the filter's subtree (holding a membership on `activeOn` when given), in
    /// Vietnamese order of name.
    func members(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Member>
    func member(_ id: ID<Member>) async throws -> Member?
    /// Which of `ids` are members of a team inside `scope`.
    func members(_ ids: [ID<Member>], within scope: AccessScope) async throws -> Set<ID<Member>>

    /// Memberships of a team or of a member, oldest first; only on teams inside `within` when given.
    func memberships(team: ID<Team>?, member: ID<Member>?, activeOn: CalendarDate?, within: AccessScope?, page: PageRequest) async throws -> Page<Membership>

    /// Households in the filter's subtree, in id order (stable across pages).
    func households(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Household>
    func household(_ id: ID<Household>) async throws -> Household?
    /// What the log tells of each of `ids` (visits, what it still lacks, when it changed); a household the
    /// log holds nothing for is left out. One read for a whole page.
    func householdActivity(_ ids: [ID<Household>]) async throws -> [ID<Household>: HouseholdActivity]
    /// The visits crediting `member` (its id in `memberIds`) that occurred in each of `periods`
    /// (days in Vietnam, both ends included), in the same order, counting only visits recorded in units
    /// `scope` holds.
    func visitTallies(of member: ID<Member>, in periods: [ClosedRange<CalendarDate>], within scope: AccessScope) async throws -> [VisitTally]

    /// Campaigns whose scope is in the filter's subtree, latest start first.
    func campaigns(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Campaign>
    func campaign(_ id: ID<Campaign>) async throws -> Campaign?

    /// Trainings held in the filter's subtree, latest first.
    func trainings(matching filter: WorkFilter, page: PageRequest) async throws -> Page<Training>
    func training(_ id: ID<Training>) async throws -> Training?
}
