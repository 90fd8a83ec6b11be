import CDTModuleKit
import Foundation
import Hummingbird

/// `GET figures` written as JSON by hand: a province's drill-down holds 42 figures for each of its 50 to 60
/// children, and Foundation's `JSONEncoder` spent more time on them than the rest of the request. The text
/// is what the app's encoder writes (keys sorted, optional values left out when absent, whole numbers
/// without a fraction); `CoverageAnswerJSONTests` compares the two.
extension CoverageAnswer: ResponseGenerator {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONText(capacity: estimatedSize)
        write(to: &json)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    /// About the answer's size in bytes, a little over (a figure takes 70-110, a unit 300-400), so its text
    /// is written into one allocation, not grown and copied as it goes.
    var estimatedSize: Int {
        1024 + (children.count + ancestors.count + 2) * 512 + (children.count + 1) * own.figureCount * 112
    }

    func write(to json: inout JSONText) {
        json.object { json in
            json.key("ancestors")
            json.array(ancestors) { json, unit in unit.write(to: &json) }
            json.key("at"); json.string(at.description)
            json.key("children")
            json.array(children) { json, child in
                json.object { json in
                    json.key("figures"); child.writeFigures(to: &json)
                    json.key("unit"); child.unit.write(to: &json)
                }
            }
            json.key("figures"); own.writeFigures(to: &json)
            if let from { json.key("from"); json.string(from.description) }
            json.key("hierarchy"); json.string(hierarchy.rawValue)
            json.key("unit"); unit.write(to: &json)
        }
    }
}

extension CoverageUnit {
    func write(to json: inout JSONText) {
        json.object { json in
            json.key("id"); if let id { json.uuid(id) } else { json.string("nation") }
            json.key("level"); json.string(level)
            json.key("name"); json.string(name)
            if let parentId { json.key("parentId"); json.uuid(parentId) }
            json.key("path"); json.string(path)
            if let provinceId { json.key("provinceId"); json.uuid(provinceId) }
        }
    }
}

extension MetricFigure {
    func write(to json: inout JSONText) {
        json.figure(metric: metric, label: label, value: value, change: change, isShare: isShare, apportioned: apportioned)
    }
}

extension FigureValues {
    /// The figures as a JSON array, written from the values without a `MetricFigure` each: what stays the
    /// same for a metric (its names, `isShare` and key) is copied from ``FigureText``, so a figure is a few
    /// copies and its numbers. A province's answer holds 42 figures for each of its 50 to 70 children.
    func write(to json: inout JSONText) {
        let middles = labelled ? FigureText.labelled : FigureText.unlabelled
        json.array(count: formulas.count) { json, position in
            // The formula's fields read one by one: a copy of it would retain and release its metric's names.
            let numerator = formulas[position].numerator, denominator = formulas[position].denominator
            let value = MetricFormula.value(numerator: numerator, denominator: denominator, in: now)
            json.figure(apportioned: now.apportioned & formulas[position].apportionedMask != 0,
                        change: change(numerator: numerator, denominator: denominator, to: value),
                        middle: middles[formulas[position].index], value: value)
        }
    }
}

/// The part of each metric's figure that does not depend on the unit, written once: from the comma after
/// `apportioned`'s value (and `change`'s) to the comma before `value`, in the encoder's key order:
/// `,"isShare":false,"metric":"teams"`, with `"label":{…}` between them when labelled.
enum FigureText {
    static let unlabelled: [[UInt8]] = MetricFormula.all.map { middle(of: $0.metric, labelled: false) }
    static let labelled: [[UInt8]] = MetricFormula.all.map { middle(of: $0.metric, labelled: true) }

    private static func middle(of metric: Metric, labelled: Bool) -> [UInt8] {
        var json = JSONText(capacity: 256)
        json.object { json in
            json.key("isShare"); json.bool(metric.isShare)
            if labelled {
                json.key("label")
                json.object { json in
                    json.key("english"); json.string(metric.label.english)
                    json.key("vietnamese"); json.string(metric.label.vietnamese)
                }
            }
            json.key("metric"); json.string(metric.key)
        }
        // `{` and `}` dropped; the comma before it is the figure's.
        return [UInt8(ascii: ",")] + json.bytes.dropFirst().dropLast()
    }
}

extension JSONText {
    /// One figure, its keys sorted as the encoder sorts them.
    mutating func figure(metric: String, label: LocalizedName?, value: Double?, change: Double?, isShare: Bool, apportioned: Bool) {
        object { json in
            json.key("apportioned"); json.bool(apportioned)
            if let change { json.key("change"); json.number(change) }
            json.key("isShare"); json.bool(isShare)
            if let label {
                json.key("label")
                json.object { json in
                    json.key("english"); json.string(label.english)
                    json.key("vietnamese"); json.string(label.vietnamese)
                }
            }
            json.key("metric"); json.string(metric)
            if let value { json.key("value"); json.number(value) }
        }
    }

    /// One figure from its metric's ``FigureText`` and its numbers, the keys copied with their punctuation.
    mutating func figure(apportioned: Bool, change: Double?, middle: [UInt8], value: Double?) {
        separate()
        raw(apportioned ? Self.apportionedFigure : Self.figure)
        if let change {
            raw(Self.changeKey, thenValue: true)
            number(change)
        }
        raw(middle)
        if let value {
            raw(Self.valueKey, thenValue: true)
            number(value)
        }
        raw(Self.closingBrace)
    }

    private static let figure = Array(#"{"apportioned":false"#.utf8), apportionedFigure = Array(#"{"apportioned":true"#.utf8)
    private static let changeKey = Array(#","change":"#.utf8), valueKey = Array(#","value":"#.utf8), closingBrace = Array("}".utf8)
}
