import Foundation
import PackagePlugin

/// Embeds the SQL migrations a target owns into the target itself, so a built binary can migrate a
/// database without the source tree.
///
/// The owner folder is `sql/<owner>/` at the package root: `core` for `CDTPostgres`, and for any other
/// target its name without the `CDT` prefix in kebab case (`CDTPartnerDiscounts` → `partner-discounts`).
/// The generated file declares an internal `EmbeddedMigrations` enum listing `NNNN_name.sql` files in order.
@main
struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let owner = Self.owner(ofTarget: target.name)
        let folder = context.package.directoryURL.appending(path: "sql").appending(path: owner)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path()))?
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { folder.appending(path: $0) } ?? []
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migration(s) of sql/\(owner) into \(target.name)",
                executable: try context.tool(named: "EmbedMigrationsTool").url,
                arguments: [owner, output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }

    /// `CDTPostgres` owns the core schema; `CDTPartnerDiscounts` owns `partner-discounts`.
    static func owner(ofTarget name: String) -> String {
        if name == "CDTPostgres" { return "core" }
        let base = name.hasPrefix("CDT") ? String(name.dropFirst(3)) : name
        var result = ""
        for character in base {
            if character.isUppercase, !result.isEmpty { result.append("-") }
            result.append(character.lowercased())
        }
        return result
    }
}
