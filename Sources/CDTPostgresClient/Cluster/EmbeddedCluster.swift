import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster under a data folder of its own, made and run with the installed
/// PostgreSQL programs. It listens only on a Unix socket inside its own folder (no TCP port), and its
/// superuser `cdt` is trusted on that socket; other roles log in with a password.
///
/// PostgreSQL refuses to run as root, so when cdt runs as root the cluster runs as the `postgres`
/// user (or `CDT_PG_USER`), which must be able to reach the data folder.
///
/// ```swift
/// let cluster = try await EmbeddedCluster(folder: "/var/lib/cdt")
/// try await cluster.prepare()                       // initdb on first use, then start
/// let db = PostgresClient(configuration: .init(conninfo: cluster.conninfo()))
/// ```
public struct EmbeddedCluster: Sendable {
    /// The data folder of its own; the cluster lives in `<folder>/postgres`.
    public let folder: String
    public let installation: PostgresInstallation
    /// The system user the server runs as, when cdt runs as root.
    public let runAsUser: String?
    /// When false, the cluster trades crash safety for speed (`fsync = off`): for tests only.
    public let durable: Bool

    /// The superuser name in the cluster.
    public static let superuser = "cdt"
    /// The role the server works as: it owns no table and has no BYPASSRLS, so row-level security
    /// applies to it (created by `sql/core/0005_row_level_security.sql`).
    public static let applicationRole = "cdt_app"
    /// The application database created on first start.
    public static let defaultDatabase = "cdt"
    static let port = 5432

    /// - Parameters:
    ///   - folder: the data folder; created when missing.
    ///   - durable: `false` only for throw-away test clusters.
    public init(folder: String, durable: Bool = true) async throws {
        self.folder = (folder as NSString).standardizingPath
        self.installation = try await PostgresInstallation.locate()
        self.durable = durable
        self.runAsUser = geteuid() == 0 ? (ProcessInfo.processInfo.environment["CDT_PG_USER"] ?? "postgres") : nil
    }

    /// The cluster's own directory (PGDATA), which also holds its socket.
    public var clusterDirectory: String { folder + "/postgres" }
    /// The server's log file.
    public var logFile: String { clusterDirectory + "/server.log" }

    /// Key/value conninfo for `database` as the superuser, over the cluster's socket.
    public func conninfo(database: String = EmbeddedCluster.defaultDatabase, user: String = EmbeddedCluster.superuser) -> String {
        "host=\(Self.quoted(clusterDirectory)) port=\(Self.port) user=\(Self.quoted(user)) dbname=\(Self.quoted(database))"
    }

    /// Whether `initdb` has run here.
    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: clusterDirectory + "/PG_VERSION")
    }

    // MARK: Life cycle

    /// Creates the cluster on first use and starts it when stopped, then makes sure the application
    /// database exists. Returns true when this call started the server (so the caller should stop it).
    @discardableResult
    public func prepare() async throws -> Bool {
        if !isInitialized { try await initialize() }
        var started = false
        if case .stopped = try await status() {
            try await start()
            started = true
        } else {
            // Running already (perhaps started by an older build): make sure it knows today's access rules.
            try writeAccessRules()
            try await runChecked("pg_ctl", ["reload", "-D", clusterDirectory], doing: "reload the access rules")
        }
        try await createDatabase(Self.defaultDatabase)
        return started
    }

    /// Runs `initdb` and writes the cluster's configuration.
    public func initialize() async throws {
        let socketPath = clusterDirectory + "/.s.PGSQL.\(Self.port)"
        guard socketPath.utf8.count < 104 else {
            throw EmbeddedClusterError("the data folder path is too long for a Unix socket (\(socketPath)); choose a shorter --data-dir")
        }
        try makeClusterDirectory()
        var arguments = ["-D", clusterDirectory, "-U", Self.superuser, "-E", "UTF8", "--no-locale",
                         "--auth-local=trust", "--auth-host=scram-sha-256"]
        if !durable { arguments.append("--no-sync") }
        try await runChecked("initdb", arguments, doing: "initialize the cluster in \(clusterDirectory)")
        try appendConfiguration()
    }

    /// Starts the server and waits until it accepts connections.
    public func start() async throws {
        try writeAccessRules()
        try pointSocketHere()
        try await runChecked("pg_ctl", ["start", "-D", clusterDirectory, "-l", logFile, "-w", "-t", "60"],
                             doing: "start PostgreSQL (its log: \(logFile))")
    }

    /// Stops the server: open transactions are rolled back, connections closed, data flushed.
    public func stop() async throws {
        try await runChecked("pg_ctl", ["stop", "-D", clusterDirectory, "-m", "fast", "-w", "-t", "60"], doing: "stop PostgreSQL")
    }

    /// Stops and starts the server, breaking every open connection.
    public func restart() async throws {
        try await runChecked("pg_ctl", ["restart", "-D", clusterDirectory, "-l", logFile, "-m", "fast", "-w", "-t", "60"],
                             doing: "restart PostgreSQL")
    }

    /// Stops the server at once, without waiting for clients or a checkpoint, blocking the calling thread.
    /// For clean-up paths that cannot await, such as a test process exiting; data stays consistent
    /// (crash recovery runs at the next start).
    public func stopImmediately() {
        let (executable, arguments) = command("pg_ctl", ["stop", "-D", clusterDirectory, "-m", "immediate", "-w"])
        _ = try? ProcessRunner.runBlocking(executable, arguments)
    }

    /// Starts a watchdog that stops the server (immediately) and deletes the data folder once the
    /// current process is gone, however it ends, crashes included. For throw-away test clusters.
    public func stopAndDeleteWhenThisProcessExits() throws {
        let (executable, arguments) = command("pg_ctl", ["stop", "-D", clusterDirectory, "-m", "immediate", "-w"])
        let stop = ([executable] + arguments).map(Self.shellQuoted).joined(separator: " ")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop); rm -rf \(Self.shellQuoted(folder))"
        try ProcessRunner.spawnDetached("/bin/sh", ["-c", script])
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Whether the cluster exists and runs.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        case notInitialized
        case stopped
        case running(pid: Int)

        public var description: String {
            switch self {
            case .notInitialized: "not initialized"
            case .stopped: "stopped"
            case .running(let pid): "running (pid \(pid))"
            }
        }
    }

    public func status() async throws -> Status {
        guard isInitialized else { return .notInitialized }
        let result = try await run("pg_ctl", ["status", "-D", clusterDirectory])
        guard result.exitCode == 0 else { return .stopped }
        let pid = result.output.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) } ?? 0
        return .running(pid: pid)
    }

    /// Creates `name` unless it exists.
    public func createDatabase(_ name: String) async throws {
        let client = PostgresClient(configuration: .init(conninfo: conninfo(database: "postgres"), maximumConnections: 1))
        do {
            let exists = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count > 0
            if !exists {
                try await client.execute(unsafeSQL: "CREATE DATABASE \(PostgresQuery.quoteIdentifier(name))")
            }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    // MARK: Plumbing

    /// A value quoted for conninfo and postgresql.conf alike: `'…'` with `\\` and `'` escaped.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private func makeClusterDirectory() throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: clusterDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard let runAsUser else { return }
        guard let account = getpwnam(runAsUser) else {
            throw EmbeddedClusterError("cdt runs as root and PostgreSQL refuses to; the user '\(runAsUser)' to run it as does not exist. Install PostgreSQL (\(PostgresInstallation.installCommand)), which creates it, or set CDT_PG_USER")
        }
        guard chown(clusterDirectory, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw EmbeddedClusterError("cannot hand \(clusterDirectory) to user '\(runAsUser)': \(String(cString: strerror(errno)))")
        }
    }

    private func appendConfiguration() throws {
        var lines = [
            "", "# Written by cdt: a private cluster reached only through its own socket.",
            "listen_addresses = ''",
            "unix_socket_directories = \(Self.quoted(clusterDirectory))",
            "unix_socket_permissions = 0700",
            "port = \(Self.port)",
            "max_connections = 200",
        ]
        if !durable { lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"] }
        try write(lines, to: clusterDirectory + "/postgresql.conf", append: true)
        try writeAccessRules()
    }

    /// Keeps the socket in this folder when the data folder was moved or copied since `initdb`: the
    /// configuration names the folder it was made in, so a copy would otherwise listen (or fail to start)
    /// there. The last setting in the file wins, so a line is added only when the last one differs.
    private func pointSocketHere() throws {
        let path = clusterDirectory + "/postgresql.conf"
        let wanted = "unix_socket_directories = \(Self.quoted(clusterDirectory))"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let last = text.split(separator: "\n").last { $0.hasPrefix("unix_socket_directories") }
        guard last.map(String.init) != wanted else { return }
        try write(["# Written by cdt: the data folder moved here.", wanted], to: path, append: true)
    }

    /// Who may connect: rewritten at every start, so clusters made by older builds learn new rules.
    private func writeAccessRules() throws {
        try write([
            "# Written by cdt: the superuser (migrations, import, demo) and the application role (the server)",
            "# are trusted on the private socket (a 0700 folder); every other role logs in with its password.",
            "local all \(Self.superuser) trust",
            "local all \(Self.applicationRole) trust",
            "local all all scram-sha-256",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
        ], to: clusterDirectory + "/pg_hba.conf", append: false)
    }

    /// Writes into a file initdb made, keeping its owner.
    private func write(_ lines: [String], to path: String, append: Bool) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw EmbeddedClusterError("cannot open \(path)") }
        defer { try? handle.close() }
        if append { try handle.seekToEnd() } else { try handle.truncate(atOffset: 0) }
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func run(_ program: String, _ arguments: [String]) async throws -> ProcessOutput {
        let (executable, fullArguments) = command(program, arguments)
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw EmbeddedClusterError("cdt runs as root and needs 'runuser' (package util-linux) to run PostgreSQL as '\(runAsUser ?? "postgres")'")
        }
        return try await ProcessRunner.run(executable, fullArguments)
    }

    /// The program's path and arguments, wrapped in `runuser` when the server must run as another user.
    private func command(_ program: String, _ arguments: [String]) -> (String, [String]) {
        let executable = installation.program(program)
        guard let runAsUser else { return (executable, arguments) }
        return (ProcessRunner.find("runuser") ?? "/usr/sbin/runuser", ["-u", runAsUser, "--", executable] + arguments)
    }

    private func runChecked(_ program: String, _ arguments: [String], doing what: String) async throws {
        let result = try await run(program, arguments)
        guard result.exitCode == 0 else {
            var message = "could not \(what): \(program) exited with \(result.exitCode): \(result.output)"
            if let runAsUser, result.output.contains("Permission denied") {
                message += ". The user '\(runAsUser)' must be able to reach \(folder); choose a data folder outside private folders (such as /var/lib/cdt) with --data-dir"
            }
            throw EmbeddedClusterError(message)
        }
    }
}

/// A failure of the embedded cluster, with a message that says what to do.
public struct EmbeddedClusterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
