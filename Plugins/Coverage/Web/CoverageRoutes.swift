import CDTModuleKit
import Foundation
import Hummingbird

/// The module's JSON answers. The server has checked the caller's access rule and that the module is
/// enabled in a province they reach; each answer also checks that the unit asked for lies in the caller's
/// area (404 otherwise), and the database's row-level security keeps every read to those provinces.
enum CoverageRoutes {
    static func reader(_ context: ModuleRequestContext) -> CoverageReader { CoverageReader(database: context.module.database) }

    /// The drill-down: every read of the request on one lease of the module's client (under the
    /// caller's row scope, as each statement on its own lease would be).
    static func figures(_ request: Request, _ context: ModuleRequestContext) async throws -> CoverageAnswer {
        let metrics = try CoverageQuery.metrics(request)
        let database = context.module.database
        return try await database.withConnection { session in
            let reader = CoverageReader(database: database, session: session)
            return try await CoverageFigures.answer(try await CoverageQuery.read(request, context, reader: reader), reader, metrics: metrics)
        }
    }

    static func ranking(_ request: Request, _ context: ModuleRequestContext) async throws -> CoverageFigures.Ranking {
        let reader = reader(context)
        let metric = try CoverageQuery.metric(request, default: Metric.householdsVisitedShare.key)
        let order = request.queryText("order") ?? "desc"
        guard order == "desc" || order == "asc" else {
            throw ProblemDetails.invalidQuery("order", "must be asc or desc")
        }
        let answer = try await CoverageFigures.answer(try await CoverageQuery.read(request, context, reader: reader), reader)
        return CoverageFigures.ranking(answer, metric: metric, ascending: order == "asc")
    }

    static func series(_ request: Request, _ context: ModuleRequestContext) async throws -> CoverageFigures.Series {
        let reader = reader(context)
        let query = try await CoverageQuery.read(request, context, reader: reader)
        let metric = try CoverageQuery.metric(request, default: query.settings.string("chartMetric"))
        let intervalText = request.queryText("interval") ?? query.settings.string("seriesInterval")
        guard let interval = SeriesInterval(rawValue: intervalText) else {
            throw ProblemDetails.invalidQuery("interval", "must be day, week or month")
        }
        return try await CoverageFigures.series(query, metric: metric, interval: interval, reader)
    }

    struct MetricList: ResponseEncodable {
        var items: [MetricDescription]
    }

    struct MetricDescription: Codable {
        var key: String
        var label: LocalizedName
        var isShare: Bool
        var numerator: String?
        var denominator: String?
    }

    static func metrics(_ request: Request, _ context: ModuleRequestContext) async throws -> MetricList {
        MetricList(items: Metric.all.map {
            MetricDescription(key: $0.key, label: $0.label, isShare: $0.isShare, numerator: $0.ratio?.numerator, denominator: $0.ratio?.denominator)
        })
    }

    // MARK: Targets

    struct TargetAnswer: Encodable, Sendable {
        var unit: CoverageUnit
        var label: LocalizedName
        var isShare: Bool
        var assessment: TargetProgress
    }

    struct TargetList: ResponseEncodable {
        var items: [TargetAnswer]
    }

    static func targets(_ request: Request, _ context: ModuleRequestContext) async throws -> TargetList {
        let reader = reader(context)
        let query = try await CoverageQuery.read(request, context, reader: reader)
        return TargetList(items: try await assess(query, reader))
    }

    /// The targets on the query's unit and below, assessed today under today's units.
    static func assess(_ query: CoverageQuery, _ reader: CoverageReader) async throws -> [TargetAnswer] {
        let stored = try await TargetStore.targets(under: query.unit, provinces: query.provinces, reader.database)
        let units = Array(Set(stored.map(\.1)))
        let epoch = try await reader.epoch(for: query.today, view: .current, today: query.today)
        let read = try await reader.values(of: units, at: [query.today, query.today.adding(days: -TargetProgress.paceWindow)], epoch: epoch, provinces: query.provinces)
        let now = read[0], earlier = read[1]
        return stored.compactMap { target, unit in
            guard let metric = Metric.named(target.metric) else { return nil }
            let current = metric.value(in: now[unit.id]?.values ?? [:]) ?? 0
            let windowAgo = metric.value(in: earlier[unit.id]?.values ?? [:]) ?? 0
            return TargetAnswer(unit: unit, label: metric.label, isShare: metric.isShare,
                                assessment: TargetProgress.assess(target, current: current, windowAgo: windowAgo, today: query.today))
        }
    }

    struct TargetInput: Codable {
        var unitId: UUID
        var metric: String
        var value: Double
        var deadline: CalendarDate
    }

    /// Sets a target: national administrators anywhere, a province's administrators in their province
    /// (callers whose right to record work covers the whole province).
    static func setTarget(_ request: Request, _ context: ModuleRequestContext) async throws -> SavedTarget {
        let input = try await context.decode(TargetInput.self, from: request)
        let today = CalendarDate(Date())
        var check = Validator()
        let metric = Metric.named(input.metric)
        check.require(metric != nil, "metric", "must be one of the metrics listed by GET metrics")
        check.require(input.value > 0 && input.value <= 1e9, "value", "must be above 0 and at most 1000000000")
        if let metric, metric.isShare { check.require(input.value <= 1, "value", "must be at most 1 for a share (0.8 is 80%)") }
        check.require(input.deadline >= today, "deadline", "must be today or later")
        do { try check.finish() } catch { throw ProblemDetails.unprocessable(error) }
        let reader = reader(context)
        guard let unit = try await reader.unit(input.unitId), let province = unit.provinceId,
              context.provinces.contains(ID(rawValue: province)), context.viewScope.contains(path: unit.path) else {
            throw ProblemDetails(status: .notFound, detail: "No such unit in your area where coverage is enabled.")
        }
        guard try await reader.isInForce(input.unitId, on: today) else {
            throw ProblemDetails.unprocessable(ValidationFailure(field: "unitId", rule: "must be a unit in force today"))
        }
        guard mayManageTargets(in: province, context), let account = context.caller.accountID else {
            throw ProblemDetails(status: .forbidden, detail: "Only national administrators and the province's administrators set targets.")
        }
        let target = CoverageTarget(id: UUID(), unitId: input.unitId, metric: input.metric, value: input.value, deadline: input.deadline)
        return try await reader.database.withTransaction { tx in
            let saved = try await TargetStore.set(target, province: province, by: account.rawValue, tx)
            try await context.audit(action: "target.set", unit: ID(rawValue: input.unitId), subject: saved.id.lowercasedText,
                                    details: ["metric": input.metric, "value": String(input.value), "deadline": input.deadline.description], in: tx)
            return SavedTarget(target: saved)
        }
    }

    static func deleteTarget(_ request: Request, _ context: ModuleRequestContext) async throws -> Response {
        let id: ID<CoverageTargetTag> = try context.id("id")
        guard let (target, path) = try await TargetStore.target(id.rawValue, context.module.database), context.viewScope.contains(path: path) else {
            throw ProblemDetails(status: .notFound, detail: "No such target in your area.")
        }
        let province = path.split(separator: "/").first.flatMap { UUID(uuidString: String($0)) }
        guard let province, mayManageTargets(in: province, context) else {
            throw ProblemDetails(status: .forbidden, detail: "Only national administrators and the province's administrators remove targets.")
        }
        try await context.module.database.withTransaction { tx in
            try await TargetStore.delete(target.id, tx)
            try await context.audit(action: "target.deleted", unit: ID(rawValue: target.unitId), subject: target.id.lowercasedText,
                                    details: ["metric": target.metric, "value": String(target.value), "deadline": target.deadline.description], in: tx)
        }
        return Response(status: .noContent)
    }

    enum CoverageTargetTag {}

    /// Targets are set and removed by national administrators anywhere and by a province's own
    /// administrators: callers whose right to record work covers the whole province.
    static func mayManageTargets(in province: UUID, _ context: ModuleRequestContext) -> Bool {
        context.changeScope.contains(path: AccessScope.provincePath(ID(rawValue: province)))
    }

    // MARK: Campaigns

    struct CampaignList: ResponseEncodable {
        var items: [TargetStore.CampaignProgress]
    }

    static func campaigns(_ request: Request, _ context: ModuleRequestContext) async throws -> CampaignList {
        let reader = reader(context)
        let query = try await CoverageQuery.read(request, context, reader: reader)
        return CampaignList(items: try await TargetStore.campaigns(touching: query.unit, provinces: query.provinces, reader.database))
    }
}

/// A target as `POST targets` answers it.
struct SavedTarget: ResponseEncodable {
    var target: CoverageTarget

    func encode(to encoder: any Encoder) throws { try target.encode(to: encoder) }
}
