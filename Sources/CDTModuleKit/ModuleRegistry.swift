/// The modules compiled into the server, validated once at start-up and then frozen: nothing can be
/// added or removed while the server runs, and the registry is passed explicitly to what needs it.
///
/// Validation stops start-up with a ``ModuleRegistryError`` naming the module: an invalid or duplicate
/// id, a dependency that is not installed or that forms a cycle, a module API version this build does not
/// offer, a permission or role that clashes with another module's or is not prefixed by the module's id,
/// a role granting a permission no module defines.
public struct ModuleRegistry: Sendable {
    /// The modules, dependencies before their dependents.
    public let modules: [any FeatureModule]
    private let services: [ObjectIdentifier: [String: any Sendable]]

    /// - Parameter apiVersion: the module API this build offers (``ModuleAPI/version``; tests pass others).
    public init(_ modules: [any FeatureModule], apiVersion: ModuleVersion = ModuleAPI.version) throws(ModuleRegistryError) {
        let manifests = modules.map(\.manifest)
        try Self.validate(manifests, apiVersion: apiVersion)
        let order = try Self.dependencyOrder(manifests)
        let byID = Dictionary(uniqueKeysWithValues: modules.map { ($0.manifest.id, $0) })
        self.modules = order.map { byID[$0]! }
        var services: [ObjectIdentifier: [String: any Sendable]] = [:]
        for module in self.modules {
            var registrations = ModuleServiceRegistrations(provider: module.manifest.id)
            module.provideServices(to: &registrations)
            for (key, service) in registrations.services { services[key, default: [:]][module.manifest.id] = service }
        }
        self.services = services
    }

    /// The module with `id`, if installed.
    public func module(_ id: String) -> (any FeatureModule)? {
        modules.first { $0.manifest.id == id }
    }

    /// The services `requester` may use: those of the modules it depends on.
    public func services(for requester: String) -> ModuleServices {
        let allowed = Set(module(requester)?.manifest.dependencies ?? [])
        return ModuleServices(requester: requester, services: services.mapValues { $0.filter { allowed.contains($0.key) } })
    }

    // MARK: Validation

    static func validate(_ manifests: [ModuleManifest], apiVersion: ModuleVersion) throws(ModuleRegistryError) {
        var seen: Set<String> = []
        var permissionOwners: [String: String] = [:]
        var roleOwners: [String: String] = [:]
        for manifest in manifests {
            guard ModuleManifest.isValidID(manifest.id) else { throw .invalidID(manifest.id) }
            guard seen.insert(manifest.id).inserted else { throw .duplicateID(manifest.id) }
            guard manifest.moduleAPIVersion.major == apiVersion.major, manifest.moduleAPIVersion <= apiVersion else {
                throw .apiVersionMismatch(module: manifest.id, needs: manifest.moduleAPIVersion, offered: apiVersion)
            }
            for permission in manifest.permissions {
                guard permission.name.hasPrefix(manifest.id + ".") else { throw .unprefixedName(module: manifest.id, name: permission.name) }
                if let owner = permissionOwners.updateValue(manifest.id, forKey: permission.name) {
                    throw .clashingPermission(permission.name, modules: owner == manifest.id ? [owner] : [owner, manifest.id])
                }
            }
            for role in manifest.roles {
                guard role.name.hasPrefix(manifest.id + ".") else { throw .unprefixedName(module: manifest.id, name: role.name) }
                if let owner = roleOwners.updateValue(manifest.id, forKey: role.name) {
                    throw .clashingRole(role.name, modules: owner == manifest.id ? [owner] : [owner, manifest.id])
                }
            }
        }
        let allPermissions = Set(permissionOwners.keys)
        for manifest in manifests {
            for dependency in manifest.dependencies where !seen.contains(dependency) {
                throw .missingDependency(module: manifest.id, dependency: dependency)
            }
            for role in manifest.roles {
                if let unknown = role.permissions.subtracting(allPermissions).sorted().first {
                    throw .unknownPermission(module: manifest.id, role: role.name, permission: unknown)
                }
            }
        }
    }

    /// The ids in an order where each comes after its dependencies; throws on a cycle, naming it.
    static func dependencyOrder(_ manifests: [ModuleManifest]) throws(ModuleRegistryError) -> [String] {
        let dependencies = Dictionary(uniqueKeysWithValues: manifests.map { ($0.id, $0.dependencies) })
        var order: [String] = []
        var state: [String: Bool] = [:]  // false: visiting, true: done
        func visit(_ id: String, _ path: [String]) throws(ModuleRegistryError) {
            if state[id] == true { return }
            if state[id] == false { throw .cyclicDependency(path.drop { $0 != id } + [id]) }
            state[id] = false
            for dependency in dependencies[id] ?? [] { try visit(dependency, path + [id]) }
            state[id] = true
            order.append(id)
        }
        for manifest in manifests { try visit(manifest.id, []) }
        return order
    }
}

/// Why the modules compiled into the server cannot start; each names the module.
public enum ModuleRegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidID(String)
    case duplicateID(String)
    case missingDependency(module: String, dependency: String)
    case cyclicDependency([String])
    case apiVersionMismatch(module: String, needs: ModuleVersion, offered: ModuleVersion)
    case unprefixedName(module: String, name: String)
    case clashingPermission(String, modules: [String])
    case clashingRole(String, modules: [String])
    case unknownPermission(module: String, role: String, permission: String)

    public var description: String {
        switch self {
        case .invalidID(let id): "module id '\(id)' is invalid: use 2 to 40 lower-case letters, digits and dashes, starting with a letter"
        case .duplicateID(let id): "two modules have the id '\(id)'"
        case .missingDependency(let module, let dependency): "module '\(module)' needs module '\(dependency)', which is not installed"
        case .cyclicDependency(let cycle): "modules depend on each other in a cycle: \(cycle.joined(separator: " → "))"
        case .apiVersionMismatch(let module, let needs, let offered):
            "module '\(module)' needs module API \(needs); this build offers \(offered)"
        case .unprefixedName(let module, let name): "module '\(module)' adds '\(name)', which must start with '\(module).'"
        case .clashingPermission(let name, let modules) where modules.count == 1: "module '\(modules[0])' adds the permission '\(name)' twice"
        case .clashingPermission(let name, let modules): "modules \(modules.joined(separator: " and ")) both add the permission '\(name)'"
        case .clashingRole(let name, let modules) where modules.count == 1: "module '\(modules[0])' adds the role '\(name)' twice"
        case .clashingRole(let name, let modules): "modules \(modules.joined(separator: " and ")) both add the role '\(name)'"
        case .unknownPermission(let module, let role, let permission): "role '\(role)' of module '\(module)' grants '\(permission)', which no module adds"
        }
    }
}
