import Foundation

/// Where the field app's tests keep their screenshots (360×800 PNGs, one per screen): `$CDT_TEST_ARTIFACTS/field-app`,
/// else `.build/test-artifacts/field-app` in the package. docs/field-app.md shows copies of them.
enum FieldAppArtifacts {
    static var directory: URL {
        if let root = ProcessInfo.processInfo.environment["CDT_TEST_ARTIFACTS"], !root.isEmpty {
            return URL(fileURLWithPath: root).appendingPathComponent("field-app")
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-artifacts/field-app")
    }

    /// The file for the screenshot called `name` (`member-households` → `…/member-households.png`).
    static func file(_ name: String) -> URL { directory.appendingPathComponent("\(name).png") }
}
