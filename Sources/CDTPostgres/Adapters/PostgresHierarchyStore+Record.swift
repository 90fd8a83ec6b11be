import CDTDomain
import Foundation

extension PostgresHierarchyStore {
    /// Records an import that changed something: its row in `hierarchy_imports`, a `units.reorganized`
    /// event in each province it changed (ids made from the import and the province, so recording again
    /// adds nothing), and one audit line. Returns the codes of the provinces changed.
    static func record(_ request: HierarchyImportRequest, report: HierarchyImportReport, _ tx: PostgresSession) async throws -> [String] {
        guard !report.changedNothing else { return [] }
        let kind = request.tree == nil ? "reorganization" : "tree"
        let importID = try await tx.query("""
            SELECT md5(\(kind) || '/' || \(request.effective)::text || '/' || \(request.checksum))::uuid
            """).decode(UUID.self)[0]
        var changed: [ID<AdministrativeUnit>] = []
        if let tree = report.tree {
            changed += tree.created.map(\.id) + tree.renamed.map(\.after.id) + tree.corrected.map(\.id) + tree.closed
        }
        changed += try await tx.query("""
            SELECT successor_id FROM unit_lineage WHERE effective = \(request.effective)
            """).decode(ID<AdministrativeUnit>.self)
        let provinces = try await tx.query("""
            SELECT DISTINCT coalesce(u.province_id, u.id), p.code FROM administrative_units u
            JOIN administrative_units p ON p.id = coalesce(u.province_id, u.id)
            WHERE u.id = ANY(\(Array(Set(changed)))) ORDER BY p.code
            """).decode((ID<AdministrativeUnit>, String).self)
        var changes: [String: Int] = [
            "villagesMoved": report.villagesMoved, "teamsMoved": report.moved.teams, "householdsMoved": report.moved.households,
            "roleAssignmentsMoved": report.moved.roleAssignments, "moduleEnablementsMoved": report.moved.moduleEnablements,
        ]
        if let tree = report.tree {
            changes["created"] = tree.created.count
            changes["unchanged"] = tree.unchanged
            changes["renamed"] = tree.renamed.count
            changes["corrected"] = tree.corrected.count
            changes["closed"] = tree.closed.count
        }
        for (linkKind, count) in report.links { changes["links." + linkKind] = count }
        let links = report.links.values.reduce(0, +)
        let changesJSON = String(decoding: try JSONEncoder.sorted.encode(changes), as: UTF8.self)
        try await tx.execute("""
            INSERT INTO hierarchy_imports (id, kind, effective, checksum, source, counts)
            VALUES (\(importID), \(kind), \(request.effective), \(request.checksum), \(request.source), \(changesJSON)::jsonb)
            ON CONFLICT (id) DO NOTHING
            """)
        let occurredAt = Date(timeIntervalSince1970: TimeInterval(request.effective.daysSinceEpoch * 86_400 - CalendarDate.vietnamUTCOffsetSeconds))
        let provinceIDs = provinces.map(\.0)
        try await tx.execute("""
            WITH claimed AS (
                INSERT INTO event_ids (id, province_id)
                SELECT md5('units.imported/' || \(importID)::text || '/' || p::text)::uuid, p FROM unnest(\(provinceIDs)) AS p
                ON CONFLICT (id) DO NOTHING
                RETURNING id, province_id
            )
            INSERT INTO events (id, province_id, unit_id, type, version, author_id, occurred_at, recorded_at, payload)
            SELECT c.id, c.province_id, c.province_id, 'units.reorganized', 1, \(UnitsReorganized.importer), \(occurredAt), now(),
                   jsonb_build_object('effective', \(request.effective)::text, 'lineageLinks', \(links)::int, 'source', \(request.source)::text,
                                      'kind', \(kind)::text, 'importId', \(importID.lowercasedText)::text, 'checksum', \(request.checksum)::text,
                                      'changes', \(changesJSON)::jsonb)
            FROM claimed c
            """)
        let details = """
            {"kind":\(jsonString(kind)),"effective":"\(request.effective)","checksum":\(jsonString(request.checksum)),\
            "source":\(jsonString(request.source)),"provinces":\(provinces.count),"changes":\(changesJSON)}
            """
        try await tx.execute("""
            INSERT INTO audit_log (account_id, action, target, details)
            VALUES (NULL, 'hierarchy.imported', \(importID.lowercasedText), \(details)::jsonb)
            """)
        return provinces.map(\.1)
    }

    private static func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

private extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
