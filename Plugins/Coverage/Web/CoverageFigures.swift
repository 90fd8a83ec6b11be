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

/// A unit with its figures.
struct UnitCoverage: Encodable, Sendable {
    var unit: CoverageUnit
    var figures: [MetricFigure]

    func figure(_ key: String) -> MetricFigure? { figures.first { $0.metric == key } }
}

/// The answer of `GET figures`: a unit's figures and each of its children's.
struct CoverageAnswer: Encodable, Sendable {
    var unit: CoverageUnit
    var ancestors: [CoverageUnit]
    var at: CalendarDate
    var from: CalendarDate?
    var hierarchy: HierarchyView
    var figures: [MetricFigure]
    var children: [UnitCoverage]
}

/// Works out figures from the roll-ups.
enum CoverageFigures {
    static func answer(_ query: CoverageQuery, _ reader: CoverageReader) async throws -> CoverageAnswer {
        let children = try await reader.children(of: query.unit, on: query.view == .current ? query.today : query.at, provinces: query.provinces)
        let units = [query.unit] + children
        let read = try await reader.values(of: units, at: [query.at] + (query.from.map { [$0.adding(days: -1)] } ?? []),
                                           epoch: query.epoch, provinces: query.provinces)
        let now = read[0], before = read.count > 1 ? read[1] : nil
        func figures(_ unit: CoverageUnit, labelled: Bool = false) -> [MetricFigure] {
            let values = now[unit.id] ?? UnitValues()
            let earlier = before?[unit.id]
            return Metric.all.map { metric in
                let value = metric.value(in: values.values)
                let change: Double? = earlier.flatMap { earlier in
                    guard let value, let old = metric.value(in: earlier.values) else { return nil }
                    return value - old
                }
                let parts = metric.ratio.map { [$0.numerator, $0.denominator] } ?? [metric.key]
                return MetricFigure(metric: metric.key, label: labelled ? metric.label : nil, value: value, change: change, isShare: metric.isShare,
                                    apportioned: parts.contains { values.apportioned.contains($0) })
            }
        }
        return CoverageAnswer(
            unit: query.unit, ancestors: try await reader.ancestors(of: query.unit), at: query.at, from: query.from, hierarchy: query.view,
            figures: figures(query.unit, labelled: true), children: children.map { UnitCoverage(unit: $0, figures: figures($0)) })
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
