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
    static func run(_ arguments: [String], binary: URL? = nil, in folder: URL? = nil, input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try binary ?? url()
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        try process.run()
        if let input, let inputPipe {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
