/// An optional feature of the platform (rewards nomination, partner discounts, coverage analytics, or a
/// module of your own), compiled into the server and enabled province by province.
///
/// Implementation requirements:
/// - `manifest` is the only requirement without a default: the module's identity and what it needs.
/// - Everything else has a default that does nothing, so a module implements only what it uses.
/// - A module is a value: it keeps no mutable state of its own; what it stores, it stores in its tables.
/// - It reaches other modules only through ``ModuleServices``, and only those in its manifest's dependencies.
///
/// ```swift
/// struct GoodPractices: FeatureModule {
///     var manifest: ModuleManifest {
///         ModuleManifest(id: "good-practices",
///                        name: LocalizedName(vietnamese: "Mô hình hay", english: "Good practices"),
///                        version: ModuleVersion(1, 0, 0), consumes: [.practiceShared])
///     }
/// }
/// ```
public protocol FeatureModule: Sendable {
    /// Who the module is and what it needs.
    var manifest: ModuleManifest { get }

    /// Services the module offers other modules (which must list it as a dependency), registered by
    /// the protocol they are looked up by. The default offers none.
    func provideServices(to services: inout ModuleServiceRegistrations)
}

extension FeatureModule {
    public func provideServices(to services: inout ModuleServiceRegistrations) {}
}
