public import Foundation

/// Checks the page a ``BrowserSession`` shows with axe-core (Deque's accessibility engine, as PyPI's
/// `axe-selenium-python` bundles it; `scripts/ensure-dependencies --for-tests` installs it in
/// `.build/tools/axe`), and answers the violations of the impacts asked, one line each.
///
/// ```swift
/// let problems = try await AccessibilityCheck.violations(in: browser)
/// #expect(problems.isEmpty, "\(problems)")
/// ```
public enum AccessibilityCheck {
    /// axe-core's source, read once; fails with the command that installs it.
    public static func engine() throws -> String {
        let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/tools/axe/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: tools.path)) ?? []
        for python in pythons.sorted() where python.hasPrefix("python3") {
            let file = tools.appendingPathComponent("\(python)/site-packages/axe_selenium_python/node_modules/axe-core/axe.min.js")
            if let source = try? String(contentsOf: file, encoding: .utf8) { return source }
        }
        throw TestHarnessError("axe-core is not installed: run `scripts/ensure-dependencies --for-tests` (it installs axe-selenium-python from PyPI in .build/tools/axe)")
    }

    /// The page's violations of WCAG 2 A and AA rules (and axe's best practices) whose impact is one of
    /// `impacts`: `"<rule>: <impact>: <element>, …"` each.
    public static func violations(in browser: BrowserSession, impacts: Set<String> = ["serious", "critical"]) async throws -> [String] {
        _ = try await browser.run(try engine() + "\n;return typeof axe;")
        let answer = try await browser.run("""
            return axe.run(document, {resultTypes: ['violations']}).then(result => result.violations.map(v =>
              ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})));
            """)
        let found = answer as? [[String: Any]] ?? []
        return found.filter { impacts.contains($0["impact"] as? String ?? "") }.map {
            "\($0["id"] ?? ""): \($0["impact"] ?? ""): \($0["help"] ?? ""): \(($0["nodes"] as? [String] ?? []).joined(separator: ", "))"
        }
    }
}
