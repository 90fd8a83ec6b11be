import Foundation

/// Finds where a module crosses the boundary the kit draws (issue 19): a Swift import its target does not
/// declare in Package.swift, or SQL naming a core table instead of a `core_v1` view. Text only, so it can be
/// tested on samples; ``ModuleBoundaryTests`` runs it over the source tree.
enum ModuleBoundaryScanner {
    /// One crossing, named by file and line.
    struct Violation: CustomStringConvertible, Equatable {
        var file: String
        var line: Int
        var message: String
        var description: String { "\(file):\(line): \(message)" }
    }

    /// Modules every target may import without declaring them: Foundation and the standard library's own.
    static let alwaysAllowed: Set<String> = ["Foundation", "FoundationEssentials", "Swift", "_Concurrency", "_StringProcessing", "Synchronization"]

    // MARK: Package.swift

    /// The targets whose sources live under `Plugins/`, by path, with the module names their dependencies
    /// declare (a target's name, or a product's name, which is its module's).
    static func pluginTargets(inManifest manifest: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for body in targetBodies(in: manifest) {
            guard let path = firstCapture(#"path:\s*"(Plugins/[^"]+)""#, in: body) else { continue }
            var declared: Set<String> = []
            if let dependencies = bracketed(after: "dependencies:", in: body) {
                let withoutPackages = dependencies.replacing(try! Regex(#"package:\s*"[^"]*""#), with: "")
                for match in withoutPackages.matches(of: try! Regex(#""([^"]+)""#)) {
                    if let name = match.output[1].substring { declared.insert(String(name)) }
                }
            }
            result[path] = declared
        }
        return result
    }

    /// The text inside each `.target(…)` of the manifest.
    private static func targetBodies(in manifest: String) -> [Substring] {
        var bodies: [Substring] = []
        var searchFrom = manifest.startIndex
        while let start = manifest.range(of: ".target(", range: searchFrom..<manifest.endIndex) {
            var depth = 0, index = start.upperBound
            depth = 1
            while index < manifest.endIndex, depth > 0 {
                if manifest[index] == "(" { depth += 1 } else if manifest[index] == ")" { depth -= 1 }
                index = manifest.index(after: index)
            }
            bodies.append(manifest[start.upperBound..<index])
            searchFrom = index
        }
        return bodies
    }

    /// The text between the `[` following `label` and its matching `]`.
    private static func bracketed(after label: String, in text: Substring) -> Substring? {
        guard let labelRange = text.range(of: label), let open = text[labelRange.upperBound...].firstIndex(of: "[") else { return nil }
        var depth = 0
        var index = open
        while index < text.endIndex {
            if text[index] == "[" { depth += 1 } else if text[index] == "]" { depth -= 1; if depth == 0 { return text[text.index(after: open)..<index] } }
            index = text.index(after: index)
        }
        return nil
    }

    private static func firstCapture(_ pattern: String, in text: Substring) -> String? {
        guard let match = text.firstMatch(of: try! Regex(pattern)), let value = match.output[1].substring else { return nil }
        return String(value)
    }

    // MARK: Swift imports

    /// Every `import X` (with or without an access level, attributes or a declaration kind) of a module
    /// that is neither declared nor always allowed.
    static func undeclaredImports(in source: String, file: String, declared: Set<String>) -> [Violation] {
        let pattern = try! Regex(#"^\s*(?:@[\w]+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)"#)
        var violations: [Violation] = []
        for (number, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let match = line.firstMatch(of: pattern), let module = match.output[1].substring.map(String.init) else { continue }
            if !declared.contains(module) && !alwaysAllowed.contains(module) {
                violations.append(Violation(file: file, line: number + 1,
                                            message: "imports \(module), which the target's dependencies in Package.swift do not declare (declared: \(declared.sorted().joined(separator: ", ")))"))
            }
        }
        return violations
    }

    // MARK: SQL

    /// The core's tables: every `CREATE TABLE name` of the core's migrations (partitions made by `format`
    /// are not names).
    static func coreTables(inCoreSQL texts: [String]) -> Set<String> {
        let pattern = try! Regex(#"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:public\.)?([a-z_][a-z0-9_]*)(?=[\s(])"#)
        var tables: Set<String> = []
        for text in texts {
            for match in text.matches(of: pattern) { if let name = match.output[1].substring { tables.insert(String(name)) } }
        }
        return tables
    }

    /// Every place SQL names one of `tables` as a table (after FROM, JOIN, INTO, UPDATE, TABLE, REFERENCES,
    /// TRUNCATE or ON, bare or as `public.`), rather than a `core_v1.` view. SQL keywords are matched in
    /// capitals, as the project writes SQL, so English prose ("read from the events") is not taken for SQL.
    static func coreTableReferences(in text: String, file: String, tables: Set<String>) -> [Violation] {
        let pattern = try! Regex(#"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES|TRUNCATE|ON)\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?((?:public\.)?[a-z_][a-z0-9_]*)\b(?!\.)"#)
        var violations: [Violation] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for match in line.matches(of: pattern) {
                guard let named = match.output[1].substring else { continue }
                let table = named.hasPrefix("public.") ? String(named.dropFirst("public.".count)) : String(named)
                if tables.contains(table) {
                    violations.append(Violation(file: file, line: number + 1,
                                                message: "names the core table \(table); read it through a core_v1 view (docs/core-views.md)"))
                }
            }
        }
        return violations
    }
}
