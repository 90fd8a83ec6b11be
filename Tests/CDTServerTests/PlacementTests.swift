import Foundation
import Testing

/// Where code lives: no source file imports a feature module but the composition root
/// (`Sources/cdt/InstalledModules.swift`), and the server holds no demo or synthetic data.
@Suite struct PlacementTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// The targets Package.swift builds from `Plugins/`: the feature modules.
    static func moduleTargets() throws -> [String] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        return manifest.components(separatedBy: ".target(").dropFirst().filter { $0.contains(#"path: "Plugins/"#) }.compactMap { target in
            target.firstMatch(of: /name: "(\w+)"/).map { String($0.output.1) }
        }
    }

    /// The Swift files under `folder`, relative to the repository.
    static func swiftFiles(under folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.filter { $0.pathExtension == "swift" }.map { folder + "/" + $0.path.dropFirst(base.path.count + 1) }.sorted()
    }

    @Test func onlyTheCompositionRootImportsAModule() throws {
        let modules = try Self.moduleTargets()
        #expect(modules.sorted() == ["CDTCoverage", "CDTGoodPractices", "CDTPartnerDiscounts", "CDTRewards"], "module targets read from Package.swift: \(modules)")
        let files = Self.swiftFiles(under: "Sources")
        #expect(files.contains("Sources/cdt/InstalledModules.swift"))
        var importers: [String] = []
        for file in files {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            let imports = text.split(separator: "\n").filter { line in
                modules.contains { line.range(of: #"^\s*(@testable |public |internal |package )?import \#($0)\s*$"#, options: .regularExpression) != nil }
            }
            if !imports.isEmpty { importers.append(file) }
        }
        #expect(importers == ["Sources/cdt/InstalledModules.swift"])
    }

    @Test func theServerHoldsNoDemoData() {
        let server = Self.swiftFiles(under: "Sources/CDTServer")
        #expect(!server.isEmpty)
        #expect(server.filter { $0.contains("/Demo/") || $0.contains("/Synthetic/") }.isEmpty)
        #expect(Self.swiftFiles(under: "Sources/CDTDemo").contains("Sources/CDTDemo/Demo/DemoLoader.swift"))
    }
}
