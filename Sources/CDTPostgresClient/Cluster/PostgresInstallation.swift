import Foundation

/// The installed PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`).
public struct PostgresInstallation: Sendable {
    /// The folder holding the programs, such as `/usr/lib/postgresql/15/bin`.
    public let binDirectory: String

    /// The command that installs the server on Debian and Ubuntu.
    public static let installCommand = "sudo apt-get install -y postgresql"

    /// Finds the programs: `CDT_PG_BINDIR`, then `pg_config --bindir`, then the newest
    /// `/usr/lib/postgresql/<version>/bin`, then `PATH`.
    /// - Throws: ``EmbeddedClusterError`` naming the package to install when none is found.
    public static func locate() async throws -> PostgresInstallation {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["CDT_PG_BINDIR"] { candidates.append(configured) }
        if let pgConfig = ProcessRunner.find("pg_config"),
           let output = try? await ProcessRunner.run(pgConfig, ["--bindir"]), output.exitCode == 0 {
            candidates.append(output.output)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        if let initdb = ProcessRunner.find("initdb") { candidates.append((initdb as NSString).deletingLastPathComponent) }
        for folder in candidates {
            let programs = ["initdb", "pg_ctl", "postgres"].map { "\(folder)/\($0)" }
            if programs.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) {
                return PostgresInstallation(binDirectory: folder)
            }
        }
        throw EmbeddedClusterError(
            "PostgreSQL server programs (initdb, pg_ctl) were not found. Install them with: \(installCommand)")
    }

    func program(_ name: String) -> String { "\(binDirectory)/\(name)" }
}
