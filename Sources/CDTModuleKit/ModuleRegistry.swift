import Foundation
public import CDTPostgres

/// The modules compiled into the server, validated once at start-up and then frozen: nothing can be
/// added or removed while the server runs, and the registry is passed explicitly to what needs it.
///
/// Validation stops start-up with a ``ModuleRegistryError`` naming the module: an invalid or duplicate
/// id, a dependency that is not installed or that forms a cycle, a module API version this build does not
/// offer, a permission or role that clashes with another module's or is not prefixed by the module's id,
/// a role granting a permission no module defines, a route added twice or in a place the server keeps,
/// a migration outside `sql/<id>/`, an invalid settings schema, a projection table not named after the module,
/// route documentation naming a schema the module did not register.
public struct ModuleRegistry: Sendable {
    /// The modules, dependencies before their dependents.
    public let modules: [any FeatureModule]
    /// Each module's routes, by module id.
    public let routes: [String: [ModuleRoute]]
    /// Each module's schemas for `/openapi.json` (``ModuleRoutes/schema(_:_:)``), by module id.
    public let schemas: [String: [String: APISchema]]

    /// - Parameter apiVersion: the module API this build offers (``ModuleAPI/version``; tests pass others).
    public init(_ modules: [any FeatureModule], apiVersion: ModuleVersion = ModuleAPI.version) throws(ModuleRegistryError) {
        let manifests = modules.map(\.manifest)
        try Self.validate(manifests, apiVersion: apiVersion)
        let order = try Self.dependencyOrder(manifests)
        let byID = Dictionary(uniqueKeysWithValues: modules.map { ($0.manifest.id, $0) })
        self.modules = order.map { byID[$0]! }
        var routes: [String: [ModuleRoute]] = [:]
        var schemas: [String: [String: APISchema]] = [:]
        for module in self.modules {
            try Self.validateParts(of: module)
            var builder = ModuleRoutes(moduleID: module.manifest.id)
            module.addRoutes(to: &builder)
            try Self.validate(builder.routes, of: module.manifest.id)
            try Self.validateDocumentation(builder, of: module.manifest.id)
            routes[module.manifest.id] = builder.routes
            schemas[module.manifest.id] = builder.schemas
        }
        self.routes = routes
        self.schemas = schemas
    }

    /// The module with `id`, if installed.
    public func module(_ id: String) -> (any FeatureModule)? {
        modules.first { $0.manifest.id == id }
    }

    /// Every module's migrations, dependencies' first, to apply after the core's.
    public var migrations: [Migration] { modules.flatMap(\.migrations) }

    /// Every migration of a server with these modules: the core's, then each module's.
    public var schemaMigrations: [Migration] { CoreMigrations.all + migrations }

    /// Each module's context over `environment`, with every module's services registered; built once when
    /// the server starts.
    public func contexts(_ environment: ModuleEnvironment) -> [String: ModuleContext] {
        let directory = ServiceDirectory()
        var contexts: [String: ModuleContext] = [:]
        for module in modules {
            let manifest = module.manifest
            contexts[manifest.id] = ModuleContext(
                moduleID: manifest.id, database: environment.database,
                services: ModuleServices(requester: manifest.id, allowedProviders: Set(manifest.dependencies + manifest.optionalDependencies), directory: directory),
                logger: environment.logger, today: environment.today, settingsSchema: module.settings, storedSettings: environment.storedSettings,
                now: environment.now)
        }
        for module in modules {
            var registrations = ModuleServiceRegistrations(provider: module.manifest.id)
            module.provideServices(to: &registrations, context: contexts[module.manifest.id]!)
            directory.add(registrations)
        }
        return contexts
    }

    /// The ids of the modules that depend on `id`, directly.
    public func dependents(of id: String) -> [String] {
        modules.filter { $0.manifest.dependencies.contains(id) }.map(\.manifest.id)
    }

    // MARK: Validation

    static func validate(_ manifests: [ModuleManifest], apiVersion: ModuleVersion) throws(ModuleRegistryError) {
        var seen: Set<String> = []
        var permissionOwners: [String: String] = [:]
        var roleOwners: [String: String] = [:]
        var eventOwners: [String: String] = [:]
        for manifest in manifests {
            if EventType.coreNamespaces.contains(manifest.id) {
                throw .invalidPart(module: manifest.id, "its id is a namespace of the core's event types")
            }
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
            for event in manifest.events {
                guard event.type.moduleID == manifest.id else { throw .unprefixedName(module: manifest.id, name: event.type.rawValue) }
                if let owner = eventOwners.updateValue(manifest.id, forKey: event.type.rawValue) {
                    throw .invalidPart(module: manifest.id, "declares the event type '\(event.type)' that module '\(owner)' declares too")
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

    /// A module's migrations, settings and projection tables.
    static func validateParts(of module: any FeatureModule) throws(ModuleRegistryError) {
        let id = module.manifest.id
        for migration in module.migrations where migration.owner != id {
            throw .invalidPart(module: id, "migration \(migration.path) belongs to sql/\(id)/, not sql/\(migration.owner)/")
        }
        if let problem = module.settings.problem { throw .invalidPart(module: id, "settings: \(problem)") }
        let prefix = id.replacingOccurrences(of: "-", with: "_") + "_"
        for table in module.projectionTables where !table.hasPrefix(prefix) {
            throw .invalidPart(module: id, "projection table \(table) must be one of its own, named \(prefix)…")
        }
    }

    /// Route paths: none twice, none in the places the server keeps for module administration.
    static func validate(_ routes: [ModuleRoute], of id: String) throws(ModuleRegistryError) {
        var seen: Set<String> = []
        for route in routes {
            let key = "\(route.method) \(route.path)"
            guard seen.insert(key).inserted else { throw .clashingRoute(module: id, route: key) }
            let first = route.path.split(separator: "/").first.map(String.init) ?? ""
            if ModuleRoutes.reservedSegments.contains(first) {
                throw .invalidPart(module: id, "route \(key) starts with '\(first)', which the server keeps for module administration")
            }
        }
    }

    /// Every schema the routes' documentation (and the registered schemas) name is registered.
    static func validateDocumentation(_ builder: ModuleRoutes, of id: String) throws(ModuleRegistryError) {
        for route in builder.routes {
            let documentation = route.documentation
            let named = ([documentation.body, documentation.answer.schema].compactMap { $0 } + documentation.parameters.map(\.schema))
                .reduce(into: Set<String>()) { $0.formUnion($1.references) }
            for name in named.sorted() where builder.schemas[name] == nil {
                throw .invalidPart(module: id, "route \(route.method) \(route.path) names the schema '\(name)', which the module does not register")
            }
        }
        for (name, schema) in builder.schemas.sorted(by: { $0.key < $1.key }) {
            for missing in schema.references.sorted() where builder.schemas[missing] == nil {
                throw .invalidPart(module: id, "schema '\(name)' names the schema '\(missing)', which the module does not register")
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
    case clashingRoute(module: String, route: String)
    case invalidPart(module: String, String)

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
        case .clashingRoute(let module, let route): "module '\(module)' adds the route \(route) twice"
        case .invalidPart(let module, let problem): "module '\(module)': \(problem)"
        }
    }
}
