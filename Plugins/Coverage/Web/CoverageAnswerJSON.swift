import CDTModuleKit
import Foundation
import Hummingbird

/// `GET figures` written as JSON by hand: a province's drill-down holds 42 figures for each of its 50 to 60
/// children, and Foundation's `JSONEncoder` spent more time on them than the rest of the request. The text
/// is what the app's encoder writes (keys sorted, optional values left out when absent, whole numbers
/// without a fraction); `CoverageAnswerJSONTests` compares the two.
extension CoverageAnswer: ResponseGenerator {
    /// Written in parts of about 48 KiB, each copied into a buffer of its own: the answer of a province of
    /// 168 communes is 750 KiB, and as one buffer (and its copy) it was mapped fresh from the system for every
    /// request, as `cdt serve` has glibc map every block from 256 KiB on its own (docs/configuration.md): the
    /// first writes to its pages were an eighth of the server's CPU in that drill-down (docs/benchmarks.md,
    /// "Nineteenth round"). Parts this size are taken from memory freed by the requests before.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(contentsOf: bodyParts()))
    }

    /// The answer's JSON in parts of at least ``partSize`` bytes (the last one shorter).
    func bodyParts() -> [ByteBuffer] {
        var parts: [ByteBuffer] = []
        var json = JSONText(capacity: Self.partSize + 16 * 1024)
        write(to: &json) { json in
            guard json.bytes.count >= Self.partSize else { return }
            parts.append(ByteBuffer(bytes: json.bytes))
            json.removeWrittenBytes()
        }
        parts.append(ByteBuffer(bytes: json.bytes))
        return parts
    }

    /// The size from which the text written so far goes into a part of its own (a child's figures are 4-5 KiB).
    static let partSize = 48 * 1024

    /// The answer's JSON; `afterEachChild` is called between children (to hand the text on in parts).
    func write(to json: inout JSONText, afterEachChild: (inout JSONText) -> Void = { _ in }) {
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
                afterEachChild(&json)
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
    /// copies and its numbers. A province's answer holds 42 figures for each of its 50 to 170 children.
    func write(to json: inout JSONText) {
        let middles = labelled ? FigureText.labelled : FigureText.unlabelled
        FigureText.bytes.withUnsafeBufferPointer { fragments in
            json.array(count: formulas.count) { json, position in
                // The formula's fields read one by one: a copy of it would retain and release its metric's names.
                let numerator = formulas[position].numerator, denominator = formulas[position].denominator
                let value = MetricFormula.value(numerator: numerator, denominator: denominator, in: now)
                json.figure(apportioned: now.apportioned & formulas[position].apportionedMask != 0,
                            change: change(numerator: numerator, denominator: denominator, to: value),
                            middle: UnsafeBufferPointer(rebasing: fragments[middles[formulas[position].index]]), value: value)
            }
        }
    }
}

/// The part of each metric's figure that does not depend on the unit, written once: from the comma after
/// `apportioned`'s value (and `change`'s) to the comma before `value`, in the encoder's key order:
/// `,"isShare":false,"metric":"teams"`, with `"label":{…}` between them when labelled. Every metric's two
/// parts lie in one buffer (`bytes`), found by their ranges, so a figure copies its part without an array
/// of its own to retain and release.
enum FigureText {
    static let bytes: [UInt8] = parts.bytes
    /// Each metric's part without its names, by ``MetricFormula/index``; its part with them.
    static let unlabelled: [Range<Int>] = parts.unlabelled, labelled: [Range<Int>] = parts.labelled

    private static let parts: (bytes: [UInt8], unlabelled: [Range<Int>], labelled: [Range<Int>]) = {
        var bytes: [UInt8] = [], unlabelled: [Range<Int>] = [], labelled: [Range<Int>] = []
        for formula in MetricFormula.all {
            for isLabelled in [false, true] {
                let part = middle(of: formula.metric, labelled: isLabelled)
                let range = bytes.count..<(bytes.count + part.count)
                bytes += part
                if isLabelled { labelled.append(range) } else { unlabelled.append(range) }
            }
        }
        return (bytes, unlabelled, labelled)
    }()

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
    mutating func figure(apportioned: Bool, change: Double?, middle: UnsafeBufferPointer<UInt8>, value: Double?) {
        separate()
        if apportioned { raw(#"{"apportioned":true"#) } else { raw(#"{"apportioned":false"#) }
        if let change {
            raw(#","change":"#, thenValue: true)
            number(change)
        }
        raw(middle)
        if let value {
            raw(#","value":"#, thenValue: true)
            number(value)
        }
        raw("}")
    }
}
