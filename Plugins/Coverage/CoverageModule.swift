public import CDTModuleKit
import Foundation

/// Coverage analytics: live figures of the teams' work for any unit and period (villages with a team,
/// members trained, households visited and reached per skill and service, residents by age band,
/// trainings, campaign progress), rolled up along the hierarchy as it was or as it is today, against
/// targets administrators set; as JSON, CSV and a server-rendered dashboard page.
///
/// Figures are kept incrementally from the event log (see `sql/coverage/0001_coverage.sql`): a read is a
/// lookup in the module's roll-up tables, never a scan of the log, and a rebuild gives the same figures.
public struct CoverageModule: FeatureModule {
    public init() {}

    public var manifest: ModuleManifest {
        ModuleManifest(
            id: "coverage",
            name: LocalizedName(vietnamese: "Độ phủ chuyển đổi số", english: "Coverage analytics"),
            version: ModuleVersion(1, 0, 0),
            consumes: CoverageProjector.consumes)
    }

    public var migrations: [Migration] {
        Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files)
    }

    /// The tables built from the log. The hierarchy map (`coverage_unit_map`, `coverage_map_state`) is not
    /// among them: it comes from the hierarchy alone, holds no province's data, and is made again
    /// whenever the lineage changes.
    public var projectionTables: [String] {
        ["coverage_subjects", "coverage_leaf_days", "coverage_days", "coverage_totals", "coverage_campaigns", "coverage_campaign_reach"]
    }

    public var settings: SettingsSchema {
        let shares = Metric.derived.filter(\.isShare).map(\.key)
        return SettingsSchema([
            .choices("headlineMetrics", SettingLabel(vietnamese: "Chỉ số hiển thị đầu trang", english: "Headline metrics shown"),
                     among: Metric.all.map(\.key),
                     default: ["householdsVisited.share", "villagesWithTeam.share", "skill.onlinePayment.share", "service.vneidActivated.share", "membersTrained"]),
            .choice("defaultPeriod", SettingLabel(vietnamese: "Kỳ mặc định", english: "Default period"),
                    among: ["month", "quarter", "year", "all"], default: "month"),
            .choice("seriesInterval", SettingLabel(vietnamese: "Chia biểu đồ theo", english: "Chart interval"),
                    among: SeriesInterval.allCases.map(\.rawValue), default: "week"),
            .choice("chartMetric", SettingLabel(vietnamese: "Chỉ số của biểu đồ", english: "Chart metric"),
                    among: shares, default: "householdsVisited.share"),
        ])
    }

    public func provideServices(to services: inout ModuleServiceRegistrations, context: ModuleContext) {
        services.register((any UnitFigures).self, CoverageUnitFigures(database: context.database))
    }

    public func addRoutes(to routes: inout ModuleRoutes) {
        CoverageDocumentation.registerSchemas(&routes)
        routes.get("figures", access: .view, documentation: CoverageDocumentation.figures) { try await CoverageRoutes.figures($0, $1) }
        routes.get("ranking", access: .view, documentation: CoverageDocumentation.ranking) { try await CoverageRoutes.ranking($0, $1) }
        routes.get("series", access: .view, documentation: CoverageDocumentation.series) { try await CoverageRoutes.series($0, $1) }
        routes.get("metrics", access: .view, documentation: CoverageDocumentation.metrics) { try await CoverageRoutes.metrics($0, $1) }
        routes.get("targets", access: .view, documentation: CoverageDocumentation.targets) { try await CoverageRoutes.targets($0, $1) }
        routes.post("targets", access: .change, documentation: CoverageDocumentation.setTarget) { try await CoverageRoutes.setTarget($0, $1) }
        routes.delete("targets/{id}", access: .change, documentation: CoverageDocumentation.deleteTarget) { try await CoverageRoutes.deleteTarget($0, $1) }
        routes.get("campaigns", access: .view, documentation: CoverageDocumentation.campaigns) { try await CoverageRoutes.campaigns($0, $1) }
        routes.get("export", access: .view, documentation: CoverageDocumentation.export) { try await CoverageExport.export($0, $1) }
        routes.get("dashboard", access: .view, documentation: CoverageDocumentation.dashboard) { try await DashboardPage.render($0, $1) }
    }

    public func applyBatch(_ events: [FeedEvent], in transaction: PostgresSession, context: ModuleContext) async throws {
        guard let province = events.first?.provinceID else { return }
        var projector = CoverageProjector(province: province, tx: transaction)
        try await projector.apply(events)
    }

    public func enabled(for change: ProvinceChange, in transaction: PostgresSession, context: ModuleContext) async throws {
        try await CoverageLedger.followLineage(transaction)
    }
}

/// The module's figures for other modules (``UnitFigures``): a unit's headline figures today, under
/// today's units. Runs in the asking request's task, so row-level security keeps it to that caller's provinces.
struct CoverageUnitFigures: UnitFigures {
    let database: PostgresClient

    func figures(for unit: ID<AdministrativeUnit>) async throws -> [UnitFigure] {
        let reader = CoverageReader(database: database)
        guard let found = try await reader.unit(unit.rawValue), let province = found.provinceId else { return [] }
        let today = CalendarDate(Date())
        let epoch = try await reader.epoch(for: today, view: .current, today: today)
        let values = try await reader.values(of: [found], at: today, epoch: epoch, provinces: [ID(rawValue: province)])[found.id]?.values ?? [:]
        return [Metric.householdsVisited, .householdsVisitedShare, .villagesWithTeamShare, .membersTrained].map {
            UnitFigure(key: $0.key, label: $0.label, value: $0.value(in: values) ?? 0)
        }
    }
}
