public import CDTDomain

/// A service by which one module shows another's figures about a unit (rewards shows a team's coverage
/// as evidence): modules never import each other, so the protocol lives here, in the kit.
///
/// A provider registers it in ``FeatureModule/provideServices(to:context:)``; a module that declares the
/// provider as a dependency looks it up:
///
/// ```swift
/// let figures = try context.module.services.service((any UnitFigures).self, from: "good-practices")
/// let evidence = try await figures.figures(for: team.unitID)
/// ```
/// Queries run in the caller's task, so row-level security limits them to the caller's provinces.
public protocol UnitFigures: Sendable {
    /// The provider's figures for the unit's subtree.
    func figures(for unit: ID<AdministrativeUnit>) async throws -> [UnitFigure]
}

/// One named figure about a unit.
public struct UnitFigure: Sendable, Hashable, Codable {
    /// A stable key, such as `practicesShared`.
    public let key: String
    public let label: LocalizedName
    public let value: Double

    public init(key: String, label: LocalizedName, value: Double) {
        self.key = key
        self.label = label
        self.value = value
    }
}

