public import CDTDomain
public import Foundation

/// Finds in well-formed JSON what a parser forgives but the platform refuses, each as a ``Violation``
/// naming the field: a key given twice in one object (a parser keeps the last, so the client and the
/// server would disagree on the value) and a string holding the NUL character (PostgreSQL cannot store it).
public enum JSONScan {
    /// The deepest nesting of arrays and objects accepted; deeper input is refused, never recursed into.
    public static let maximumDepth = 100

    /// The problems in `data`, which has already parsed as JSON; empty when there are none.
    public static func problems(in data: Data) -> [Violation] {
        scanned(data).problems
    }

    /// What kind of value a field holds, for comparing the fields of two documents.
    enum Kind: Equatable { case object, array, scalar }

    /// Where a field sits: its path, its parent's path and whether it is an array element.
    struct Field: Hashable {
        let path: String
        let parent: String
        let isElement: Bool
    }

    /// The problems in `data` and the fields it gives a value other than null, with their kinds, in one pass.
    static func problemsAndShape(in data: Data) -> (problems: [Violation], shape: [Field: Kind]) {
        let scanner = scanned(data, recordsShape: true)
        return (scanner.problems, scanner.shape)
    }

    /// A body holding one array under one key, `{"events": [ … ]}`, read in one pass: where each element
    /// lies, so each can be decoded from its own bytes, and what the scan refuses in each (paths under
    /// `events[3]`).
    public struct ArrayBody: Sendable {
        /// Each element's bytes in the body, in order.
        public let elements: [Range<Int>]
        /// What the scan refuses (a key given twice, NUL), paths under the key.
        public let problems: [Violation]
    }

    /// Reads `data` as exactly `{"<key>": [e0, e1, …]}` (whitespace allowed, the key written plainly), in one
    /// pass and without parsing the elements: the caller decodes each from its bytes, which checks that
    /// each is well-formed. Nil when the body has any other shape or breaks JSON's grammar around the
    /// elements, or nests too deep: the caller then parses the whole body to say what is wrong.
    ///
    /// ```swift
    /// guard let body = JSONScan.onlyArray("events", in: data) else { /* parse it all, refuse it */ }
    /// for range in body.elements { _ = try JSONInput.decode(Event.self, fromJSON: data.subdata(in: range)) }
    /// ```
    public static func onlyArray(_ key: String, in data: Data) -> ArrayBody? {
        var scanner = Scanner(bytes: [UInt8](data), recordsShape: false)
        guard scanner.arrayBody(key: key), !scanner.problems.contains(where: { $0.rule.hasPrefix("must not nest") }) else { return nil }
        return ArrayBody(elements: scanner.ranges, problems: scanner.problems)
    }

    /// The paths of the fields `data` gives a value other than null, with their kinds.
    static func shape(of data: Data) -> [String: Kind] {
        Dictionary(scanned(data, recordsShape: true).shape.map { ($0.key.path, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// One pass over `data`, keeping what the caller asks for beside the problems.
    private static func scanned(_ data: Data, recordsShape: Bool = false) -> Scanner {
        var scanner = Scanner(bytes: [UInt8](data), recordsShape: recordsShape)
        scanner.skipSpace()
        scanner.value(path: "", depth: 0)
        return scanner
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var problems: [Violation] = []
        let recordsShape: Bool
        var shape: [Field: Kind] = [:]
        /// The byte ranges of the elements of ``arrayBody(key:)``'s array.
        var ranges: [Range<Int>] = []

        init(bytes: [UInt8], recordsShape: Bool) {
            self.bytes = bytes
            self.recordsShape = recordsShape
        }

        mutating func record(_ field: Field, _ kind: Kind) {
            if recordsShape { shape[field] = kind }
        }

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8 { bytes[index] }

        mutating func skipSpace() {
            while !atEnd, current == 0x20 || current == 0x0A || current == 0x0D || current == 0x09 { index += 1 }
        }

        mutating func value(path: String, depth: Int, parent: String = "", isElement: Bool = false) {
            guard !atEnd else { return }
            let field = Field(path: path, parent: parent, isElement: isElement)
            switch current {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < maximumDepth else {
                    problems.append(Violation(field: path, rule: "must not nest arrays and objects more than \(maximumDepth) deep"))
                    index = bytes.count
                    return
                }
                if current == UInt8(ascii: "{") {
                    record(field, .object)
                    object(path: path, depth: depth + 1)
                } else {
                    record(field, .array)
                    array(path: path, depth: depth + 1)
                }
            case UInt8(ascii: "\""):
                record(field, .scalar)
                if string().hasNUL { problems.append(Violation(field: path, rule: Validator.nulRule)) }
            default:
                if current != UInt8(ascii: "n") { record(field, .scalar) }
                // A number, true, false or null: up to the next delimiter.
                let start = index
                while !atEnd, ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(current), current > 0x20 { index += 1 }
                // No value where one must be (`[}`, `{"a": }`): malformed, which the parser reports. Stop here,
                // or the enclosing array would ask for the same value forever.
                if index == start { index = bytes.count }
            }
        }

        mutating func object(path: String, depth: Int) {
            index += 1  // {
            var seen: Set<String> = []
            while true {
                skipSpace()
                guard !atEnd else { return }
                if current == UInt8(ascii: "}") { index += 1; return }
                if current == UInt8(ascii: ",") { index += 1; continue }
                guard current == UInt8(ascii: "\"") else { index = bytes.count; return }
                let key = string()
                let field = path.isEmpty ? key.text : path + "." + key.text
                if key.hasNUL { problems.append(Violation(field: field, rule: Validator.nulRule)) }
                if !seen.insert(key.text).inserted { problems.append(Violation(field: field, rule: "must be given once (the key appears more than once)")) }
                skipSpace()
                if !atEnd, current == UInt8(ascii: ":") { index += 1 }
                skipSpace()
                value(path: field, depth: depth, parent: path)
            }
        }

        mutating func array(path: String, depth: Int) {
            index += 1  // [
            var position = 0
            while true {
                skipSpace()
                guard !atEnd else { return }
                if current == UInt8(ascii: "]") { index += 1; return }
                if current == UInt8(ascii: ",") { index += 1; position += 1; continue }
                value(path: "\(path)[\(position)]", depth: depth, parent: path, isElement: true)
            }
        }

        /// Reads `{"<key>": [e0, e1, …]}` strictly around the elements (each element is scanned as
        /// ``value(path:depth:parent:isElement:)`` does, its grammar left to whoever decodes it), keeping each
        /// element's range. False at anything else.
        mutating func arrayBody(key: String) -> Bool {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return false }
            skipSpace()
            let quoted = Array("\"\(key)\"".utf8)
            guard index + quoted.count <= bytes.count, bytes[index..<index + quoted.count].elementsEqual(quoted) else { return false }
            index += quoted.count
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard take(UInt8(ascii: "[")) else { return false }
            skipSpace()
            if !take(UInt8(ascii: "]")) {
                while true {
                    let start = index
                    value(path: "\(key)[\(ranges.count)]", depth: 2, parent: key, isElement: true)
                    guard index > start, index <= bytes.count else { return false }
                    ranges.append(start..<index)
                    skipSpace()
                    if take(UInt8(ascii: "]")) { break }
                    guard take(UInt8(ascii: ",")) else { return false }
                    skipSpace()
                }
            }
            skipSpace()
            guard take(UInt8(ascii: "}")) else { return false }
            skipSpace()
            return atEnd
        }

        /// Steps over `byte` when it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            guard !atEnd, current == byte else { return false }
            index += 1
            return true
        }

        /// Reads a string starting at its opening quote: its text (escapes decoded) and whether it holds NUL.
        mutating func string() -> (text: String, hasNUL: Bool) {
            let start = index
            index += 1
            var escaped = false
            while !atEnd {
                if current == UInt8(ascii: "\\") { escaped = true; index += 2; continue }
                if current == UInt8(ascii: "\"") { break }
                index += 1
            }
            let end = min(index, bytes.count)
            index = min(index + 1, bytes.count)
            let raw = Array(bytes[start..<min(end + 1, bytes.count)])
            guard escaped else { return (String(decoding: raw.dropFirst().dropLast(), as: UTF8.self), raw.contains(0)) }
            let text = (try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed])) as? String
                ?? String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
            return (text, text.utf8.contains(0))
        }
    }
}
