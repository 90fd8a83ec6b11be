/// Where a module registers the services it offers, by the protocol others look them up by.
///
/// ```swift
/// func provideServices(to services: inout ModuleServiceRegistrations) {
///     services.register(CoverageFigures.self, LiveCoverageFigures(store: store))
/// }
/// ```
public struct ModuleServiceRegistrations: Sendable {
    let provider: String
    var services: [ObjectIdentifier: any Sendable] = [:]

    init(provider: String) {
        self.provider = provider
    }

    /// Offers `service` under the protocol (or type) `key`.
    public mutating func register<Service>(_ key: Service.Type, _ service: Service) where Service: Sendable {
        services[ObjectIdentifier(key)] = service
    }
}

/// The services one module may use: those offered by the modules it declares as dependencies.
public struct ModuleServices: Sendable {
    public let requester: String
    let services: [ObjectIdentifier: [String: any Sendable]]

    /// The service offered under `key` by one of the requester's dependencies.
    /// - Throws: ``ModuleServiceError`` when none of them offers it (a module that is not a declared
    ///   dependency is never asked, even if it offers the service).
    public func service<Service>(_ key: Service.Type) throws(ModuleServiceError) -> Service {
        guard let offered = services[ObjectIdentifier(key)]?.values.first, let service = offered as? Service else {
            throw ModuleServiceError(requester: requester, service: String(describing: key))
        }
        return service
    }
}

/// A module asked for a service none of its dependencies offers.
public struct ModuleServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    public let requester: String
    public let service: String

    public var description: String {
        "module '\(requester)' asked for \(service), which none of the modules it depends on offers; add the module that offers it to its dependencies"
    }
}
