public import CDTModuleKit

/// The example module: localities share a good practice ("mô hình hay") with the module's own event
/// `good-practices.practice_shared`, everyone in the province reads them, and the province's curators
/// endorse the best.
///
/// It uses every part of the module kit a new module needs: an event kind of its own, a migration
/// (`sql/good-practices/`), an event handler, routes with access rules, a settings schema, a role, and a
/// service other modules can read. `docs/modules.md` walks through it.
public struct GoodPracticesModule: FeatureModule {
    public init() {}

    /// A locality shares a practice: submitted by clients to `POST /api/v1/events` like the core's work.
    /// Until the module declared it, the core recorded it as `practice.shared`; the log keeps those as they
    /// were, and they read as this kind.
    public static let practiceShared = ModuleEventKind<PracticeShared>(
        "good-practices.practice_shared", submittedByClients: true, formerNames: ["practice.shared"],
        payloadSchema: .object(["title": .text(maximumLength: 200), "summary": .text(maximumLength: 5000), "link": APISchema.matching("^https?://").described("An http(s) link to more.")],
                               optional: ["link"], closed: true))

    /// A curator endorses a practice: recorded by the endorsement route only.
    public static let practiceEndorsed = ModuleEventKind<PracticeEndorsed>(
        "good-practices.practice_endorsed", payloadSchema: .object(["practiceId": .uuid, "note": .text(maximumLength: 500)], closed: true))

    public var manifest: ModuleManifest {
        ModuleManifest(
            id: "good-practices",
            name: LocalizedName(vietnamese: "Mô hình hay", english: "Good practices"),
            version: ModuleVersion(1, 0, 0),
            permissions: [ModulePermission("good-practices.endorse", "Endorse a practice shared in the area")],
            roles: [ModuleRole("good-practices.curator", "Chooses the practices the province recommends",
                               levels: [.province, .commune], permissions: ["good-practices.endorse"])],
            consumes: Self.practiceShared.storedTypes,
            events: [Self.practiceShared.declaration, Self.practiceEndorsed.declaration])
    }

    public var migrations: [Migration] {
        Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files)
    }

    public var projectionTables: [String] { ["good_practices_practices"] }

    public var settings: SettingsSchema {
        SettingsSchema([
            .boolean("endorsedFirst", SettingLabel(vietnamese: "Mô hình được công nhận lên đầu", english: "Endorsed practices first"), default: true),
            .integer("pageSize", SettingLabel(vietnamese: "Số mô hình mỗi trang", english: "Practices per page"), range: 5...100, default: 20),
        ])
    }

    public func provideServices(to services: inout ModuleServiceRegistrations, context: ModuleContext) {
        services.register((any UnitFigures).self, PracticeFigures(database: context.database))
    }

    public func addRoutes(to routes: inout ModuleRoutes) {
        PracticeDocumentation.registerSchemas(&routes)
        routes.get("practices", access: .view, documentation: PracticeDocumentation.list) { request, context in
            try await PracticeRoutes.list(request, context)
        }
        routes.get("practices/{id}", access: .view, documentation: PracticeDocumentation.detail) { request, context in
            try await PracticeRoutes.detail(request, context)
        }
        routes.post("practices/{id}/endorsement", access: .permission("good-practices.endorse"), documentation: PracticeDocumentation.endorse) { request, context in
            try await PracticeRoutes.endorse(request, context)
        }
    }

    public func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
        guard let practice = try Self.practiceShared.payload(of: event.event) else { return }
        try await PracticeStore.record(practice, from: event, transaction)
    }
}
