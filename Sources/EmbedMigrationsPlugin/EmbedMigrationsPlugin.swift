import Foundation
import PackagePlugin

/// Embeds the SQL migrations a target owns into the target itself, so a built binary can migrate a
/// database without the source tree.
///
/// The owner folder is `sql/<owner>/` at the package root: `core` for `CDTPostgres`, and for any other
/// target its name without the `CDT` prefix in kebab case (`CDTPartnerDiscounts` → `partner-discounts`).
/// The generated file declares an internal `EmbeddedMigrations` enum listing `NNNN_name.sql` files in order.
///
/// A target with a `Documents/` folder (excluded from its sources) also gets an `EmbeddedDocuments` enum
/// holding each file's text by name: the server's OpenAPI document is kept in the repository as
/// `Sources/CDTServer/Documents/openapi.json` and served from the binary.
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
        let tool = try context.tool(named: "EmbedMigrationsTool").url
        var commands: [Command] = [
            .buildCommand(
                displayName: "Embedding \(files.count) migration(s) of sql/\(owner) into \(target.name)",
                executable: tool,
                arguments: [owner, output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
        if let source = target as? any SourceModuleTarget {
            let documents = source.directoryURL.appending(path: "Documents")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: documents.path())) ?? []
            let files = names.filter { !$0.hasPrefix(".") }.sorted().map { documents.appending(path: $0) }
            if !files.isEmpty {
                let documentsOutput = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDocuments.swift")
                commands.append(.buildCommand(
                    displayName: "Embedding \(files.count) document(s) into \(target.name)",
                    executable: tool,
                    arguments: ["--documents", documentsOutput.path()] + files.map { $0.path() },
                    inputFiles: files,
                    outputFiles: [documentsOutput]))
            }
        }
        return commands
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
