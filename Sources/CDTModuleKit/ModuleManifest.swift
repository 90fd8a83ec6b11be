public import CDTDomain

/// Who a module is and what it needs: the part of a module the registry validates before anything runs.
///
/// ```swift
/// ModuleManifest(
///     id: "good-practices",
///     name: LocalizedName(vietnamese: "Mô hình hay", english: "Good practices"),
///     version: ModuleVersion(1, 0, 0),
///     dependencies: ["coverage"],
///     permissions: [ModulePermission("good-practices.publish", "Publish a good practice for other localities")],
///     consumes: GoodPracticesModule.practiceShared.storedTypes,
///     events: [GoodPracticesModule.practiceShared.declaration])
/// ```
public struct ModuleManifest: Sendable, Hashable {
    /// Lower-case letters, digits and dashes, 2 to 40 characters, starting with a letter: the folder of its
    /// migrations (`sql/<id>/`) and of its routes (`/api/v1/modules/<id>/`).
    public let id: String
    public let name: LocalizedName
    public let version: ModuleVersion
    /// The module API version the module was written against; see ``ModuleAPI/version``.
    public let moduleAPIVersion: ModuleVersion
    /// The ids of the modules it needs, which must be installed and, for a province, enabled first.
    public let dependencies: [String]
    /// The permissions it adds; names start with the module's id and a dot.
    public let permissions: [ModulePermission]
    /// The roles it adds, scoped to the hierarchy like the core's.
    public let roles: [ModuleRole]
    /// The event types it is delivered: the core's, its own, other modules'.
    public let consumes: [EventType]
    /// The kinds of event it declares (``ModuleEventKind/declaration``), named `<id>.<name>`.
    public let events: [ModuleEventDeclaration]
    /// The ids of modules whose services it uses where they are installed and enabled (rewards shows
    /// coverage's figures beside its evidence where coverage is on). They need not be installed, are not
    /// migrated or enabled before it, and a province need not enable them; ask
    /// ``ModuleContext/isEnabled(_:in:)`` before using one for a province.
    public let optionalDependencies: [String]

    public init(
        id: String, name: LocalizedName, version: ModuleVersion, moduleAPIVersion: ModuleVersion = ModuleAPI.version,
        dependencies: [String] = [], permissions: [ModulePermission] = [], roles: [ModuleRole] = [], consumes: [EventType] = [],
        events: [ModuleEventDeclaration] = [], optionalDependencies: [String] = []
    ) {
        self.events = events
        self.optionalDependencies = optionalDependencies
        self.id = id
        self.name = name
        self.version = version
        self.moduleAPIVersion = moduleAPIVersion
        self.dependencies = dependencies
        self.permissions = permissions
        self.roles = roles
        self.consumes = consumes
    }

    /// Whether `id` is a valid module id.
    public static func isValidID(_ id: String) -> Bool {
        guard (2...40).contains(id.count), let first = id.first, first.isASCII, first.isLowercase else { return false }
        return id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") } && !id.hasSuffix("-") && !id.contains("--")
    }
}

/// A name shown in Vietnamese (the default) or English.
public struct LocalizedName: Sendable, Hashable, Codable {
    public let vietnamese: String
    public let english: String

    public init(vietnamese: String, english: String) {
        self.vietnamese = vietnamese
        self.english = english
    }
}

/// A semantic version: major changes break, minor ones add.
public struct ModuleVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int, minor: Int, patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public static func < (lhs: ModuleVersion, rhs: ModuleVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}

/// A permission a module adds, such as `rewards.review`.
public struct ModulePermission: Sendable, Hashable {
    public let name: String
    public let summary: String

    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// A role a module adds, assigned at units of the given levels like the core's roles (a rewards
/// reviewer at province level), granting some of the module's permissions in the subtree.
public struct ModuleRole: Sendable, Hashable {
    public let name: String
    public let summary: String
    public let levels: Set<UnitLevel>
    public let permissions: Set<String>

    public init(_ name: String, _ summary: String, levels: Set<UnitLevel>, permissions: Set<String>) {
        self.name = name
        self.summary = summary
        self.levels = levels
        self.permissions = permissions
    }
}

/// The module API this build of the platform offers.
public enum ModuleAPI {
    /// A module written against `x.y` runs on `x.z` for any `z ≥ y`.
    ///
    /// 2.0: the kit is all a module sees. `ModuleContext` no longer carries the domain's `hierarchy` and
    /// `work` ports (read through ``CoreReads`` and `core_v1`); modules declare events of their own.
    public static let version = ModuleVersion(2, 0, 0)
}
