public import CDTDomain
import Foundation

/// The hierarchy in PostgreSQL (`administrative_units`, `unit_lineage`; see `sql/core/0002_…`).
public struct PostgresHierarchyStore: HierarchyStore {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    public func units(inForceOn date: CalendarDate) async throws -> [AdministrativeUnit] {
        try await client.withConnection { try await Self.units(inForceOn: date, $0) }
    }

    public func importTree(_ rows: [IncomingUnit], effective: CalendarDate) async throws -> TreeImportPlan {
        try await importTree(rows, effective: effective, progress: { _ in })
    }

    /// ``importTree(_:effective:)``, telling `progress` each step as it starts. Refused
    /// (``HierarchyImportRefused``) when it would leave work in a closed unit: use ``importHierarchy(_:progress:)``
    /// with a map to say where it goes.
    public func importTree(
        _ rows: [IncomingUnit], effective: CalendarDate, progress: @escaping @Sendable (ImportStep) -> Void
    ) async throws -> TreeImportPlan {
        let text = rows.map { [$0.code, $0.name, $0.level, $0.parentCode, $0.type].joined(separator: ",") }.joined(separator: "\n")
        let request = HierarchyImportRequest(tree: rows, effective: effective, checksum: try await checksum(of: text), source: "\(rows.count) units")
        return try await importHierarchy(request, progress: progress).tree ?? TreeImportPlan()
    }

    public func importReorganization(_ rows: [IncomingLineage], effective: CalendarDate) async throws -> Int {
        let text = rows.map { [$0.oldCode, $0.newCode, $0.level, $0.part].joined(separator: ",") }.joined(separator: "\n")
        let request = HierarchyImportRequest(tree: nil, lineage: rows, effective: effective, checksum: try await checksum(of: text),
                                             source: "\(rows.count) reorganization rows")
        return try await importHierarchy(request).links.values.reduce(0, +)
    }

    /// SHA-256 of `text` (hex), computed by PostgreSQL.
    public func checksum(of text: String) async throws -> String {
        try await client.query("SELECT encode(sha256(convert_to(\(text), 'UTF8')), 'hex')").decode(String.self)[0]
    }

    /// Adds units whose parents are stored already (or come earlier in `units`), in one transaction.
    /// Village codes are unique under their commune; checks of the domain ran when they were made.
    public func add(_ units: [AdministrativeUnit]) async throws {
        try await client.withTransaction { tx in try await Self.insert(units, tx) }
    }

    /// How many units of `level` are in force on `date`.
    public func count(level: UnitLevel, inForceOn date: CalendarDate) async throws -> Int {
        try await client.query("""
            SELECT count(*) FROM administrative_units
            WHERE level = \(level.rawValue) AND \(Self.inForce(on: date))
            """).decode(Int.self)[0]
    }

    /// One step of a long import, for a progress display.
    public struct ImportStep: Sendable, CustomStringConvertible {
        public let number: Int
        public let of: Int
        public let doing: String

        /// `[#####.....] 4/7 adding 3321 units of level commune`
        public var description: String {
            let filled = number * 20 / max(of, 1)
            return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "] \(number)/\(of) \(doing)"
        }
    }

    // MARK: Statements

    static let importLock = 727_365_002

    /// The condition that a unit is in force on `date`.
    static func inForce(on date: CalendarDate) -> PostgresQuery {
        "valid_from <= \(date) AND (valid_until IS NULL OR valid_until > \(date))"
    }
    static let columns = "id, code, name, level, type, parent_id, valid_from, valid_until"

    static func units(inForceOn date: CalendarDate, _ session: PostgresSession) async throws -> [AdministrativeUnit] {
        try await session.query("""
            SELECT \(unsafeSQL: columns) FROM administrative_units
            WHERE \(inForce(on: date))
            """).map(unit(from:))
    }

    static func unit(from row: PostgresRow) throws -> AdministrativeUnit {
        let (id, code, name, level, type, parentID, from, until) = try row.decode(
            (ID<AdministrativeUnit>, String, String, String, String, ID<AdministrativeUnit>?, CalendarDate, CalendarDate?).self)
        do {
            guard let unitLevel = UnitLevel(rawValue: level) else { throw HierarchyError.unknownType(type, level: .village, allowed: []) }
            return try AdministrativeUnit(
                id: id, code: code, name: name, kind: UnitKind(level: unitLevel, type: type), parentID: parentID,
                validity: ValidityPeriod(from: from, until: until))
        } catch {
            throw PostgresError(code: .decoding, message: "stored unit \(code) breaks a rule: \(error)", column: "level")
        }
    }

    static func close(_ ids: [ID<AdministrativeUnit>], on date: CalendarDate, _ tx: PostgresSession) async throws {
        guard !ids.isEmpty else { return }
        try await tx.execute("UPDATE administrative_units SET valid_until = \(date) WHERE id = ANY(\(ids))")
    }

    /// Units of each level in one statement, parents' levels first, so each finds its parent's path.
    static func insert(_ units: [AdministrativeUnit], _ tx: PostgresSession) async throws {
        for level in UnitLevel.allCases {
            let batch = units.filter { $0.kind.level == level }
            guard !batch.isEmpty else { continue }
            try await tx.execute("""
                INSERT INTO administrative_units (id, code, name, search_key, sort_key, level, type, parent_id, province_id, path, valid_from, valid_until)
                SELECT u.id, u.code, u.name, u.search_key, decode(u.sort_key_hex, 'hex'), u.level, u.type, u.parent_id,
                       CASE WHEN u.level = 'province' THEN u.id ELSE p.province_id END,
                       coalesce(p.path, '/') || u.id::text || '/', u.valid_from, u.valid_until
                FROM unnest(\(batch.map(\.id)), \(batch.map(\.code)), \(batch.map(\.name)), \(batch.map(\.searchKey)), \(batch.map(\.sortKeyHex)),
                            \(batch.map(\.kind.level.rawValue)), \(batch.map(\.kind.type)), \(batch.map(\.parentID)),
                            \(batch.map(\.validity.from)), \(batch.map(\.validity.until)))
                     AS u(id, code, name, search_key, sort_key_hex, level, type, parent_id, valid_from, valid_until)
                LEFT JOIN administrative_units p ON p.id = u.parent_id
                """)
        }
    }

    /// Corrects a unit in place and, when its parent changed, the paths beneath it.
    static func correct(_ unit: AdministrativeUnit, _ tx: PostgresSession) async throws {
        let oldPath = try await tx.query("SELECT path FROM administrative_units WHERE id = \(unit.id)").decode(String.self)[0]
        let newPath = try await tx.query("""
            UPDATE administrative_units u
            SET name = \(unit.name), search_key = \(unit.searchKey), sort_key = decode(\(unit.sortKeyHex), 'hex'), type = \(unit.kind.type), parent_id = \(unit.parentID),
                path = coalesce((SELECT path FROM administrative_units WHERE id = \(unit.parentID)), '/') || u.id::text || '/',
                province_id = CASE WHEN u.level = 'province' THEN u.id
                                   ELSE (SELECT province_id FROM administrative_units WHERE id = \(unit.parentID)) END
            WHERE u.id = \(unit.id)
            RETURNING path
            """).decode(String.self)[0]
        guard newPath != oldPath else { return }
        try await tx.execute("""
            UPDATE administrative_units d
            SET path = \(newPath) || substr(d.path, length(\(oldPath)) + 1),
                province_id = (SELECT province_id FROM administrative_units WHERE id = \(unit.id))
            WHERE d.path LIKE \(oldPath) || '%' AND d.id <> \(unit.id)
            """)
    }

    static func record(_ links: [LineageLink], _ tx: PostgresSession) async throws {
        guard !links.isEmpty else { return }
        let shares: [Double?] = links.map { if case .split(let share) = $0.kind { share } else { nil } }
        let kinds = links.map { kindName($0.kind) }
        try await tx.execute("""
            INSERT INTO unit_lineage (predecessor_id, successor_id, kind, share, effective)
            SELECT * FROM unnest(\(links.map(\.predecessor)), \(links.map(\.successor)), \(kinds), \(shares), \(links.map(\.effective)))
            ON CONFLICT (predecessor_id, successor_id) DO UPDATE
            SET kind = excluded.kind, share = excluded.share, effective = excluded.effective
            """)
    }
}

extension AdministrativeUnit {
    /// The Vietnamese sort key of the name, hex-encoded to travel in a text array.
    var sortKeyHex: String { hexString(sortKey.bytes) }
}
