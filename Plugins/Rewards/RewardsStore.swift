import CDTModuleKit
import Foundation
import Hummingbird

/// A round as the routes answer it. A national round (`scope` `nation`) is a row in each of its provinces:
/// `provinces` lists those the caller sees, `provinceId` is the one this row is (the first of them, in a
/// list or on its own; the nomination's, when read for a nomination).
struct Round: ResponseEncodable, Codable, Sendable, Equatable {
    var id: ID<DomainEvent>
    var provinceId: ID<AdministrativeUnit>
    /// `province` (one province's round) or `nation` (a national round).
    var scope: String
    /// The provinces of the round the caller sees: the province of a province's round; a national round's
    /// provinces within the caller's reach.
    var provinces: [ID<AdministrativeUnit>]
    var titleVi: String
    var titleEn: String
    var periodFrom: CalendarDate
    var periodUntil: CalendarDate
    var categories: [RoundCategory]
    var quotas: [Quota]
    var deadlines: [LevelDeadline]
    var chain: [String]
    var state: String
    var openedAt: Date
    var closedAt: Date?

    var isNational: Bool { scope == RewardsLevels.nation }
    func category(_ key: String) -> RoundCategory? { categories.first { $0.key == key } }
    func quota(_ category: String, level: String) -> Int? { quotas.first { $0.category == category && $0.level == level }?.limit }
    func deadline(_ level: String) -> CalendarDate? { deadlines.first { $0.level == level }?.date }
}

/// A nomination as the routes answer it. No phone number, ever: names, team, role and unit only.
struct Nomination: ResponseEncodable, Codable, Sendable, Equatable {
    var id: ID<DomainEvent>
    var roundId: ID<DomainEvent>
    var category: String
    var subjectKind: String
    var subjectId: ID<Nominee>
    var subjectName: String
    var subjectRole: String?
    var teamId: ID<Team>?
    var teamName: String?
    var unitId: ID<AdministrativeUnit>
    var unitName: String
    var reviewUnits: [ID<AdministrativeUnit>]
    var citation: String
    var state: String
    /// The level reviewing it now (`commune`, `district`, `province`), while under review.
    var level: String?
    var levelIndex: Int?
    var reached: Int
    var evidence: [EvidenceFigure]?
    var submittedAt: Date?
    var returnReason: String?
    var decision: Decision?
    var nominatedBy: UUID
    var version: Int
    var updatedAt: Date
    /// The path of the nominee's unit (a team's village), for scope checks.
    var unitPath: String
    /// Where the nominee's work is recorded: the unit of the nomination's events.
    var subjectUnitId: ID<AdministrativeUnit>
    /// The province whose rows hold it (in a national round, the nominee's province).
    var provinceId: ID<AdministrativeUnit>

    /// The unit reviewing it at level `index` of its round's chain; `nil` at the `nation` level, which no
    /// unit of the hierarchy stands for (national administrators review there).
    func reviewUnit(at index: Int) -> ID<AdministrativeUnit>? {
        reviewUnits.indices.contains(index) ? reviewUnits[index] : nil
    }
}

/// One step of a nomination's history.
struct HistoryEntry: Codable, Sendable, Equatable {
    var eventId: ID<DomainEvent>
    var action: String
    var level: String?
    var note: String
    var actor: UUID
    var occurredAt: Date
}

/// The module's reads, in one place. Every read runs under the request's row scope (its provinces); the
/// routes narrow further to the caller's view scope by the units' paths.
enum RewardsStore {
    static let roundColumns = """
        r.id, r.province_id, r.title_vi, r.title_en, r.period_from, r.period_until, r.categories::text, r.quotas::text, r.deadlines::text,
        r.chain::text, r.state, r.opened_at, r.closed_at, r.scope
        """

    static func round(_ row: PostgresRow) throws -> Round {
        let (id, province, vi, en, from, until, categories, quotas, deadlines, chain, state, openedAt, closedAt, scope) = try row.decode(
            (ID<DomainEvent>, ID<AdministrativeUnit>, String, String, CalendarDate, CalendarDate, String, String, String, String, String, Date, Date?, String).self)
        return Round(id: id, provinceId: province, scope: scope, provinces: [province], titleVi: vi, titleEn: en, periodFrom: from, periodUntil: until,
                     categories: try decode(categories), quotas: try decode(quotas), deadlines: try decode(deadlines), chain: try decode(chain),
                     state: state, openedAt: openedAt, closedAt: closedAt)
    }

    /// The rounds of the provinces `provinces`, newest first; a national round once, with the provinces of
    /// it among `provinces`.
    static func rounds(in provinces: Set<ID<AdministrativeUnit>>, _ db: PostgresClient) async throws -> [Round] {
        merged(try await db.query("""
            SELECT \(unsafeSQL: roundColumns) FROM rewards_rounds r WHERE r.province_id = ANY(\(provinces.map(\.rawValue)))
            ORDER BY r.opened_at DESC, r.id, r.province_id
            """).map(round))
    }

    /// The rows of one round (a national round has one per province) as one round: the first row, with
    /// every row's province.
    static func merged(_ rows: [Round]) -> [Round] {
        var order: [ID<DomainEvent>] = []
        var byID: [ID<DomainEvent>: Round] = [:]
        for row in rows {
            if byID[row.id] == nil {
                order.append(row.id)
                byID[row.id] = row
            } else {
                byID[row.id]!.provinces.append(row.provinceId)
            }
        }
        return order.map { byID[$0]! }
    }

    /// A round, if the request's provinces hold it: with `province`, that province's row of it.
    static func round(_ id: ID<DomainEvent>, province: ID<AdministrativeUnit>? = nil, _ db: PostgresClient) async throws -> Round? {
        merged(try await db.query("""
            SELECT \(unsafeSQL: roundColumns) FROM rewards_rounds r
            WHERE r.id = \(id) AND (\(province)::uuid IS NULL OR r.province_id = \(province)::uuid)
            ORDER BY r.province_id
            """).map(round)).first
    }

    /// `province`'s row of the round, locked for the rest of the transaction: shared by steps that only need
    /// it to stay open, `exclusive` for those that count against it (a draft checks for a double, an
    /// endorsement the quota), so two of those in one round take turns. Every row of the round the request
    /// sees is locked, in the provinces' order: a national caller's endorsement at the nation level (whose
    /// quota counts every province) takes turns with every province's.
    static func round(_ id: ID<DomainEvent>, province: ID<AdministrativeUnit>, lockedIn tx: PostgresSession, exclusive: Bool = false) async throws -> Round? {
        try await tx.query("""
            SELECT \(unsafeSQL: roundColumns) FROM rewards_rounds r WHERE r.id = \(id) ORDER BY r.province_id \(unsafeSQL: exclusive ? "FOR UPDATE" : "FOR SHARE")
            """).map(round).first { $0.provinceId == province }
    }

    static let nominationColumns = """
        n.id, n.round_id, n.category, n.subject_kind, n.subject_id, n.subject_name, n.subject_role, n.team_id, n.team_name, n.unit_id, u.name,
        n.review_units::text, n.citation, n.state, r.chain ->> n.level_index, n.level_index, n.reached, n.evidence::text, n.submitted_at,
        n.return_reason, n.decision::text, n.nominated_by, n.version, n.updated_at, s.path, n.subject_unit_id, n.province_id
        FROM rewards_nominations n
        JOIN rewards_rounds r ON r.province_id = n.province_id AND r.id = n.round_id
        JOIN core_v1.units u ON u.id = n.unit_id
        JOIN core_v1.units s ON s.id = n.subject_unit_id
        """

    static func nomination(_ row: PostgresRow) throws -> Nomination {
        func at<T: PostgresDecodable>(_ position: Int, _ type: T.Type = T.self) throws -> T { try row.decode(T.self, at: position) }
        return Nomination(
            id: try at(0), roundId: try at(1), category: try at(2), subjectKind: try at(3), subjectId: try at(4), subjectName: try at(5),
            subjectRole: try at(6), teamId: try at(7), teamName: try at(8), unitId: try at(9), unitName: try at(10),
            reviewUnits: try decode(try at(11, String.self)), citation: try at(12), state: try at(13), level: try at(14), levelIndex: try at(15),
            reached: try at(16), evidence: try at(17, String?.self).map(decode), submittedAt: try at(18), returnReason: try at(19),
            decision: try at(20, String?.self).map(decode), nominatedBy: try at(21), version: try at(22), updatedAt: try at(23), unitPath: try at(24), subjectUnitId: try at(25),
            provinceId: try at(26))
    }

    /// One nomination, if the request's provinces hold it.
    static func nomination(_ id: ID<DomainEvent>, _ db: PostgresClient) async throws -> Nomination? {
        try await db.query("SELECT \(unsafeSQL: nominationColumns) WHERE n.id = \(id)").map(nomination).first
    }

    /// One nomination, its row locked for the rest of the transaction: two reviewers acting at once take
    /// turns, and the second sees the first one's change.
    static func nomination(_ id: ID<DomainEvent>, lockedIn tx: PostgresSession) async throws -> Nomination? {
        try await tx.query("SELECT \(unsafeSQL: nominationColumns) WHERE n.id = \(id) FOR UPDATE OF n").map(nomination).first
    }

    /// What a list asks for.
    struct Filter {
        var round: ID<DomainEvent>?
        var state: String?
        var category: String?
        /// Only those under review at this level.
        var level: String?
        /// Only those under review at one of these units (a reviewer's queue), when given.
        var reviewUnitPaths: [String]?
        /// With `reviewUnitPaths`: also those under review at a national round's nation level (a national reviewer's queue).
        var nationLevel = false
    }

    /// The nominations inside `scope` matching `filter`, in Vietnamese order of their names.
    static func nominations(within scope: AccessScope, _ filter: Filter, _ db: PostgresClient) async throws -> [Nomination] {
        let patterns = scope.isNationwide ? ["/%"] : scope.paths.sorted().map { $0 + "%" }
        let rows = try await db.query("""
            SELECT \(unsafeSQL: nominationColumns)
            WHERE s.path LIKE ANY(\(patterns))
              AND (\(filter.round)::uuid IS NULL OR n.round_id = \(filter.round)::uuid)
              AND (\(filter.state)::text IS NULL OR n.state = \(filter.state)::text)
              AND (\(filter.category)::text IS NULL OR n.category = \(filter.category)::text)
              AND (\(filter.level)::text IS NULL OR (n.state = 'under_review' AND r.chain ->> n.level_index = \(filter.level)::text))
            ORDER BY n.updated_at DESC, n.id
            LIMIT 2000
            """)
        var found = try rows.map(nomination)
        if let paths = filter.reviewUnitPaths {
            let units = Set(try await CoreReads(db).units(found.compactMap { n in n.levelIndex.flatMap(n.reviewUnit(at:)) })
                .filter { unit in paths.contains(unit.path) }.map(\.id))
            found = found.filter { n in
                guard n.state == "under_review", let index = n.levelIndex else { return false }
                guard let unit = n.reviewUnit(at: index) else { return filter.nationLevel }
                return units.contains(unit)
            }
        }
        return found.sorted { VietnameseText.areInIncreasingOrder($0.subjectName, $1.subjectName) }
    }

    /// How many nominations of `category` in `round` have passed level `level` at `unit` (endorsed there
    /// since they were last submitted, and not withdrawn): what the quota of that level counts. With no
    /// unit (a national round's `nation` level), those that passed the nation in every province the request
    /// sees, each by its own province's chain.
    static func passed(round: ID<DomainEvent>, category: String, level: Int, unit: ID<AdministrativeUnit>?, _ tx: PostgresSession) async throws -> Int {
        try await tx.query(passedQuery(round: round, category: category, level: level, unit: unit)).decode(Int.self)[0]
    }

    static func passed(round: ID<DomainEvent>, category: String, level: Int, unit: ID<AdministrativeUnit>?, _ db: PostgresClient) async throws -> Int {
        try await db.query(passedQuery(round: round, category: category, level: level, unit: unit)).decode(Int.self)[0]
    }

    private static func passedQuery(round: ID<DomainEvent>, category: String, level: Int, unit: ID<AdministrativeUnit>?) -> PostgresQuery {
        guard let unit else {
            // The nation level is the top of every province's chain, whose lengths may differ (districts):
            // passed it means endorsed at every level of its own province's chain.
            return """
            SELECT count(*)::int FROM rewards_nominations n JOIN rewards_rounds r ON r.province_id = n.province_id AND r.id = n.round_id
            WHERE n.round_id = \(round) AND n.category = \(category) AND n.state <> 'withdrawn' AND n.reached >= jsonb_array_length(r.chain)
            """
        }
        return """
        SELECT count(*)::int FROM rewards_nominations
        WHERE round_id = \(round) AND category = \(category) AND reached > \(level) AND state <> 'withdrawn'
          AND review_units ->> \(level)::int = \(unit.rawValue.lowercasedText)
        """
    }

    /// The history of a nomination, oldest first.
    static func history(of id: ID<DomainEvent>, _ db: PostgresClient) async throws -> [HistoryEntry] {
        try await db.query("""
            SELECT event_id, action, level, note, actor, occurred_at FROM rewards_history WHERE nomination_id = \(id) ORDER BY version
            """).decode((ID<DomainEvent>, String, String?, String, UUID, Date).self)
            .map { HistoryEntry(eventId: $0.0, action: $0.1, level: $0.2, note: $0.3, actor: $0.4, occurredAt: $0.5) }
    }

    static func decode<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
