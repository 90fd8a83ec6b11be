public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A command a test runs to its end (a browser dumping a page, the built `cdt` binary), waited for on a
/// thread of its own and given a time limit.
///
/// ```swift
/// let result = try await ChildProcess.run("/usr/bin/chromium", ["--headless", "--dump-dom", url], timeLimit: .seconds(90))
/// #expect(result.status == 0)
/// ```
///
/// Why not Foundation's `Process` waited for in the test's task: that blocks a thread of Swift's
/// cooperative pool, which on two cores has two. A browser waiting for a page from the test's own server
/// (whose handlers run on that pool) while both threads wait for browsers never finishes: a CI run hung
/// there until its 90 minutes ran out. Here the waiting is done by a thread of its own; the command's
/// output goes to a file, so nothing it leaves behind holding a pipe open can keep the test waiting; the
/// command runs in a process group of its own, which is killed once it ends (its helpers with it) or once
/// the time limit passes (then the call throws, naming the command).
public enum ChildProcess {
    /// How a finished command ended and what it printed.
    public struct Result: Sendable {
        /// The exit status, or 128 plus the signal's number when a signal ended it.
        public let status: Int32
        /// Standard output, followed by standard error when `includeErrors` was set.
        public let output: String
    }

    /// Runs `executable` with `arguments` and waits for it to exit, at most `timeLimit`.
    /// - Parameters:
    ///   - folder: the working folder; this process's own when `nil`.
    ///   - input: written to the command's standard input (which is otherwise `/dev/null`).
    ///   - includeErrors: whether standard error joins the output (otherwise it is discarded).
    /// - Throws: ``TestHarnessError`` when the command cannot start or is still running after `timeLimit`.
    public static func run(_ executable: String, _ arguments: [String], in folder: URL? = nil, input: String? = nil,
                           includeErrors: Bool = false, timeLimit: Duration = .seconds(120)) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result(catching: {
                    try runBlocking(executable, arguments, in: folder, input: input, includeErrors: includeErrors, timeLimit: timeLimit)
                }))
            }
            thread.name = "cdt-test-child"
            thread.start()
        }
    }

    /// Starts `executable` and leaves it running (a driver the test talks to), its output discarded, in a
    /// process group of its own; ``Running/stop()`` ends it and whatever it started.
    public static func start(_ executable: String, _ arguments: [String]) throws -> Running {
        Running(pid: try spawn(executable, arguments, in: nil, input: "/dev/null", output: nil, errors: nil))
    }

    /// A command started with ``start(_:_:)``.
    public final class Running: Sendable {
        private let pid: pid_t
        private let exited = Mutex(false)

        init(pid: pid_t) { self.pid = pid }

        /// Whether it has not exited yet. Once it has, what it left in its group is killed and it is reaped.
        public var isRunning: Bool {
            exited.withLock { exited in
                guard !exited else { return false }
                switch ChildProcess.state(of: pid) {
                case .running: break
                case .exited: _ = ChildProcess.killGroupAndReap(pid); exited = true
                case .gone: exited = true
                }
                return !exited
            }
        }

        /// Kills it and its process group (a browser it started goes with it) and reaps it.
        public func stop() {
            exited.withLock { exited in
                guard !exited else { return }
                if ChildProcess.state(of: pid) != .gone { _ = ChildProcess.killGroupAndReap(pid) }
                exited = true
            }
        }

        deinit { stop() }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], in folder: URL?, input: String?,
                                    includeErrors: Bool, timeLimit: Duration) throws -> Result {
        let output = try TemporaryFile(contents: nil)
        defer { output.remove() }
        let inputFile = try input.map { try TemporaryFile(contents: $0) }
        defer { inputFile?.remove() }
        let pid = try spawn(executable, arguments, in: folder, input: inputFile?.path ?? "/dev/null",
                            output: output.descriptor, errors: includeErrors ? output.descriptor : nil)
        let deadline = ContinuousClock.now + timeLimit
        while true {
            switch state(of: pid) {
            case .running: break
            case .exited: return finished(pid, output: output)
            case .gone: throw TestHarnessError("lost track of \(executable): it is no longer this process's child")
            }
            if ContinuousClock.now >= deadline {
                _ = killGroupAndReap(pid)
                throw TestHarnessError("\(executable) \(arguments.joined(separator: " ")) was still running after \(timeLimit): killed")
            }
            usleep(20_000)
        }
    }

    /// The result of `pid`, which has exited: whatever it left in its group (a browser's helpers) goes with it.
    private static func finished(_ pid: pid_t, output: TemporaryFile) -> Result {
        let exitStatus = killGroupAndReap(pid)
        let printed = (try? Data(contentsOf: URL(fileURLWithPath: output.path))) ?? Data()
        return Result(status: exitStatus, output: String(decoding: printed, as: UTF8.self))
    }

    /// Where a child of this process is.
    fileprivate enum ChildState { case running, exited, gone }

    /// Whether `pid`, a child of this process, runs or has exited. One that has is left unreaped, so its id, which
    /// is also its process group's, cannot be given to another process yet (ids wrap around at 32,768 on
    /// some machines). `gone` when it is not this process's child to wait for (reaped elsewhere).
    fileprivate static func state(of pid: pid_t) -> ChildState {
        var info = siginfo_t()
        while true {
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
                return info._sifields._sigchld.si_pid == pid ? .exited : .running
            }
            guard errno == EINTR else { return .gone }
        }
    }

    /// Kills what is left in `pid`'s process group, then reaps `pid`: its exit status, or 128 plus the
    /// signal's number when a signal ended it.
    fileprivate static func killGroupAndReap(_ pid: pid_t) -> Int32 {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Starts `executable` in a process group of its own, standard input from `input`, standard output to
    /// `output` and standard error to `errors` (descriptors; `/dev/null` when `nil`).
    private static func spawn(_ executable: String, _ arguments: [String], in folder: URL?, input: String,
                              output: Int32?, errors: Int32?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        for (descriptor, target) in [(output, Int32(1)), (errors, Int32(2))] {
            if let descriptor {
                posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        if let folder {
            guard addChangeOfFolder(&actions, folder.path) else { throw TestHarnessError("cannot run \(executable) in \(folder.path)") }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        if !addClosingOfOtherDescriptors(&actions) { markDescriptorsCloseOnExec() }

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environ)
        guard spawned == 0 else { throw TestHarnessError("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc module does not
    /// import: looked up by name.
    private static func addChangeOfFolder(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Bool {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return false }
        return unsafeBitCast(symbol, to: AddChdir.self)(&actions, path) == 0
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up by name as above: the
    /// command (and whatever it leaves running) inherits none of this process's sockets, pipes and files,
    /// even one another thread opens while it starts (a pipe it inherited would keep that thread waiting).
    private static func addClosingOfOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) -> Bool {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return false }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3) == 0
    }

    /// Without `addclosefrom`: sets close-on-exec on every open descriptor above standard error, so the
    /// command (and whatever it leaves running) inherits none of those open now.
    private static func markDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in entries.compactMap({ Int32($0) }) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}

/// A file under the temporary folder, open for writing until ``remove()``.
private struct TemporaryFile {
    let path: String
    let descriptor: Int32

    init(contents: String?) throws {
        var template = Array((NSTemporaryDirectory() + "/cdt-child-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw TestHarnessError("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        self.descriptor = descriptor
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if let contents {
            let bytes = Array(contents.utf8)
            guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
                remove()
                throw TestHarnessError("cannot write the command's input to \(path)")
            }
        }
    }

    func remove() {
        close(descriptor)
        unlink(path)
    }
}
