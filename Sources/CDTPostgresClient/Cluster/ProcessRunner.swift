import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished command printed and how it ended.
struct ProcessOutput: Sendable {
    var exitCode: Int32
    var output: String
}

/// Runs a command to completion with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` is not used on purpose: it notices a child's exit through a descriptor the
/// child inherits, so a daemon the command leaves behind (the server `pg_ctl start` launches) would keep
/// it waiting forever. Here the child gets only standard input (`/dev/null`) and one output file; every
/// other descriptor is marked close-on-exec, so no daemon inherits this process's sockets.
enum ProcessRunner {
    /// Runs on a thread of its own so the cooperative pool is never blocked.
    static func run(_ executable: String, _ arguments: [String]) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(executable, arguments) })
            }
            thread.name = "cdt-process"
            thread.start()
        }
    }

    /// Runs and waits on the calling thread.
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> ProcessOutput {
        var template = Array((NSTemporaryDirectory() + "/cdt-process-XXXXXX").utf8CString)
        let outputFD = mkstemp(&template)
        guard outputFD >= 0 else { throw EmbeddedClusterError("cannot create a temporary file for \(executable)'s output") }
        let outputPath = String(cString: template)
        defer {
            close(outputFD)
            unlink(outputPath)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        markDescriptorsCloseOnExec()

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv + [nil], environ)
        guard spawned == 0 else {
            throw EmbeddedClusterError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EmbeddedClusterError("lost track of \(executable): \(String(cString: strerror(errno)))") }
        }
        let exitCode: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ProcessOutput(exitCode: exitCode, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// glibc's `POSIX_SPAWN_SETSID` (2.26 and later), which Swift's Glibc module does not import.
    private static let startNewSession: Int16 = 0x80

    /// Starts a command and does not wait for it (it is reaped by init once this process is gone), in a
    /// session of its own: a signal sent to this process's group (Ctrl-C in a terminal, a `timeout`) does
    /// not reach it, so a watchdog started here outlives this process as it is meant to.
    static func spawnDetached(_ executable: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, startNewSession)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        markDescriptorsCloseOnExec()
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environ)
        guard spawned == 0 else { throw EmbeddedClusterError("cannot run \(executable): \(String(cString: strerror(spawned)))") }
    }

    /// Sets close-on-exec on every open descriptor above standard error, so a spawned command (and any
    /// daemon it leaves behind) inherits none of them. Harmless for this process, which never relies on
    /// passing descriptors through exec.
    private static func markDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in entries.compactMap({ Int32($0) }) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// The first executable called `name` on `PATH` or in the usual system folders.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
