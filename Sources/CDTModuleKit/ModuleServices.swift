import Synchronization

/// Where a module registers the services it offers, by the protocol others look them up by.
///
/// ```swift
/// func provideServices(to services: inout ModuleServiceRegistrations, context: ModuleContext) {
///     services.register((any PracticeFigures).self, StoredPracticeFigures(database: context.database))
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

/// Every service the modules offer, by key and then by provider. Filled once at start-up, before any
/// module runs, and read-only afterwards.
final class ServiceDirectory: Sendable {
    private let entries = Mutex<[ObjectIdentifier: [String: any Sendable]]>([:])

    func add(_ registrations: ModuleServiceRegistrations) {
        entries.withLock { entries in
            for (key, service) in registrations.services { entries[key, default: [:]][registrations.provider] = service }
        }
    }

    func service(_ key: ObjectIdentifier, from providers: Set<String>) -> (any Sendable)? {
        entries.withLock { entries in
            entries[key]?.filter { providers.contains($0.key) }.sorted { $0.key < $1.key }.first?.value
        }
    }
}

/// The services one module may use: those offered by the modules it declares as dependencies.
public struct ModuleServices: Sendable {
    public let requester: String
    let allowedProviders: Set<String>
    let directory: ServiceDirectory

    /// The service offered under `key` by one of the requester's dependencies.
    /// - Throws: ``ModuleServiceError`` when none of them offers it (a module that is not a declared
    ///   dependency is never asked, even if it offers the service).
    public func service<Service>(_ key: Service.Type) throws(ModuleServiceError) -> Service {
        guard let offered = directory.service(ObjectIdentifier(key), from: allowedProviders), let service = offered as? Service else {
            throw ModuleServiceError(requester: requester, service: String(describing: key))
        }
        return service
    }

    /// The service offered under `key` by the dependency `provider`, when several offer one.
    public func service<Service>(_ key: Service.Type, from provider: String) throws(ModuleServiceError) -> Service {
        guard allowedProviders.contains(provider), let offered = directory.service(ObjectIdentifier(key), from: [provider]),
              let service = offered as? Service else {
            throw ModuleServiceError(requester: requester, service: "\(key) from '\(provider)'")
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
