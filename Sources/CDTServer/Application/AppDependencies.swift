public import CDTDomain
public import CDTPostgres
public import Foundation
public import CDTModuleKit
public import Logging
public import Prometheus

/// What the routes need from the outside, passed in explicitly so tests build the same router.
public struct AppDependencies: Sendable {
    /// The database.
    public var database: PostgresClient
    /// Every migration this build knows (the core's, then the modules'), for the readiness check.
    public var migrations: [Migration]

    /// Who may reach which route; see ``AccessCheckpoint``. By default ``SessionPolicy``: signed-in
    /// callers, by their roles.
    public var accessPolicy: any AccessPolicy
    /// The one cache of session lookups every account store of the server shares (``SessionPolicy``'s and
    /// the sign-in and account routes'). It serves nothing until a ``SessionRevocationListener`` on it is
    /// connected, which `ServerRunner` starts beside the server; without one (most tests) every request
    /// reads its session from the database.
    public let sessionCache: SessionCache
    /// Today's date in Vietnam, the default "as of" day. Injected so tests are deterministic.
    public var today: @Sendable () -> CalendarDate
    /// The current time, which events may not be later than.
    public var now: Clock
    /// The feature modules compiled in, with their contexts.
    public var modules: ModuleHost
    /// Where `/metrics` reads its figures from.
    public var metrics: PrometheusCollectorRegistry
    /// Trusted proxies, the two-factor secret key and the idle timeout.
    public var signIn: SignInSettings
    /// The HMAC key list cursors are signed with (see `CursorSeal`): from `http.cursor-key`, or 32 random
    /// bytes made at start.
    public var cursorKey: Data
    /// Which requests are logged at `info` (errors and slow ones by default; see ``RequestLogPolicy``).
    public var requestLog = RequestLogPolicy()

    public init(
        database: PostgresClient,
        migrations: [Migration] = CoreMigrations.all,
        accessPolicy: (any AccessPolicy)? = nil,
        today: @escaping @Sendable () -> CalendarDate = { CalendarDate(Date()) },
        now: @escaping Clock = { Date() },
        modules: ModuleRegistry? = nil,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        signIn: SignInSettings = SignInSettings(),
        cursorKey: Data = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }),
        sessionCache: SessionCache = SessionCache()
    ) {
        self.cursorKey = cursorKey
        self.database = database
        self.signIn = signIn
        self.sessionCache = sessionCache
        self.accessPolicy = accessPolicy ?? SessionPolicy(accounts: PostgresAccountStore(client: database, sessionCache: sessionCache), settings: signIn)
        self.today = today
        self.now = now
        self.modules = modules.map { ModuleHost(registry: $0, database: database, logger: Logger(label: "cdt.modules"), today: today, now: now) }
            ?? .none(database: database)
        self.metrics = metrics
        self.migrations = migrations + (modules?.migrations ?? [])
    }
}
