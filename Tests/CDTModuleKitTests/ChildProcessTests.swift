import CDTTesting
import Foundation
import Testing

/// The test kit's commands run on threads of their own, end within their time limit, and take what
/// they left running with them.
@Suite struct ChildProcessTests {
    @Test func aCommandsOutputInputFolderAndStatusComeBack() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = "pwd; cat; echo 'lỗi' >&2; exit 3"
        let quiet = try await ChildProcess.run("/bin/sh", ["-c", script], in: folder, input: "Tổ dân phố 9\n")
        #expect(quiet.status == 3)
        #expect(quiet.output == folder.path + "\nTổ dân phố 9\n")
        let withErrors = try await ChildProcess.run("/bin/sh", ["-c", script], in: folder, input: "", includeErrors: true)
        #expect(withErrors.output == folder.path + "\nlỗi\n")
    }

    /// A command inherits standard input, output and error and nothing else of the test process (its
    /// sockets and pipes, or a pipe another thread was waiting on would wait for the command too).
    @Test func aCommandInheritsOnlyTheStandardThree() async throws {
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        defer { pipeEnds.forEach { close($0) } }
        let result = try await ChildProcess.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(result.output == "0\n1\n2\n", "the command had more open than its standard three: \(result.output)")
    }

    /// Twice as many commands as the cooperative pool has threads wait together, each until a task on
    /// that pool lets it go: waiting in the test's task would block every thread and never end.
    @Test func waitingLeavesTheCooperativePoolFree() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let count = 2 * ProcessInfo.processInfo.activeProcessorCount + 2
        let results = try await withThrowingTaskGroup(of: ChildProcess.Result?.self) { group in
            for index in 0..<count {
                group.addTask {
                    let signal = folder.appendingPathComponent("go-\(index)").path
                    return try await ChildProcess.run("/bin/sh", ["-c", "while [ ! -e '\(signal)' ]; do sleep 0.02; done; echo \(index)"],
                                                      timeLimit: .seconds(60))
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(100))
                for index in 0..<count {
                    FileManager.default.createFile(atPath: folder.appendingPathComponent("go-\(index)").path, contents: nil)
                }
                return nil
            }
            return try await group.reduce(into: [ChildProcess.Result]()) { if let result = $1 { $0.append(result) } }
        }
        #expect(results.filter { $0.status == 0 }.count == count)
    }

    @Test func aCommandStillRunningAtItsTimeLimitIsKilledWithWhatItStarted() async throws {
        let marker = "cdt-child-\(UUID().uuidString)"
        let startedFile = FileManager.default.temporaryDirectory.appendingPathComponent(marker).path
        defer { try? FileManager.default.removeItem(atPath: startedFile) }
        let started = ContinuousClock.now
        await #expect(throws: TestHarnessError.self) {
            try await ChildProcess.run("/bin/sh", ["-c", "sh -c 'touch \(startedFile); sleep 300; : \(marker)' & sleep 301"], timeLimit: .seconds(1))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(FileManager.default.fileExists(atPath: startedFile), "what the command started never ran")
        #expect(try await eventually { !Self.isRunning(containing: marker) })
    }

    @Test func whatAFinishedCommandLeftRunningGoesWithIt() async throws {
        let marker = "cdt-child-\(UUID().uuidString)"
        let script = "sh -c 'sleep 300; : \(marker)' & sleep 0.2; grep -q -l '[c]\(marker.dropFirst())' /proc/[0-9]*/cmdline && echo started"
        let result = try await ChildProcess.run("/bin/sh", ["-c", script])
        #expect(result.output == "started\n", "what the command started was not running when it ended")
        #expect(try await eventually { !Self.isRunning(containing: marker) })
    }

    /// A driver left running stops with what it started (a browser): a failing test's session never
    /// leaves them behind.
    @Test func aCommandLeftRunningStopsWithWhatItStarted() async throws {
        let marker = "cdt-child-\(UUID().uuidString)"
        let running = try ChildProcess.start("/bin/sh", ["-c", "sh -c 'sleep 300; : \(marker)' & sleep 301"])
        #expect(running.isRunning)
        #expect(try await eventually { Self.isRunning(containing: marker) }, "what the command started never ran")
        running.stop()
        #expect(!running.isRunning)
        #expect(try await eventually { !Self.isRunning(containing: marker) })
    }

    /// Whether a process's command line contains `text`.
    private static func isRunning(containing text: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard Int(entry) != nil, let line = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            return String(decoding: line.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }
}
