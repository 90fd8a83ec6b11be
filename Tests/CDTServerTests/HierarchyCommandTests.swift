import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Testing

/// `cdt villages` and `cdt import units --dry-run` through the built binary: changes are events, bad input
/// is one line and a non-zero exit, and a dry run stores nothing.
@Suite struct HierarchyCommandTests {
    private func run(_ arguments: [String]) async throws -> (status: Int32, output: String) { try await BuiltBinary.run(arguments) }

    @Test func villagesChangeAsAuditedEventsAndBadInputIsOneLine() async throws {
        let fixture = try await WorkFixture.make()
        let db = fixture.database.makeClient()
        let url = ["--database-url", fixture.database.conninfo, "--log-level", "error"]
        let added = try await run(["villages", "add", "--commune", "00004", "--code", "9", "--name", "Tổ dân phố 9", "--type", "Tổ dân phố", "--on", "2026-11-01"] + url)
        #expect(added.status == 0, "\(added.output)")
        let id = try #require(added.output.split(separator: "\n").first.map { String($0.dropFirst("village ".count)) })
        let renamed = try await run(["villages", "rename", id, "--name", "Tổ dân phố Hàng Mã", "--type", "Tổ dân phố", "--on", "2026-11-02"] + url)
        #expect(renamed.status == 0, "\(renamed.output)")
        let clash = try await run(["villages", "add", "--commune", "00004", "--code", "9", "--name", "Tổ dân phố khác", "--type", "Tổ dân phố"] + url)
        #expect(clash.status != 0 && clash.output.contains("payload.code") && clash.output.split(separator: "\n").count == 1, "\(clash.output)")
        #expect(try await db.query("SELECT name FROM administrative_units WHERE id = \(id)::uuid").decode(String.self) == ["Tổ dân phố Hàng Mã"])
        #expect(try await db.query("SELECT count(*)::int FROM events WHERE type LIKE 'village.%'").decode(Int.self) == [2])
        #expect(try await db.query("SELECT count(*)::int FROM audit_log WHERE action = 'event.recorded' AND client_address = 'cdt'").decode(Int.self) == [2])
        await db.close()
    }

    @Test func aDryRunStoresNothingAndARefusedImportSaysWhy() async throws {
        let fixture = try await WorkFixture.make()
        let db = fixture.database.makeClient()
        let url = ["--database-url", fixture.database.conninfo, "--log-level", "error"]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Hà Nội's ward 00004 is renamed by a respelling; Hồ Chí Minh City's ward 26734 is gone: its village
        // would be orphaned.
        let tree = folder.appendingPathComponent("tree.csv")
        try """
            code,name,level,parent_code,type
            01,Thành phố Hà Nội,province,,Thành phố Trung ương
            79,Thành phố Hồ Chí Minh,province,,Thành phố Trung ương
            00004,Phường Ba Đình,commune,01,Phường
            """.write(to: tree, atomically: true, encoding: .utf8)
        let dryRun = try await run(["import", "units", tree.path, "--effective", "2026-04-30", "--dry-run"] + url)
        #expect(dryRun.status != 0 && dryRun.output.contains("26734,26734.1,") && dryRun.output.contains("dry run"), "\(dryRun.output)")
        let refused = try await run(["import", "units", tree.path, "--effective", "2026-04-30"] + url)
        #expect(refused.status != 0 && refused.output.contains("refused:"), "\(refused.output)")
        #expect(try await db.query("SELECT count(*)::int FROM administrative_units WHERE valid_until IS NOT NULL").decode(Int.self) == [0])
        #expect(try await db.query("SELECT count(*)::int FROM hierarchy_imports").decode(Int.self) == [0])
        await db.close()
    }
}
