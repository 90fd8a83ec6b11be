public import Hummingbird
public import Logging
public import ServiceLifecycle
import CDTPostgres
import CDTModuleKit

/// Builds the HTTP application: the router with every route and middleware, bound to host and port.
/// `services` run beside the server in its service group and are shut down after it, in reverse order.
public func buildApplication(
    configuration: ServerConfiguration,
    dependencies: AppDependencies,
    services: [any Service] = [],
    logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies: dependencies, logger: logger),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cdt"),
        services: services,
        logger: logger
    )
}

/// Builds the router on its own, so tests can drive it without a socket.
public func buildRouter(dependencies: AppDependencies, logger: Logger) -> Router<AppRequestContext> {
    // HEAD on a GET route answers as GET does, without the body.
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.addMiddleware {
        RequestIDMiddleware()
        SecurityHeadersMiddleware()
        RequestLogMiddleware(dependencies.requestLog)
        ProblemMiddleware()
        CursorSealMiddleware(seal: CursorSeal(key: dependencies.cursorKey))
    }
    HealthController(readiness: ReadinessCheck(database: dependencies.database, migrations: dependencies.migrations, modules: dependencies.modules))
        .addRoutes(to: router.group())
    MetricsController(registry: dependencies.metrics).addRoutes(to: router.group())
    let api = router.group("api/v1")
    let checkpoint = AccessCheckpoint(policy: dependencies.accessPolicy)
    UnitController(store: PostgresHierarchyStore(client: dependencies.database), today: dependencies.today)
        .addRoutes(to: api.group("units"), checkpoint: checkpoint)
    let visibility = Visibility(hierarchy: PostgresHierarchyStore(client: dependencies.database))
    let work = PostgresWorkStore(client: dependencies.database)
    EventController(log: PostgresEventLog(client: dependencies.database, now: dependencies.now), visibility: visibility, work: work,
                    catalog: ModuleEventCatalog(dependencies.modules.registry), enablements: dependencies.modules.enablements)
        .addRoutes(to: api.group("events"), checkpoint: checkpoint)
    TeamController(store: work, visibility: visibility, today: dependencies.today).addRoutes(teams: api.group("teams"), members: api.group("members"), checkpoint: checkpoint)
    FieldWorkController(store: work, visibility: visibility).addRoutes(to: api, checkpoint: checkpoint)
    let accounts = PostgresAccountStore(client: dependencies.database, sessionCache: dependencies.sessionCache)
    let audit = PostgresAuditLog(client: dependencies.database)
    AuthController(accounts: accounts, audit: audit, throttle: LoginThrottle(), settings: dependencies.signIn,
                   memberLookup: CallerMemberLookup(client: dependencies.database), visibility: visibility, today: dependencies.today).addRoutes(to: api.group("auth"), checkpoint: checkpoint)
    let moduleRoles = dependencies.modules.registry.modules.flatMap(\.manifest.roles).map { ($0.name, $0) }
    AccountController(accounts: accounts, audit: audit, moduleRoles: Dictionary(uniqueKeysWithValues: moduleRoles))
        .addRoutes(to: api.group("accounts"), checkpoint: checkpoint)
    AuditController(audit: audit).addRoutes(to: api.group("audit"), checkpoint: checkpoint)
    PersonalDataController(store: work, audit: audit).addRoutes(to: api.group("members"), checkpoint: checkpoint)
    ModuleController(administration: ModuleAdministration(host: dependencies.modules, database: dependencies.database))
        .addRoutes(to: api.group("modules"), checkpoint: checkpoint)
    mountModuleRoutes(dependencies.modules, on: api, checkpoint: checkpoint, now: dependencies.now)
    OpenAPIController(document: OpenAPIDocument.text(modules: dependencies.modules.registry)).addRoutes(to: router.group())
    FieldAppController().addRoutes(to: router)
    // Every route declares its access rule: one added around the checkpoint stops start-up here.
    let publicRoutes = 4 + FieldAppController.routeCount  // /healthz, /readyz, /metrics, /openapi.json, the field app
    precondition(router.routes.count == checkpoint.routeCount + publicRoutes, """
        \(router.routes.count - checkpoint.routeCount - publicRoutes) route(s) were added without an access rule; \
        add every API route through AccessCheckpoint
        """)
    // Added after every route, so it wraps only the router's not-found answer: a known path asked with
    // another method is a 405, not a 404.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

/// Mounts every module's routes under `/api/v1/modules/<id>/`, each through the checkpoint.
func mountModuleRoutes(_ host: ModuleHost, on api: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint, now: @escaping Clock) {
    let roles = PostgresModuleRoles(client: host.enablements.database)
    let catalog = ModuleEventCatalog(host.registry)
    for module in host.registry.modules {
        let id = module.manifest.id
        guard let context = host.contexts[id] else { continue }
        let group = api.group(RouterPath("modules/\(id)"))
        let moduleGuard = ModuleRouteGuard(module: module, context: context, host: host, roles: roles, catalog: catalog, now: now)
        for route in host.registry.routes[id] ?? [] {
            checkpoint.mount(route, on: group, guard: moduleGuard)
        }
    }
}
