import Foundation
public import CDTDomain

extension PostgresHierarchyStore {
    public func units(matching filter: UnitFilter, page: PageRequest) async throws -> Page<AdministrativeUnit> {
        let text = filter.text.map(VietnameseText.searchKey).flatMap { $0.isEmpty ? nil : Self.likeEscaped($0) }
        let afterKey = page.after?.parts[0]
        let afterID = page.after.flatMap { ID<AdministrativeUnit>($0.parts[1]) }
        let subtree = try await SubtreeScope.resolve(filter.underID, client)
        if subtree.isEmpty { return Page(items: [], next: nil) }
        let under = subtree.scope?.strictPattern
        let renamedSince = try await client.query("""
            SELECT EXISTS (SELECT 1 FROM unit_name_versions WHERE valid_until > \(filter.asOf))
            """).decode(Bool.self)[0]
        let rows: PostgresRows
        if renamedSince {
            // Some unit bore another name on that day: answer with the names of the day.
            rows = try await client.query("""
                SELECT u.id, u.code, coalesce(v.name, u.name) AS name, u.level, coalesce(v.type, u.type) AS type, u.parent_id,
                       u.valid_from, u.valid_until, encode(coalesce(v.sort_key, u.sort_key), 'hex') AS sort_key_hex
                FROM administrative_units u
                LEFT JOIN unit_name_versions v ON v.unit_id = u.id AND v.valid_from <= \(filter.asOf) AND v.valid_until > \(filter.asOf)
                WHERE \(Self.inForce(on: filter.asOf, alias: "u"))
                  AND (\(text)::text IS NULL OR coalesce(v.search_key, u.search_key) LIKE '%' || \(text) || '%')
                  AND (\(filter.level?.rawValue)::text IS NULL OR u.level = \(filter.level?.rawValue))
                  AND (\(filter.parentID)::uuid IS NULL OR u.parent_id = \(filter.parentID))
                  AND (\(under)::text IS NULL OR u.path LIKE \(under))
                  AND (\(afterKey)::text IS NULL OR (coalesce(v.sort_key, u.sort_key), u.id) > (decode(\(afterKey), 'hex'), \(afterID)))
                ORDER BY coalesce(v.sort_key, u.sort_key), u.id
                LIMIT \(page.limit + 1)
                """)
        } else {
            rows = try await client.query("""
                SELECT \(unsafeSQL: Self.columns), encode(sort_key, 'hex') AS sort_key_hex FROM administrative_units
                WHERE \(Self.inForce(on: filter.asOf))
                  AND (\(text)::text IS NULL OR search_key LIKE '%' || \(text) || '%')
                  AND (\(filter.level?.rawValue)::text IS NULL OR level = \(filter.level?.rawValue))
                  AND (\(filter.parentID)::uuid IS NULL OR parent_id = \(filter.parentID))
                  AND (\(under)::text IS NULL OR path LIKE \(under))
                  AND (\(afterKey)::text IS NULL OR (sort_key, id) > (decode(\(afterKey), 'hex'), \(afterID)))
                ORDER BY sort_key, id
                LIMIT \(page.limit + 1)
                """)
        }
        return try Page.of(rows, limit: page.limit, item: Self.unit(from:)) { unit, row in
            [try row.decode(String.self, column: "sort_key_hex"), unit.id.description]
        }
    }

    /// The materialized paths of units (`/<province>/<commune>/`), for scope checks.
    public func paths(of ids: [ID<AdministrativeUnit>]) async throws -> [ID<AdministrativeUnit>: String] {
        guard !ids.isEmpty else { return [:] }
        var paths: [ID<AdministrativeUnit>: String] = [:]
        for row in try await client.query("SELECT id, path FROM administrative_units WHERE id = ANY(\(Array(Set(ids))))") {
            let (id, path) = try row.decode((ID<AdministrativeUnit>, String).self)
            paths[id] = path
        }
        return paths
    }

    public func unit(_ id: ID<AdministrativeUnit>) async throws -> AdministrativeUnit? {
        try await client.query("SELECT \(unsafeSQL: Self.columns) FROM administrative_units WHERE id = \(id)").map(Self.unit(from:)).first
    }

    public func names(of id: ID<AdministrativeUnit>) async throws -> [UnitName] {
        try await client.query("""
            SELECT v.name, u.level, v.type, v.valid_from, v.valid_until
            FROM unit_name_versions v JOIN administrative_units u ON u.id = v.unit_id WHERE v.unit_id = \(id)
            UNION ALL
            SELECT u.name, u.level, u.type,
                   greatest(u.valid_from, (SELECT max(valid_until) FROM unit_name_versions WHERE unit_id = u.id)), u.valid_until
            FROM administrative_units u WHERE u.id = \(id)
            ORDER BY 4
            """).map { row in
            let (name, level, type, from, until) = try row.decode((String, String, String, CalendarDate, CalendarDate?).self)
            do {
                guard let unitLevel = UnitLevel(rawValue: level) else { throw HierarchyError.unknownType(type, level: .village, allowed: []) }
                return UnitName(name: name, kind: try UnitKind(level: unitLevel, type: type), validity: try ValidityPeriod(from: from, until: until))
            } catch {
                throw PostgresError(code: .decoding, message: "stored name of unit \(id) breaks a rule: \(error)", column: "type")
            }
        }
    }

    public func ancestors(of id: ID<AdministrativeUnit>) async throws -> [AdministrativeUnit] {
        try await client.query("""
            WITH RECURSIVE chain(id, depth) AS (
                SELECT parent_id, 1 FROM administrative_units WHERE id = \(id) AND parent_id IS NOT NULL
                UNION ALL
                SELECT u.parent_id, c.depth + 1 FROM chain c JOIN administrative_units u ON u.id = c.id WHERE u.parent_id IS NOT NULL
            )
            SELECT \(unsafeSQL: Self.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM chain c JOIN administrative_units u ON u.id = c.id ORDER BY c.depth
            """).map(Self.unit(from:))
    }

    public func lineage(around id: ID<AdministrativeUnit>) async throws -> AdministrativeHierarchy {
        try await client.withConnection { session in
            let reachable = """
                WITH RECURSIVE forward(id) AS (
                    SELECT \(id)::uuid UNION SELECT l.successor_id FROM unit_lineage l JOIN forward f ON l.predecessor_id = f.id
                ), backward(id) AS (
                    SELECT \(id)::uuid UNION SELECT l.predecessor_id FROM unit_lineage l JOIN backward b ON l.successor_id = b.id
                ), reach AS (SELECT id FROM forward UNION SELECT id FROM backward)
                """ as PostgresQuery
            let units = try await session.query("""
                \(reachable) SELECT \(unsafeSQL: Self.columns) FROM administrative_units WHERE id IN (SELECT id FROM reach)
                """).map(Self.unit(from:))
            let links = try await session.query("""
                \(reachable) SELECT predecessor_id, successor_id, kind, share::float8, effective FROM unit_lineage
                WHERE predecessor_id IN (SELECT id FROM reach) AND successor_id IN (SELECT id FROM reach)
                """).map(Self.link(from:))
            return AdministrativeHierarchy(trusting: units, links: links)
        }
    }

    static func link(from row: PostgresRow) throws -> LineageLink {
        let (predecessor, successor, kind, share, effective) = try row.decode(
            (ID<AdministrativeUnit>, ID<AdministrativeUnit>, String, Double?, CalendarDate).self)
        let lineageKind: LineageKind
        switch kind {
        case "merged": lineageKind = .merged
        case "split": lineageKind = .split(share: share)
        case "renamed": lineageKind = .renamed
        default: lineageKind = .moved
        }
        do {
            return try LineageLink(predecessor: predecessor, successor: successor, kind: lineageKind, effective: effective)
        } catch {
            throw PostgresError(code: .decoding, message: "stored lineage breaks a rule: \(error)", column: "kind")
        }
    }

    /// Makes `%`, `_` and `\` match themselves in a LIKE pattern.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
