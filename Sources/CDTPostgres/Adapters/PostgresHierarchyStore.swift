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

    /// ``importTree(_:effective:)``, telling `progress` each step as it starts.
    public func importTree(
        _ rows: [IncomingUnit], effective: CalendarDate, progress: @escaping @Sendable (ImportStep) -> Void
    ) async throws -> TreeImportPlan {
        try await client.withTransaction { tx in
            try await tx.query("SELECT pg_advisory_xact_lock(\(Self.importLock))")
            let steps = 3 + UnitLevel.allCases.count
            progress(ImportStep(number: 1, of: steps, doing: "comparing \(rows.count) rows with the units in force on \(effective)"))
            let plan = try TreeImport.plan(rows, inForce: try await Self.units(inForceOn: effective, tx), effective: effective)
            progress(ImportStep(number: 2, of: steps, doing: "closing \(plan.closed.count) units on \(effective)"))
            try await Self.close(plan.closed, on: effective, tx)
            progress(ImportStep(number: 3, of: steps, doing: "correcting \(plan.corrected.count) units"))
            for unit in plan.corrected { try await Self.correct(unit, tx) }
            for (index, level) in UnitLevel.allCases.enumerated() {
                let batch = plan.created.filter { $0.kind.level == level }
                progress(ImportStep(number: 4 + index, of: steps, doing: "adding \(batch.count) units of level \(level)"))
                try await Self.insert(batch, tx)
            }
            if !plan.isEmpty {
                try await PostgresAuditLog.record(AuditEntry(
                    accountID: nil, clientAddress: nil, action: "units.imported", target: effective.description,
                    details: ["rows": String(rows.count), "created": String(plan.created.count), "corrected": String(plan.corrected.count),
                              "closed": String(plan.closed.count), "unchanged": String(plan.unchanged)]), in: tx)
            }
            return plan
        }
    }

    public func importReorganization(_ rows: [IncomingLineage], effective: CalendarDate) async throws -> Int {
        try await client.withTransaction { tx in
            try await tx.query("SELECT pg_advisory_xact_lock(\(Self.importLock))")
            let links = try ReorganizationImport.plan(
                rows,
                before: try await Self.units(inForceOn: effective.adding(days: -1), tx),
                after: try await Self.units(inForceOn: effective, tx),
                effective: effective)
            try await Self.record(links, tx)
            try await Self.recordReorganizedEvents(effective: effective, tx)
            try await PostgresAuditLog.record(AuditEntry(
                accountID: nil, clientAddress: nil, action: "units.reorganization-imported", target: effective.description,
                details: ["rows": String(rows.count), "links": String(links.count)]), in: tx)
            return links.count
        }
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

    private static func close(_ ids: [ID<AdministrativeUnit>], on date: CalendarDate, _ tx: PostgresSession) async throws {
        guard !ids.isEmpty else { return }
        try await tx.execute("UPDATE administrative_units SET valid_until = \(date) WHERE id = ANY(\(ids))")
    }

    /// Units of each level in one statement, parents' levels first, so each finds its parent's path.
    private static func insert(_ units: [AdministrativeUnit], _ tx: PostgresSession) async throws {
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
    private static func correct(_ unit: AdministrativeUnit, _ tx: PostgresSession) async throws {
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

    /// Records in the event log that the reorganization took effect: one `units.reorganized` event per
    /// province of the successors, with an id made from the day and the province so that importing the
    /// same map again records nothing new.
    private static func recordReorganizedEvents(effective: CalendarDate, _ tx: PostgresSession) async throws {
        let occurredAt = Date(timeIntervalSince1970: TimeInterval(effective.daysSinceEpoch * 86_400 - CalendarDate.vietnamUTCOffsetSeconds))
        try await tx.execute("""
            WITH counts AS (
                SELECT coalesce(u.province_id, u.id) AS province_id, count(*) AS links
                FROM unit_lineage l JOIN administrative_units u ON u.id = l.successor_id
                WHERE l.effective = \(effective)
                GROUP BY 1
            ), claimed AS (
                INSERT INTO event_ids (id, province_id)
                SELECT md5('units.reorganized/' || \(effective)::text || '/' || province_id::text)::uuid, province_id FROM counts
                ON CONFLICT (id) DO NOTHING
                RETURNING id, province_id
            )
            INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
            SELECT c.id, c.province_id, c.province_id, 'units.reorganized', 1, \(UnitsReorganized.importer), \(occurredAt), now(),
                   jsonb_build_object('effective', \(effective)::text, 'lineageLinks', n.links, 'source', 'cdt import reorganization')
            FROM claimed c JOIN counts n USING (province_id)
            """)
    }

    private static func record(_ links: [LineageLink], _ tx: PostgresSession) async throws {
        guard !links.isEmpty else { return }
        let shares: [Double?] = links.map { if case .split(let share) = $0.kind { share } else { nil } }
        let kinds: [String] = links.map {
            switch $0.kind {
            case .merged: "merged"
            case .split: "split"
            case .renamed: "renamed"
            case .moved: "moved"
            }
        }
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
