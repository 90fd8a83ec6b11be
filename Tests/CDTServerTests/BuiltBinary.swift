import CDTTesting
import Foundation

/// The `cdt` binary SwiftPM builds beside the test bundle (every product is built before `swift test`
/// runs), for tests of the command line as a person runs it.
enum BuiltBinary {
    struct Missing: Error, CustomStringConvertible {
        var paths: [String]
        var description: String { "the cdt binary is not built (looked at \(paths)); run: swift build --product cdt" }
    }

    /// The binary beside the test bundle, else `.build/debug/cdt`.
    static func url() throws -> URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cdt")
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let candidates = [besideTests, packageRoot.appendingPathComponent(".build/debug/cdt")]
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Missing(paths: candidates.map(\.path))
        }
        return binary
    }

    /// Runs `binary` (the built one by default) with `arguments` in `folder`, `input` on its standard input
    /// when given, and returns its exit status and everything it printed, standard output and error together.
    /// It is waited for on a thread of its own (``ChildProcess``), so the tests' cooperative threads stay free.
    static func run(_ arguments: [String], binary: URL? = nil, in folder: URL? = nil, input: String? = nil) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(try (binary ?? url()).path, arguments, in: folder, input: input, includeErrors: true)
        return (result.status, result.output)
    }
}
