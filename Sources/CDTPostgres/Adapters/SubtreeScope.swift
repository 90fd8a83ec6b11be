import CDTDomain

/// A subtree of the hierarchy, resolved before the query that filters by it: its province and its
/// path. Passing the path as a bound value (`path LIKE '/p/c/%'`) lets PostgreSQL use the path index for
/// the prefix, where a path read by a subquery in the same statement would make it scan every unit.
struct SubtreeScope: Sendable {
    let provinceID: ID<AdministrativeUnit>
    let path: String

    /// The pattern matching the unit and everything under it.
    var pattern: String { PostgresHierarchyStore.likeEscaped(path) + "%" }
    /// The pattern matching everything under the unit, not the unit itself.
    var strictPattern: String { PostgresHierarchyStore.likeEscaped(path) + "_%" }

    /// How a filter by subtree resolves.
    enum Resolution {
        /// No subtree was asked for.
        case everywhere
        /// The subtree of an existing unit.
        case within(SubtreeScope)
        /// The unit does not exist, so nothing lies under it.
        case nowhere
    }

    static func resolve(_ id: ID<AdministrativeUnit>?, _ client: PostgresClient) async throws -> Resolution {
        guard let id else { return .everywhere }
        let rows = try await client.query("SELECT coalesce(province_id, id), path FROM administrative_units WHERE id = \(id)")
        guard let row = rows.first else { return .nowhere }
        let (province, path) = try row.decode((ID<AdministrativeUnit>, String).self)
        return .within(SubtreeScope(provinceID: province, path: path))
    }
}

extension SubtreeScope.Resolution {
    /// The scope, or `nil` for everywhere; `isEmpty` tells whether the answer is empty regardless.
    var scope: SubtreeScope? {
        if case .within(let scope) = self { scope } else { nil }
    }

    var isEmpty: Bool {
        if case .nowhere = self { true } else { false }
    }
}

extension AccessScope {
    /// The condition that `alias` (a table with `province_id` and a unit column) lies inside the scope:
    /// `TRUE` for a nationwide scope, `FALSE` for an empty one.
    func condition(_ alias: String, unitColumn: String = "unit_id") -> PostgresQuery {
        if isNationwide { return "TRUE" }
        if isEmpty { return "FALSE" }
        let provinces = Array(provinceIDs), patterns = paths.sorted().map { PostgresHierarchyStore.likeEscaped($0) + "%" }
        return """
            (\(unsafeSQL: alias).province_id = ANY(\(provinces))
             AND \(unsafeSQL: alias).\(unsafeSQL: unitColumn) IN (SELECT id FROM administrative_units WHERE path LIKE ANY(\(patterns))))
            """
    }
}

extension WorkFilter {
    /// The scope a list is limited to: none set means nothing (fail closed), never everything.
    var readScope: AccessScope { within ?? .nowhere }
}

extension EventFilter {
    /// The scope a list is limited to: none set means nothing (fail closed), never everything.
    var readScope: AccessScope { within ?? .nowhere }
}
