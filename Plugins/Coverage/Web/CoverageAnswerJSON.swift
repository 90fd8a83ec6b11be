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
            json.key("id"); json.string(id?.uuidString.lowercased() ?? "nation")
            json.key("level"); json.string(level)
            json.key("name"); json.string(name)
            if let parentId { json.key("parentId"); json.string(parentId.uuidString.lowercased()) }
            json.key("path"); json.string(path)
            if let provinceId { json.key("provinceId"); json.string(provinceId.uuidString.lowercased()) }
        }
    }
}

extension MetricFigure {
    func write(to json: inout JSONText) {
        json.figure(metric: metric, label: label, value: value, change: change, isShare: isShare, apportioned: apportioned)
    }
}

extension FigureValues {
    /// The figures as a JSON array, written from the values without a `MetricFigure` each.
    func write(to json: inout JSONText) {
        json.array(formulas) { json, formula in
            let value = formula.value(in: now)
            json.figure(metric: formula.metric.key, label: labelled ? formula.metric.label : nil, value: value, change: change(formula, value),
                        isShare: formula.metric.isShare, apportioned: formula.isApportioned(in: now))
        }
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
}

/// A JSON text written piece by piece, commas placed as it goes.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    init(capacity: Int = 64 * 1024) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONText) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<Element>(_ elements: [Element], _ write: (inout JSONText, Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for element in elements { write(&self, element) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A key of the current object; the value written next belongs to it. Keys are the answer's own names,
    /// written in the code (none needs an escape), so their bytes are copied as they are.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Keys, ids and names need no escape: copied in one go.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// One byte of a string's UTF-8, escaped as `JSONEncoder` escapes it.
    private mutating func appendEscaped(_ byte: UInt8) {
        let escape: UInt8
        switch byte {
        case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
        case 0x0A: escape = UInt8(ascii: "n")
        case 0x0D: escape = UInt8(ascii: "r")
        case 0x09: escape = UInt8(ascii: "t")
        case 0x08: escape = UInt8(ascii: "b")
        case 0x0C: escape = UInt8(ascii: "f")
        case ..<0x20:
            bytes.append(contentsOf: String(format: "\\u%04x", byte).utf8)
            return
        default:
            bytes.append(byte)
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(escape)
    }

    /// A finite number as the encoder writes it: whole numbers without ".0" (those below 2^53 digit by
    /// digit, without a `String`).
    mutating func number(_ value: Double) {
        separate()
        if value.isFinite, value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992, !(value == 0 && value.sign == .minus) {
            integer(Int64(value))
            needsComma = true
            return
        }
        var text = value.isFinite ? value.description : "0"
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    private mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        var magnitude = value.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
