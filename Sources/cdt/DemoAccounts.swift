import ArgumentParser
import CDTDomain
import CDTPostgres
import CDTServer
import Foundation

/// `cdt demo-accounts`: three accounts to try the field app with, in one demo village.
struct DemoAccounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-accounts",
        abstract: "Make (or reset the passwords of) three demo field accounts: a member, a team leader and a commune officer.",
        discussion: """
            Run it after `cdt demo`. It picks the first village (in Vietnamese order of commune, then village) \
            of the province whose code is --province (Lạng Sơn, 20, by default) that has an active team with a \
            head and a member, and households; then makes `thanhvien` (role member at the village, with the \
            phone of a member of the team, so the app finds them on it), `totruong` (teamLeader at the village, \
            with the phone of the team's head) and `canbo` (communeOfficer at the commune). The one password, \
            for all three, is read from standard input. Running it again only resets the three passwords.
            Example: printf '%s\\n' "$PASSWORD" | cdt demo-accounts
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The code of the province to pick the village in.") var province: String = "20"

    func run() async throws {
        let password = try readPassword()
        try await withDatabase(database) { client, _ in
            guard let place = try await DemoFieldPlace.find(provinceCode: province, on: CalendarDate(Date()), client) else {
                throw CommandError("no village of province \(province) has an active team with a head, a member and households; run cdt demo first")
            }
            let administration = AccountAdministration(client: client)
            for login in place.logins {
                let exists = try await client.query("SELECT 1 FROM accounts WHERE username = \(login.username)").decode(Int.self).isEmpty == false
                do {
                    if exists {
                        try await administration.resetPassword(login: login.username, password: password)
                    } else {
                        _ = try await administration.createAccount(username: login.username, phone: login.phone, displayName: login.displayName,
                                                                   password: password, roles: [login.role])
                    }
                } catch let failure as ValidationFailure {
                    throw CommandError("\(login.username): \(failure.description)")
                }
            }
            print(place.summary)
        }
    }
}

/// The demo village the field accounts work in: its commune, its team, the team's head and one member.
struct DemoFieldPlace {
    var villageID: ID<AdministrativeUnit>, villageName: String
    var communeID: ID<AdministrativeUnit>, communeName: String
    var teamName: String
    var head: (name: String, phone: String)
    var member: (name: String, phone: String)

    /// One account to make.
    struct Login {
        var username: String, phone: String?, displayName: String, role: RoleAssignment, note: String
    }

    var logins: [Login] {
        [Login(username: "thanhvien", phone: member.phone, displayName: member.name, role: RoleAssignment(role: .member, unitID: villageID),
               note: "member at \(villageName), \(member.name) on the team"),
         Login(username: "totruong", phone: head.phone, displayName: head.name, role: RoleAssignment(role: .teamLeader, unitID: villageID),
               note: "teamLeader at \(villageName), \(head.name), the team's head"),
         Login(username: "canbo", phone: nil, displayName: "Cán bộ \(communeName)", role: RoleAssignment(role: .communeOfficer, unitID: communeID),
               note: "communeOfficer at \(communeName)")]
    }

    var summary: String {
        (["demo field accounts in \(villageName), \(communeName); team \(teamName):"]
            + logins.map { "  \($0.username.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.note)" }
            + ["sign in with the login and the password given; open /app/"]).joined(separator: "\n")
    }

    /// The first village (commune, then village, in Vietnamese order) of the province in force on `day`
    /// with an active village-level team that has a head, a member of role `member` (each with their own
    /// phone) and households.
    static func find(provinceCode: String, on day: CalendarDate, _ client: PostgresClient) async throws -> DemoFieldPlace? {
        let rows = try await client.query("""
            SELECT v.id, v.name, c.id, c.name, t.name, head.name, head.phone, mem.name, mem.phone
            FROM administrative_units p
            JOIN administrative_units v ON v.province_id = p.id AND v.level = 'village'
                 AND v.valid_from <= \(day) AND (v.valid_until IS NULL OR v.valid_until > \(day))
            JOIN administrative_units c ON c.id = v.parent_id
            JOIN teams t ON t.unit_id = v.id AND t.level = 'village' AND t.established_on <= \(day) AND t.ended_on IS NULL
            JOIN LATERAL (
                SELECT m.name, m.phone FROM memberships s JOIN members m ON m.id = s.member_id
                WHERE s.team_id = t.id AND s.role = 'head' AND s.joined_on <= \(day) AND (s.left_on IS NULL OR s.left_on > \(day))
                  AND m.erased_at IS NULL
                ORDER BY m.sort_key, m.id LIMIT 1) head ON true
            JOIN LATERAL (
                SELECT m.name, m.phone FROM memberships s JOIN members m ON m.id = s.member_id
                WHERE s.team_id = t.id AND s.role = 'member' AND s.joined_on <= \(day) AND (s.left_on IS NULL OR s.left_on > \(day))
                  AND m.erased_at IS NULL AND m.phone <> head.phone
                ORDER BY m.sort_key, m.id LIMIT 1) mem ON true
            WHERE p.level = 'province' AND p.code = \(provinceCode) AND p.valid_from <= \(day) AND (p.valid_until IS NULL OR p.valid_until > \(day))
              AND EXISTS (SELECT 1 FROM households h WHERE h.unit_id = v.id)
            ORDER BY c.sort_key, v.sort_key, v.id
            LIMIT 1
            """).decode((ID<AdministrativeUnit>, String, ID<AdministrativeUnit>, String, String, String, String, String, String).self)
        return rows.first.map {
            DemoFieldPlace(villageID: $0.0, villageName: $0.1, communeID: $0.2, communeName: $0.3, teamName: $0.4,
                           head: ($0.5, $0.6), member: ($0.7, $0.8))
        }
    }
}
