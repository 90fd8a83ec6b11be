/// Where in the hierarchy a caller may do one thing: the whole nation, or a set of subtrees.
///
/// Subtrees are held as materialized paths (`/<province>/<commune>/`), so "is this unit inside" is a
/// prefix test, the same one the database does with its path index.
public struct AccessScope: Hashable, Sendable {
    /// Every unit, present and future.
    public private(set) var isNationwide: Bool
    /// The paths of the subtrees' roots, without ones nested in others.
    public private(set) var paths: Set<String>
    /// The provinces the subtrees lie in (what row-level security lets through).
    public private(set) var provinceIDs: Set<ID<AdministrativeUnit>>

    public static let nowhere = AccessScope(isNationwide: false, paths: [], provinceIDs: [])
    public static let nationwide = AccessScope(isNationwide: true, paths: [], provinceIDs: [])

    public init(isNationwide: Bool = false, paths: Set<String> = [], provinceIDs: Set<ID<AdministrativeUnit>> = []) {
        self.isNationwide = isNationwide
        self.paths = paths
        self.provinceIDs = provinceIDs
        normalize()
    }

    public var isEmpty: Bool { !isNationwide && paths.isEmpty }

    /// Whether the unit with this path lies inside the scope.
    public func contains(path: String) -> Bool {
        isNationwide || paths.contains { path.hasPrefix($0) }
    }

    /// Whether the whole subtree at `path` lies inside the scope.
    public func covers(subtree path: String) -> Bool { contains(path: path) }

    /// The scope of both.
    public func union(_ other: AccessScope) -> AccessScope {
        AccessScope(isNationwide: isNationwide || other.isNationwide, paths: paths.union(other.paths), provinceIDs: provinceIDs.union(other.provinceIDs))
    }

    /// The part of the scope inside `provinces`: a nationwide scope becomes those provinces' subtrees,
    /// a set of subtrees keeps the ones lying in them. A module enabled for some provinces narrows its
    /// callers' scopes this way.
    public func narrowed(toProvinces provinces: Set<ID<AdministrativeUnit>>) -> AccessScope {
        if isNationwide {
            return AccessScope(paths: Set(provinces.map(Self.provincePath)), provinceIDs: provinces)
        }
        let kept = paths.filter { path in provinces.contains { path.hasPrefix(Self.provincePath($0)) } }
        return AccessScope(paths: kept, provinceIDs: provinceIDs.intersection(provinces))
    }

    /// The path of a province's subtree: `/<id>/`.
    public static func provincePath(_ province: ID<AdministrativeUnit>) -> String {
        "/\(province)/"
    }

    /// Drops paths nested inside others.
    private mutating func normalize() {
        if isNationwide {
            paths = []
            return
        }
        paths = paths.filter { path in !paths.contains { $0 != path && path.hasPrefix($0) } }
    }
}

/// A role assignment with the positions in the hierarchy its reaches need.
public struct PlacedAssignment: Hashable, Sendable {
    public let role: Role
    /// The assigned unit; `nil` for national roles.
    public let unitID: ID<AdministrativeUnit>?
    /// Paths of the assigned unit, its parent, the commune it is or lies in (`nil` above communes) and its
    /// province (all `nil` for national roles).
    public let unitPath: String?
    public let parentPath: String?
    public let communePath: String?
    public let provincePath: String?
    public let provinceID: ID<AdministrativeUnit>?

    public init(role: Role, unitID: ID<AdministrativeUnit>?, unitPath: String?, parentPath: String?, communePath: String?,
                provincePath: String?, provinceID: ID<AdministrativeUnit>?) {
        self.role = role
        self.unitID = unitID
        self.unitPath = unitPath
        self.parentPath = parentPath
        self.communePath = communePath
        self.provincePath = provincePath
        self.provinceID = provinceID
    }

    /// Where this assignment allows `capability`.
    public func scope(for capability: Capability) -> AccessScope {
        guard let reach = role.grants[capability] else { return .nowhere }
        if role.isNational { return .nationwide }
        let path: String? = switch reach {
        case .assigned: unitPath
        case .parent: parentPath ?? unitPath
        case .commune: communePath ?? unitPath
        case .province: provincePath ?? unitPath
        }
        guard let path else { return .nowhere }
        return AccessScope(paths: [path], provinceIDs: provinceID.map { [$0] } ?? [])
    }
}

/// Who is calling and what they may do where: the union of their role assignments.
public struct CallerAccess: Hashable, Sendable {
    public let assignments: [PlacedAssignment]
    private let scopes: [Capability: AccessScope]

    public init(assignments: [PlacedAssignment]) {
        self.assignments = assignments
        var scopes: [Capability: AccessScope] = [:]
        for capability in Capability.allCases {
            scopes[capability] = assignments.reduce(AccessScope.nowhere) { $0.union($1.scope(for: capability)) }
        }
        self.scopes = scopes
    }

    public func scope(for capability: Capability) -> AccessScope { scopes[capability] ?? .nowhere }

    /// How many days before today an event in the unit with `path` may have occurred when this caller
    /// records it: the most any of their assignments that may record work there allows (`nil`: no bound
    /// but the log's own); `0` when none may.
    public func backdatingDays(at path: String) -> Int? {
        var most: Int? = 0
        for assignment in assignments where assignment.scope(for: .change).contains(path: path) {
            guard let days = assignment.role.backdatingDays else { return nil }
            most = max(most ?? 0, days)
        }
        return most
    }

    /// Whether the caller holds a role that must use two-factor authentication.
    public var requiresTwoFactor: Bool { assignments.contains { $0.role.requiresTwoFactor } }

    /// Whether the caller may manage (disable, reset, change the roles of) an account holding `target`:
    /// every one of its assignments must lie where the caller manages accounts, and national ones (and an
    /// account without any) only for callers who manage accounts nationwide. One role in the caller's
    /// province is not enough: the account may hold more elsewhere.
    public func mayManage(_ target: [PlacedAssignment]) -> Bool {
        let manage = scope(for: .manageAccounts)
        if manage.isNationwide { return true }
        return !target.isEmpty && target.allSatisfy { $0.unitPath.map(manage.contains(path:)) ?? false }
    }

    /// Whether the caller may give `role` at the unit with `path` (`nil`: the nation): the unit must lie
    /// where the caller manages accounts, and the role may not allow anything, anywhere, that the
    /// caller is not allowed there themselves.
    public func mayGrant(_ role: Role, at target: PlacedAssignment) -> Bool {
        let manage = scope(for: .manageAccounts)
        if role.isNational { guard manage.isNationwide else { return false } }
        else { guard let path = target.unitPath, manage.contains(path: path) else { return false } }
        return Capability.allCases.allSatisfy { capability in
            let granted = target.scope(for: capability)
            let held = scope(for: capability)
            return held.isNationwide || (!granted.isNationwide && granted.paths.allSatisfy { held.contains(path: $0) })
        }
    }
}
