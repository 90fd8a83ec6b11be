import CDTServer
import Foundation

/// The server under test: this same `cdt` binary running `serve` as a child process on the benchmark's
/// database, so the load comes from another process over loopback and its memory is measured apart.
final class BenchServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// The key the server seals two-factor secrets with (given to it as `CDT_SECRET_KEY`).
    let secrets: TwoFactorSecrets
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `cdt serve` connected to `conninfo` (as the owner) and `applicationConninfo` (as the
    /// application role), with its log in `logFile` at `logLevel` (a deployment's default, `info`, unless
    /// told otherwise: the request log is part of what a request costs).
    init(conninfo: String, applicationConninfo: String?, port: Int, logFile: String, logLevel: String = "info") throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = Bundle.main.executableURL
        }
        process.arguments = ["serve", "--database-url", conninfo, "--port", String(port), "--log-level", logLevel]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_APP_URL"] = applicationConninfo
        let key = TwoFactorSecrets.makeKeyText()
        environment["CDT_SECRET_KEY"] = key
        secrets = TwoFactorSecrets(base64Key: key)!
        process.environment = environment
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Waits until `/readyz` answers 200, or throws after `timeout`.
    func waitUntilReady(_ http: BenchHTTP, timeout: Duration = .seconds(120)) async throws {
        let started = ContinuousClock.now
        while !(await http.isUp("/readyz")) {
            guard process.isRunning else { throw CommandError("the server exited (status \(process.terminationStatus)); see its log") }
            guard ContinuousClock.now - started < timeout else { throw CommandError("the server was not ready within \(timeout)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The most resident memory the server has used so far, in MiB (Linux's VmHWM).
    func peakResidentMemoryMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes / 1024
    }

    /// Stops the server (SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A free TCP port on loopback.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw CommandError("cannot open a socket to find a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw CommandError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
