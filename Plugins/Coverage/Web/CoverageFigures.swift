import CDTModuleKit
import Foundation
import Hummingbird

/// One metric's figure for a unit.
struct MetricFigure: Codable, Sendable {
    var metric: String
    /// The metric's names; on the unit asked for only (children's figures leave them out: `GET metrics`).
    var label: LocalizedName?
    /// `nil` for a ratio with nothing to divide by.
    var value: Double?
    /// The change over the period asked for (`from` to `at`), when one was.
    var change: Double?
    var isShare: Bool
    /// Part of the value came through a split whose parts are not known village by village.
    var apportioned: Bool
}

/// A unit with its figures: given as figures, or worked out from its values when read or written
/// (the drill-down writes them straight from the values, without a `MetricFigure` each).
struct UnitCoverage: Encodable, Sendable {
    var unit: CoverageUnit
    private var source: Source

    private enum Source: Sendable {
        case figures([MetricFigure])
        case values(FigureValues)
    }

    init(unit: CoverageUnit, figures: [MetricFigure]) {
        self.unit = unit
        self.source = .figures(figures)
    }

    init(unit: CoverageUnit, values: FigureValues) {
        self.unit = unit
        self.source = .values(values)
    }

    var figures: [MetricFigure] {
        switch source {
        case .figures(let figures): figures
        case .values(let values): values.figures
        }
    }

    func figure(_ key: String) -> MetricFigure? {
        switch source {
        case .figures(let figures): figures.first { $0.metric == key }
        case .values(let values): values.figure(key)
        }
    }

    /// The figures as a JSON array.
    func writeFigures(to json: inout JSONText) {
        switch source {
        case .figures(let figures): json.array(figures) { json, figure in figure.write(to: &json) }
        case .values(let values): values.write(to: &json)
        }
    }

    enum CodingKeys: String, CodingKey { case unit, figures }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(figures, forKey: .figures)
    }
}

/// A unit's values at `at` (and the day before `from`, when a period was asked for), with the metrics to
/// work out from them.
struct FigureValues: Sendable {
    var now: UnitValues
    var before: UnitValues?
    var formulas: [MetricFormula]
    /// Whether each figure carries its metric's names (the unit asked for, not its children).
    var labelled: Bool

    func figure(_ formula: MetricFormula) -> MetricFigure {
        let value = formula.value(in: now)
        return MetricFigure(metric: formula.metric.key, label: labelled ? formula.metric.label : nil, value: value, change: change(formula, value),
                            isShare: formula.metric.isShare, apportioned: formula.isApportioned(in: now))
    }

    func change(_ formula: MetricFormula, _ value: Double?) -> Double? {
        change(numerator: formula.numerator, denominator: formula.denominator, to: value)
    }

    /// The change to `value` since `before` of the formula with these slots (for loops that read a
    /// formula's slots without copying it).
    func change(numerator: Int, denominator: Int?, to value: Double?) -> Double? {
        guard let before, let value, let old = MetricFormula.value(numerator: numerator, denominator: denominator, in: before) else { return nil }
        return value - old
    }

    var figures: [MetricFigure] { formulas.map { figure($0) } }

    func figure(_ key: String) -> MetricFigure? { formulas.first { $0.metric.key == key }.map(figure) }
}

/// The answer of `GET figures`: a unit's figures and each of its children's.
struct CoverageAnswer: Encodable, Sendable {
    var unit: CoverageUnit
    var ancestors: [CoverageUnit]
    var at: CalendarDate
    var from: CalendarDate?
    var hierarchy: HierarchyView
    /// The unit's own figures (labelled).
    var own: UnitCoverage
    var children: [UnitCoverage]

    var figures: [MetricFigure] { own.figures }

    init(unit: CoverageUnit, ancestors: [CoverageUnit], at: CalendarDate, from: CalendarDate?, hierarchy: HierarchyView,
         own: UnitCoverage, children: [UnitCoverage]) {
        self.unit = unit
        self.ancestors = ancestors
        self.at = at
        self.from = from
        self.hierarchy = hierarchy
        self.own = own
        self.children = children
    }

    init(unit: CoverageUnit, ancestors: [CoverageUnit], at: CalendarDate, from: CalendarDate?, hierarchy: HierarchyView,
         figures: [MetricFigure], children: [UnitCoverage]) {
        self.init(unit: unit, ancestors: ancestors, at: at, from: from, hierarchy: hierarchy, own: UnitCoverage(unit: unit, figures: figures), children: children)
    }

    enum CodingKeys: String, CodingKey { case unit, ancestors, at, from, hierarchy, figures, children }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(ancestors, forKey: .ancestors)
        try container.encode(at, forKey: .at)
        try container.encodeIfPresent(from, forKey: .from)
        try container.encode(hierarchy, forKey: .hierarchy)
        try container.encode(figures, forKey: .figures)
        try container.encode(children, forKey: .children)
    }
}

/// Works out figures from the roll-ups.
enum CoverageFigures {
    /// The query's unit and its children, with the figures of `metrics` (every metric by default).
    static func answer(_ query: CoverageQuery, _ reader: CoverageReader, metrics: [MetricFormula] = MetricFormula.all) async throws -> CoverageAnswer {
        let children = try await reader.children(of: query.unit, on: query.view == .current ? query.today : query.at, provinces: query.provinces)
        let units = [query.unit] + children
        let read = try await reader.values(of: units, at: [query.at] + (query.from.map { [$0.adding(days: -1)] } ?? []),
                                           epoch: query.epoch, provinces: query.provinces, reads: MetricFormula.reads(metrics))
        let now = read[0], before = read.count > 1 ? read[1] : nil
        func coverage(_ unit: CoverageUnit, labelled: Bool = false) -> UnitCoverage {
            UnitCoverage(unit: unit, values: FigureValues(now: now[unit.id] ?? UnitValues(), before: before.map { $0[unit.id] ?? UnitValues() },
                                                          formulas: metrics, labelled: labelled))
        }
        return CoverageAnswer(
            unit: query.unit, ancestors: try await reader.ancestors(of: query.unit), at: query.at, from: query.from, hierarchy: query.view,
            own: coverage(query.unit, labelled: true), children: children.map { coverage($0) })
    }

    /// One point of a time series: the value at the end of a bucket.
    struct SeriesPoint: Codable, Sendable {
        var bucket: CalendarDate
        var value: Double?
    }

    struct Series: ResponseEncodable, Sendable {
        var unit: CoverageUnit
        var metric: String
        var label: LocalizedName
        var interval: SeriesInterval
        var isShare: Bool
        var points: [SeriesPoint]
    }

    /// `metric` in the query's unit at the end of each bucket from `from` to `at`.
    static func series(_ query: CoverageQuery, metric: Metric, interval: SeriesInterval, _ reader: CoverageReader) async throws -> Series {
        let from = query.from ?? query.at.adding(days: -364)
        let start = interval.bucket(of: from)
        guard (query.at.daysSinceEpoch - start.daysSinceEpoch) / (interval == .day ? 1 : interval == .week ? 7 : 28) <= 400 else {
            throw ProblemDetails(status: .badRequest, detail: "The series is too long.", errors: [.init(field: "from", rule: "must give at most 400 points")])
        }
        let parts = metric.ratio.map { [$0.numerator, $0.denominator] } ?? [metric.key]
        let base = try await reader.values(of: [query.unit], at: start.adding(days: -1), epoch: query.epoch, provinces: query.provinces)[query.unit.id] ?? UnitValues()
        let changes = try await reader.changes(of: query.unit, metrics: parts, interval: interval, from: start, to: query.at, epoch: query.epoch, provinces: query.provinces)
        var buckets: [CalendarDate] = []
        var bucket = start
        while bucket <= query.at {
            buckets.append(bucket)
            bucket = interval.next(after: bucket)
        }
        func end(of bucket: CalendarDate) -> CalendarDate { min(interval.next(after: bucket).adding(days: -1), query.at) }
        let villages = metric.ratio?.denominator == Metric.villages.key
            ? try await reader.villageCounts(of: query.unit, on: buckets.map(end), provinces: query.provinces) : [:]
        var running = base.values
        var points: [SeriesPoint] = []
        for bucket in buckets {
            for (key, change) in changes[bucket] ?? [:] { running[key, default: 0] += change }
            if let count = villages[end(of: bucket)] { running[Metric.villages.key] = Double(count) }
            points.append(SeriesPoint(bucket: bucket, value: metric.value(in: running)))
        }
        return Series(unit: query.unit, metric: metric.key, label: metric.label, interval: interval, isShare: metric.isShare, points: points)
    }

    struct Ranking: ResponseEncodable, Sendable {
        var unit: CoverageUnit
        var metric: String
        var at: CalendarDate
        var items: [RankedUnit]
    }

    struct RankedUnit: Encodable, Sendable {
        var rank: Int
        var unit: CoverageUnit
        var value: Double?
    }

    /// The query's unit's children ranked by `metric`, highest first (units without a value last).
    static func ranking(_ answer: CoverageAnswer, metric: Metric, ascending: Bool) -> Ranking {
        let ranked = answer.children.map { ($0.unit, $0.figure(metric.key)?.value) }.sorted { a, b in
            switch (a.1, b.1) {
            case let (x?, y?): x == y ? VietnameseText.areInIncreasingOrder(a.0.name, b.0.name) : (ascending ? x < y : x > y)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): VietnameseText.areInIncreasingOrder(a.0.name, b.0.name)
            }
        }
        return Ranking(unit: answer.unit, metric: metric.key, at: answer.at,
                       items: ranked.enumerated().map { RankedUnit(rank: $0.offset + 1, unit: $0.element.0, value: $0.element.1) })
    }
}
