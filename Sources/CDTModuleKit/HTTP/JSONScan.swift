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
    /// lies, so each can be decoded from its own bytes.
    public struct ArrayBody: Sendable {
        /// Each element's bytes in the body, in order.
        public let elements: [Range<Int>]
    }

    /// Reads `data` as exactly `{"<key>": [e0, e1, …]}` (whitespace allowed, the key written plainly), in one
    /// pass and without parsing the elements or reading their keys: the caller decodes each from its bytes
    /// with ``JSONInput/decode(_:fromJSON:prefix:)``, which checks that each is well-formed and refuses what
    /// this scan refuses in it (a key given twice, NUL) under the element's path. Nil when the body has any
    /// other shape or breaks JSON's grammar around the elements, or nests too deep: the caller then parses
    /// the whole body to say what is wrong.
    ///
    /// The elements' keys are not read here: a batch's thousand events were each read twice, once here
    /// (a `String` and a set entry per key) and once by their decoder, which refuses the same.
    ///
    /// ```swift
    /// guard let body = JSONScan.onlyArray("events", in: data) else { /* parse it all, refuse it */ }
    /// for (index, range) in body.elements.enumerated() {
    ///     _ = try JSONInput.decode(Event.self, fromJSON: data.subdata(in: range), prefix: "events[\(index)]")
    /// }
    /// ```
    public static func onlyArray(_ key: String, in data: Data) -> ArrayBody? {
        var scanner = Scanner(bytes: [UInt8](data), recordsShape: false, readsKeys: false)
        guard scanner.arrayBody(key: key), scanner.problems.isEmpty else { return nil }
        return ArrayBody(elements: scanner.ranges)
    }

    /// The paths of the fields `data` gives a value other than null, with their kinds.
    static func shape(of data: Data) -> [String: Kind] {
        Dictionary(scanned(data, recordsShape: true).shape.map { ($0.key.path, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// One pass over `data`, keeping what the caller asks for beside the problems.
    private static func scanned(_ data: Data, recordsShape: Bool = false) -> Scanner {
        var scanner = Scanner(bytes: [UInt8](data), recordsShape: recordsShape)
        scanner.skipSpace()
        scanner.value(depth: 0)
        return scanner
    }

    /// One pass over the bytes. The path to the value being read is kept as steps (keys and positions)
    /// and written out as text only where it is needed: for a problem, or for the shape when asked for.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var problems: [Violation] = []
        let recordsShape: Bool
        /// Whether keys are read (for a key given twice, NUL in a key or a string, and paths); when not,
        /// only the structure is followed and nesting too deep is the one problem found.
        let readsKeys: Bool
        var shape: [Field: Kind] = [:]
        /// The byte ranges of the elements of ``arrayBody(key:)``'s array.
        var ranges: [Range<Int>] = []
        /// The keys and positions from the top to the value being read.
        var steps: [Step] = []

        enum Step {
            case key(String)
            case position(Int)
        }

        init(bytes: [UInt8], recordsShape: Bool, readsKeys: Bool = true) {
            self.bytes = bytes
            self.recordsShape = recordsShape
            self.readsKeys = readsKeys
        }

        /// The path of the first `count` steps: `a.b[3].c`, `[0]` for an element of a top-level array.
        func path(_ count: Int) -> String {
            var text = ""
            for step in steps.prefix(count) {
                switch step {
                case .key(let key): text += text.isEmpty ? key : "." + key
                case .position(let position): text += "[\(position)]"
                }
            }
            return text
        }

        /// The path of the value being read.
        var path: String { path(steps.count) }

        mutating func report(_ rule: String) {
            problems.append(Violation(field: path, rule: rule))
        }

        mutating func record(_ kind: Kind) {
            guard recordsShape else { return }
            let isElement = if case .position = steps.last { true } else { false }
            shape[Field(path: path, parent: path(max(0, steps.count - 1)), isElement: isElement)] = kind
        }

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8 { bytes[index] }

        mutating func skipSpace() {
            while !atEnd, current == 0x20 || current == 0x0A || current == 0x0D || current == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) {
            guard !atEnd else { return }
            switch current {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < maximumDepth else {
                    report("must not nest arrays and objects more than \(maximumDepth) deep")
                    index = bytes.count
                    return
                }
                if current == UInt8(ascii: "{") {
                    record(.object)
                    object(depth: depth + 1)
                } else {
                    record(.array)
                    array(depth: depth + 1)
                }
            case UInt8(ascii: "\""):
                record(.scalar)
                if skipString().hasNUL, readsKeys { report(Validator.nulRule) }
            default:
                if current != UInt8(ascii: "n") { record(.scalar) }
                // A number, true, false or null: up to the next delimiter.
                let start = index
                while !atEnd, current > 0x20, current != UInt8(ascii: ","), current != UInt8(ascii: "]"), current != UInt8(ascii: "}") { index += 1 }
                // No value where one must be (`[}`, `{"a": }`): malformed, which the parser reports. Stop here,
                // or the enclosing array would ask for the same value forever.
                if index == start { index = bytes.count }
            }
        }

        mutating func object(depth: Int) {
            index += 1  // {
            var seen: Set<String> = []
            while true {
                skipSpace()
                guard !atEnd else { return }
                if current == UInt8(ascii: "}") { index += 1; return }
                if current == UInt8(ascii: ",") { index += 1; continue }
                guard current == UInt8(ascii: "\"") else { index = bytes.count; return }
                guard readsKeys else {
                    _ = skipString()
                    memberValue(depth: depth)
                    continue
                }
                let key = string()
                steps.append(.key(key.text))
                defer { steps.removeLast() }
                if key.hasNUL { report(Validator.nulRule) }
                if !seen.insert(key.text).inserted { report("must be given once (the key appears more than once)") }
                memberValue(depth: depth)
            }
        }

        /// The colon after a member's key, and its value.
        mutating func memberValue(depth: Int) {
            skipSpace()
            if !atEnd, current == UInt8(ascii: ":") { index += 1 }
            skipSpace()
            value(depth: depth)
        }

        mutating func array(depth: Int) {
            index += 1  // [
            var position = 0
            while true {
                skipSpace()
                guard !atEnd else { return }
                if current == UInt8(ascii: "]") { index += 1; return }
                if current == UInt8(ascii: ",") { index += 1; position += 1; continue }
                steps.append(.position(position))
                value(depth: depth)
                steps.removeLast()
            }
        }

        /// Reads `{"<key>": [e0, e1, …]}` strictly around the elements (each element is scanned as
        /// ``value(depth:)`` does, its grammar left to whoever decodes it), keeping each element's range.
        /// False at anything else.
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
            steps = [.key(key)]
            if !take(UInt8(ascii: "]")) {
                while true {
                    let start = index
                    steps.append(.position(ranges.count))
                    value(depth: 2)
                    steps.removeLast()
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

        /// Steps over a string starting at its opening quote, without making its text: where it starts,
        /// whether it holds an escape, and whether it holds NUL (a NUL byte, or the escape `\u0000`).
        mutating func skipString() -> (start: Int, escaped: Bool, hasNUL: Bool) {
            let start = index
            index += 1
            var escaped = false, hasNUL = false
            while !atEnd {
                let byte = current
                if byte == UInt8(ascii: "\"") { break }
                if byte == 0 { hasNUL = true }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    if index + 5 < bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
                       bytes[index + 2] == 0x30, bytes[index + 3] == 0x30, bytes[index + 4] == 0x30, bytes[index + 5] == 0x30 {
                        hasNUL = true
                    }
                    index += 2
                    continue
                }
                index += 1
            }
            index = min(index + 1, bytes.count)
            return (start, escaped, hasNUL)
        }

        /// Reads a string starting at its opening quote: its text (escapes decoded) and whether it holds NUL.
        mutating func string() -> (text: String, hasNUL: Bool) {
            let (start, escaped, hasNUL) = skipString()
            let raw = bytes[start..<index]
            guard escaped else { return (String(decoding: raw.dropFirst().dropLast(), as: UTF8.self), hasNUL) }
            let text = (try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed])) as? String
                ?? String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
            return (text, text.utf8.contains(0))
        }
    }
}
