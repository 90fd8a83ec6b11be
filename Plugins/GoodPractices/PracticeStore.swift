import CDTModuleKit
import Foundation
import Hummingbird

/// A practice as the module's routes answer it.
struct Practice: ResponseEncodable, Codable, Sendable, Equatable {
    var id: ID<DomainEvent>
    var unitId: ID<AdministrativeUnit>
    var title: String
    var summary: String
    var link: String?
    var sharedAt: Date
    var endorsed: Bool
    var endorsementNote: String?
}

/// The module's SQL, in one place.
enum PracticeStore {
    /// Records a shared practice; a replayed event finds it already there and changes nothing.
    static func record(_ practice: PracticeShared, from event: FeedEvent, _ tx: PostgresSession) async throws {
        try await tx.execute("""
            INSERT INTO good_practices_practices (province_id, id, unit_id, title, summary, link, search_key, shared_at, shared_by)
            VALUES (\(event.provinceID), \(event.event.id), \(event.event.unitID), \(practice.title), \(practice.summary), \(practice.link),
                    \(VietnameseText.searchKey(practice.title + " " + practice.summary)), \(event.event.occurredAt), \(event.event.authorID))
            ON CONFLICT (province_id, id) DO NOTHING
            """)
    }

    static let columns = """
        p.id, p.unit_id, p.title, p.summary, p.link, p.shared_at, e.practice_id IS NOT NULL, e.note, p.province_id, u.path
        FROM good_practices_practices p
        LEFT JOIN good_practices_endorsements e ON e.province_id = p.province_id AND e.practice_id = p.id
        JOIN core_v1.units u ON u.id = p.unit_id
        """

    /// Practices inside `scope`, matching `query` without regard to diacritics, endorsed ones first when asked.
    static func list(within scope: AccessScope, matching query: String?, endorsedFirst: Bool, limit: Int, _ db: PostgresClient) async throws -> [Practice] {
        let patterns = scope.isNationwide ? ["/%"] : scope.paths.sorted().map { $0 + "%" }
        let search = query.map { "%" + VietnameseText.searchKey($0) + "%" }
        let rows = try await db.query("""
            SELECT \(unsafeSQL: columns)
            WHERE u.path LIKE ANY(\(patterns)) AND (\(search)::text IS NULL OR p.search_key LIKE \(search))
            ORDER BY (\(endorsedFirst) AND e.practice_id IS NOT NULL) DESC, p.shared_at DESC, p.id
            LIMIT \(limit)
            """)
        return try rows.map(practice)
    }

    /// One practice inside `scope`, with its province.
    static func practice(_ id: ID<DomainEvent>, within scope: AccessScope, _ db: PostgresClient) async throws -> (Practice, ID<AdministrativeUnit>, String)? {
        let rows = try await db.query("SELECT \(unsafeSQL: columns) WHERE p.id = \(id)")
        guard let row = rows.first else { return nil }
        let path = try row.decode(String.self, at: 9)
        guard scope.contains(path: path) else { return nil }
        return (try practice(row), try row.decode(ID<AdministrativeUnit>.self, at: 8), path)
    }

    /// Endorses a practice; endorsing it again replaces the note.
    static func endorse(_ id: ID<DomainEvent>, province: ID<AdministrativeUnit>, by account: ID<Account>, note: String, _ db: PostgresSession) async throws {
        try await db.execute("""
            INSERT INTO good_practices_endorsements (province_id, practice_id, endorsed_by, note)
            VALUES (\(province), \(id), \(account), \(note))
            ON CONFLICT (province_id, practice_id) DO UPDATE SET endorsed_by = EXCLUDED.endorsed_by, note = EXCLUDED.note, endorsed_at = now()
            """)
    }

    private static func practice(_ row: PostgresRow) throws -> Practice {
        let (id, unit, title, summary, link, sharedAt, endorsed, note, _, _) = try row.decode(
            (ID<DomainEvent>, ID<AdministrativeUnit>, String, String, String?, Date, Bool, String?, ID<AdministrativeUnit>, String).self)
        return Practice(id: id, unitId: unit, title: title, summary: summary, link: link, sharedAt: sharedAt, endorsed: endorsed, endorsementNote: note)
    }
}
