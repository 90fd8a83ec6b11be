import CDTDomain
import CDTPostgres
import CDTTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `cdt` binary carries its migrations: copied alone into an empty folder, it migrates a database.
@Suite struct BuiltBinaryTests {
    private func builtBinary() throws -> URL { try BuiltBinary.url() }

    private func run(_ binary: URL, _ arguments: [String], in folder: URL) async throws -> (status: Int32, output: String) {
        try await BuiltBinary.run(arguments, binary: binary, in: folder)
    }

    @Test func aCopiedBinaryMigratesWithoutTheSourceTree() async throws {
        let database = try await TestPostgres.makeDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-binary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("cdt")
        try FileManager.default.copyItem(at: try builtBinary(), to: copy)

        let first = try await run(copy, ["migrate", "--database-url", database.conninfo, "--log-level", "error"], in: folder)
        #expect(first.status == 0)
        #expect(first.output.contains("applied sql/core/0001_extensions.sql"))
        let second = try await run(copy, ["migrate", "--database-url", database.conninfo, "--log-level", "error"], in: folder)
        #expect(second.status == 0)
        #expect(second.output.contains("nothing to apply"))
    }

    /// A second `cdt serve` on a port another server holds stops at once with one line and a non-zero
    /// status, before it starts a cluster, migrates, or delivers anything to modules.
    @Test func aSecondServerOnATakenPortStopsAtOnceWithOneLine() async throws {
        let (holder, port) = try Self.listeningSocket()
        defer { close(holder) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await run(try builtBinary(), ["serve", "--port", "\(port)", "--data-dir", folder.path, "--log-level", "error"], in: folder)
        #expect(result.status != 0)
        #expect(result.output.contains("cannot listen on 127.0.0.1:\(port)"), "\(result.output)")
        #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("postgres").path), "a cluster was made before the port was checked")
    }

    /// A socket listening on a free port of 127.0.0.1, and the port.
    private static func listeningSocket() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard descriptor >= 0, bound else { throw BuiltBinary.Missing(paths: ["could not listen on 127.0.0.1"]) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func badInputIsAOneLineErrorAndANonZeroExit() async throws {
        let folder = FileManager.default.temporaryDirectory
        let result = try await run(try builtBinary(), ["serve", "--port", "eighty"], in: folder)
        #expect(result.status != 0)
        #expect(result.output.contains("eighty"))
        let unreachable = try await run(try builtBinary(), ["migrate", "--database-url", "postgresql://cdt@127.0.0.1:1/cdt?connect_timeout=2"], in: folder)
        #expect(unreachable.status != 0)
        #expect(unreachable.output.contains("no PostgreSQL server answers"))
    }
}

/// `cdt users reset-2fa` through the built binary: resets an account's two-factor sign-in (audited, its
/// sessions ended), and names a login that matches no account in one line with a non-zero exit.
@Suite struct UsersCommandTests {
    @Test func resetTwoFactorTurnsItOffAndRefusesAnUnknownLogin() async throws {
        let fixture = try await WorkFixture.make()
        let db = fixture.database.makeClient()
        do {
            let admin = try await WorkFixture.makeAccount([RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)], db)
            func run(_ arguments: [String]) async throws -> (status: Int32, output: String) { try await BuiltBinary.run(arguments) }
            let reset = try await run(["users", "reset-2fa", admin.name, "--database-url", fixture.database.conninfo, "--log-level", "error"])
            #expect(reset.status == 0, "\(reset.output)")
            let state = try await db.query("SELECT totp_enabled_at IS NULL AND totp_secret IS NULL FROM accounts WHERE username = \(admin.name)").decode(Bool.self)
            #expect(state == [true])
            #expect(try await db.query("SELECT count(*)::int FROM audit_log WHERE action = 'two-factor.reset'").decode(Int.self)[0] == 1)
            let unknown = try await run(["users", "reset-2fa", "nobody-at-all", "--database-url", fixture.database.conninfo, "--log-level", "error"])
            #expect(unknown.status != 0)
            #expect(unknown.output.contains("names no account") && unknown.output.split(separator: "\n").count == 1, "\(unknown.output)")
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }
}
