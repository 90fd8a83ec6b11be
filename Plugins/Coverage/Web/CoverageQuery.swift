import CDTModuleKit
import Foundation
import Hummingbird

/// What a request asks figures for, read from its query string and checked against the caller's reach:
/// `unit` (default: the top of the caller's area), `at` (default today), `from` (default: the province's
/// default period), `hierarchy` (`current` or `asOf`).
struct CoverageQuery: Sendable {
    var unit: CoverageUnit
    var at: CalendarDate
    var from: CalendarDate?
    var view: HierarchyView
    var epoch: CalendarDate?
    var today: CalendarDate
    var settings: ModuleSettings
    var provinces: Set<ID<AdministrativeUnit>>

    static func read(_ request: Request, _ context: ModuleRequestContext, reader: CoverageReader, today: CalendarDate = CalendarDate(Date())) async throws -> CoverageQuery {
        var errors: [ProblemDetails.FieldError] = []
        func date(_ name: String) -> CalendarDate? {
            guard let text = request.queryText(name) else { return nil }
            guard let date = CalendarDate(text) else {
                errors.append(.init(field: name, rule: "must be a date of the form YYYY-MM-DD"))
                return nil
            }
            if date < DomainEvent.earliestDay || date > today {
                errors.append(.init(field: name, rule: "must be from \(DomainEvent.earliestDay) to today"))
            }
            return date
        }
        let at = date("at") ?? today
        var from = date("from")
        let viewText = request.queryText("hierarchy") ?? HierarchyView.current.rawValue
        let view = HierarchyView(rawValue: viewText)
        if view == nil { errors.append(.init(field: "hierarchy", rule: "must be current or asOf")) }
        if let chosen = from, chosen > at { errors.append(.init(field: "from", rule: "must be on or before at")) }
        var unitID: UUID?
        if let text = request.queryText("unit"), text != "nation" {
            unitID = UUID(uuidString: text)
            if unitID == nil { errors.append(.init(field: "unit", rule: "must be a unit id or nation")) }
        }
        guard errors.isEmpty, let view else {
            throw ProblemDetails.invalidQuery(errors)
        }
        let (unit, found) = try await resolveUnit(unitID, explicitNation: request.queryText("unit") == "nation", context, reader,
                                                  epochFor: at, view: view, today: today)
        if let found, !found.isInForce(on: view == .current ? today : at) {
            throw ProblemDetails(status: .unprocessableContent, detail: "The unit was not in force then.",
                                 errors: [.init(field: "unit", rule: view == .current ? "must be in force today (use hierarchy=asOf for a past unit)" : "must be in force on at")])
        }
        let provinces = unit.provinceId.map { Set([ID<AdministrativeUnit>(rawValue: $0)]) } ?? context.provinces
        let settings = provinces.count == 1 ? context.settings(for: provinces.first!) : CoverageModule().settings.defaults
        if from == nil, request.queryText("from") == nil, let days = Self.periodDays[settings.string("defaultPeriod")] {
            from = at.adding(days: -(days - 1))
        }
        let epoch: CalendarDate?
        if let found { epoch = found.epoch } else { epoch = try await reader.epoch(for: at, view: view, today: today) }
        return CoverageQuery(unit: unit, at: at, from: from, view: view, epoch: epoch, today: today, settings: settings, provinces: provinces)
    }

    static let periodDays: [String: Int] = ["month": 30, "quarter": 91, "year": 365]

    /// The unit asked for, if the caller may see it; else the top of their area. With its period in force
    /// and the epoch of the figures at `day` (`nil` for the nation), read with it: no second read of either.
    private static func resolveUnit(_ id: UUID?, explicitNation: Bool, _ context: ModuleRequestContext, _ reader: CoverageReader,
                                    epochFor day: CalendarDate, view: HierarchyView, today: CalendarDate) async throws -> (CoverageUnit, CoverageReader.FoundUnit?) {
        let notFound = ProblemDetails(status: .notFound, detail: "No such unit in your area where coverage is enabled.")
        func find(_ id: UUID) async throws -> CoverageReader.FoundUnit? { try await reader.unit(id, withEpochFor: day, view: view, today: today) }
        if let id {
            guard let found = try await find(id), let province = found.unit.provinceId,
                  context.provinces.contains(ID(rawValue: province)), context.viewScope.contains(path: found.unit.path) else { throw notFound }
            return (found.unit, found)
        }
        if context.viewsNationwide { return (.nation, nil) }
        if explicitNation { throw notFound }
        for path in context.viewScope.paths.sorted(by: { $0.count < $1.count }) {
            guard let last = path.split(separator: "/").last, let id = UUID(uuidString: String(last)),
                  let found = try await find(id), let province = found.unit.provinceId, context.provinces.contains(ID(rawValue: province)) else { continue }
            return (found.unit, found)
        }
        throw notFound
    }

    /// The metrics `metrics=` names (keys of `GET metrics`, comma-separated), in `Metric.all` order; every
    /// metric without it. A 400 names the field for an unknown key or an empty list. Read without turning
    /// `+` into a space: `residents.60+` is a key.
    static func metrics(_ request: Request) throws -> [MetricFormula] {
        guard let text = request.uri.queryParameters.get("metrics") else { return MetricFormula.all }
        let keys = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let unknown = keys.filter { Metric.named($0) == nil }
        guard !keys.isEmpty, unknown.isEmpty else {
            let named = unknown.filter { !$0.isEmpty }.prefix(3).joined(separator: ", ")
            throw ProblemDetails.invalidQuery("metrics", "must be keys listed by GET metrics, separated by commas" + (named.isEmpty ? "" : " (unknown: \(named))"))
        }
        return MetricFormula.of(Set(keys))
    }

    /// A metric named in the query string, or `fallback`.
    static func metric(_ request: Request, _ name: String = "metric", default fallback: String) throws -> Metric {
        let key = request.queryText(name) ?? fallback
        guard let metric = Metric.named(key) else {
            throw ProblemDetails.invalidQuery(name, "must be one of the metrics listed by GET metrics")
        }
        return metric
    }
}

extension ProblemDetails {
    /// A 400 for query parameters that break their rules, naming each.
    static func invalidQuery(_ errors: [FieldError]) -> ProblemDetails {
        ProblemDetails(status: .badRequest, detail: "The query is not valid.", errors: errors)
    }

    /// A 400 for one query parameter that breaks its rule.
    static func invalidQuery(_ field: String, _ rule: String) -> ProblemDetails {
        invalidQuery([FieldError(field: field, rule: rule)])
    }
}
