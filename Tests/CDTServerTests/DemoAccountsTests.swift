import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `cdt demo-accounts` through the built binary, over a small demo: three accounts that find themselves on
/// the demo's team, and a second run that only resets their passwords.
@Suite struct DemoAccountsTests {
    @Test func demoAccountsAreAMemberATeamLeaderAndACommuneOfficerOfOneDemoVillage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-demo-accounts-\(UUID().uuidString)")
        try DemoTests.writeUnitFiles(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.makeDatabase()
        let db = database.makeClient(), served = database.makeApplicationClient()
        do {
            try await MigrationRunner(client: db, migrations: CoreMigrations.all).apply()
            _ = try await DemoLoader(store: PostgresHierarchyStore(client: db), dataFolder: folder, seed: 1).load { _ in }
            let arguments = ["demo-accounts", "--province", "01", "--database-url", database.conninfo, "--log-level", "error"]

            let first = try await BuiltBinary.run(arguments, input: "mật khẩu thử nghiệm 1\n")
            #expect(first.status == 0, "\(first.output)")
            for login in ["thanhvien", "totruong", "canbo"] { #expect(first.output.contains(login), "\(first.output)") }
            let accounts = try await db.query("SELECT id, username FROM accounts ORDER BY username").decode((UUID, String).self)
            #expect(accounts.map(\.1) == ["canbo", "thanhvien", "totruong"])

            let app = buildApplication(configuration: ServerConfiguration(port: 0), dependencies: AppDependencies(database: served), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let anonymous = APIClient(client: client, token: nil)
                func me(_ login: String, _ password: String) async throws -> [String: Any] {
                    let token = try await anonymous.signIn(WorkFixture.Login(name: login, password: password, totpSecret: nil))
                    return try await anonymous.withToken(token).get("/api/v1/auth/me").json
                }
                let member = try await me("thanhvien", "mật khẩu thử nghiệm 1")
                let leader = try await me("totruong", "mật khẩu thử nghiệm 1")
                let officer = try await me("canbo", "mật khẩu thử nghiệm 1")
                let memberOn = member["members"] as? [[String: Any]] ?? [], leaderOn = leader["members"] as? [[String: Any]] ?? []
                #expect(memberOn.map { $0["role"] as? String } == ["member"], "\(member)")
                #expect(leaderOn.map { $0["role"] as? String } == ["head"], "\(leader)")
                // The same team, in the village both accounts hold their role at; its name is printed.
                let village = memberOn.first?["unitId"] as? String
                #expect(village != nil && leaderOn.first?["unitId"] as? String == village)
                #expect(memberOn.first?["teamId"] as? String == leaderOn.first?["teamId"] as? String)
                #expect(first.output.contains(memberOn.first?["teamName"] as? String ?? "?"), "\(first.output)")
                func roles(_ account: [String: Any]) -> [String] {
                    (account["roles"] as? [[String: Any]] ?? []).map { "\($0["role"] as? String ?? "")@\($0["unitId"] as? String ?? "")" }
                }
                #expect(roles(member) == ["member@\(village ?? "")"])
                #expect(roles(leader) == ["teamLeader@\(village ?? "")"])
                #expect(roles(officer).first?.hasPrefix("communeOfficer@") == true)
                #expect((officer["members"] as? [Any])?.isEmpty == true)
                let households = try await anonymous.withToken(try await anonymous.signIn(WorkFixture.Login(name: "thanhvien", password: "mật khẩu thử nghiệm 1", totpSecret: nil)))
                    .get("/api/v1/households?under=\(village ?? "")")
                #expect(!households.items.isEmpty, "\(households.text)")

                // Again: the passwords change, nothing else does.
                let second = try await BuiltBinary.run(arguments, input: "mật khẩu thử nghiệm 2\n")
                #expect(second.status == 0, "\(second.output)")
                #expect(second.output == first.output)
                #expect(try await db.query("SELECT id, username FROM accounts ORDER BY username").decode((UUID, String).self).map(\.0) == accounts.map(\.0))
                let old = try await anonymous.post("/api/v1/auth/login", signInBody("thanhvien", "mật khẩu thử nghiệm 1"))
                #expect(old.status == .unauthorized)
                let again = try await me("thanhvien", "mật khẩu thử nghiệm 2")
                #expect(roles(again) == roles(member))
            }
            // Without a password on standard input, nothing is made.
            let empty = try await BuiltBinary.run(arguments, input: "")
            #expect(empty.status != 0)
        } catch {
            await db.close()
            await served.close()
            throw error
        }
        await db.close()
        await served.close()
    }
}
