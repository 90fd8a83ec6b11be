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

/// Every route × every role, in scope (province A, village A1) and out of scope (province B): the exact
/// status, and no province-B id in any answer of a caller confined to province A. A route missing from
/// the matrix fails ``everyRouteIsInTheMatrix()``. Inside a province, what an event may name (members, teams,
/// households, attendees, merged teams, its author) is the matrix of ``NamedObjectMatrixTests``.
@Suite struct AccessMatrixTests {
    enum Who: String, CaseIterable, Sendable {
        case anonymous, nationalAdministrator, nationalViewer, provinceAdministrator, communeOfficer, teamLeader, member, auditor, enterprisePartner
    }

    /// Province B's ids: none may appear in an answer to a caller confined to province A.
    struct World: Sendable {
        let fixture: WorkFixture
        let teamA: ID<Team>, teamB: ID<Team>, memberA: ID<Member>, memberB: ID<Member>
        let householdA: ID<Household>, householdB: ID<Household>, eventA: ID<DomainEvent>, eventB: ID<DomainEvent>
        let trainingA: ID<Training>, trainingB: ID<Training>, campaignA: ID<Campaign>, campaignB: ID<Campaign>
        let accountA: ID<Account>, accountB: ID<Account>
        var provinceBIDs: [String] {
            [teamB.description, memberB.description, householdB.description, eventB.description, trainingB.description,
             campaignB.description, accountB.description]
        }
    }

    /// One request: its path and body, `nil` body for GET.
    struct Call: Sendable { let uri: String; let body: String? }

    /// A route of the matrix: how to call it in and out of scope, and the status each caller gets.
    struct Row: Sendable {
        let method: String
        let path: String
        let inScope: @Sendable (World) -> Call
        let outOfScope: (@Sendable (World) -> Call)?
        let expected: [Who: (inScope: Int, outOfScope: Int?)]
    }

    static let viewers: [Who] = [.nationalAdministrator, .nationalViewer, .provinceAdministrator, .communeOfficer, .teamLeader, .member, .auditor]
    static let national: Set<Who> = [.nationalAdministrator, .nationalViewer]

    /// A read route: 200 for whoever views there, 404 outside their view (200 for national roles), 403 without view rights.
    static func read(_ path: String, in inScope: @escaping @Sendable (World) -> String, out: (@Sendable (World) -> String)?, outside: Int = 404) -> Row {
        var expected: [Who: (Int, Int?)] = [.anonymous: (401, 401), .enterprisePartner: (403, 403)]
        for who in viewers {
            let outsideStatus: Int? = out == nil ? nil : (national.contains(who) ? 200 : outside)
            expected[who] = (200, outsideStatus)
        }
        let inCall: @Sendable (World) -> Call = { world in Call(uri: inScope(world), body: nil) }
        var outCall: (@Sendable (World) -> Call)? = nil
        if let out { outCall = { world in Call(uri: out(world), body: nil) } }
        return Row(method: "GET", path: path, inScope: inCall, outOfScope: outCall, expected: expected)
    }

    static let make = EventFactory()

    static func event(_ world: World, in unit: ID<AdministrativeUnit>) -> String {
        EventJSON.text(make.register(ID(), in: unit, on: EventFactory.recently))
    }

    static let rows: [Row] = [
        // Public
        Row(method: "GET", path: "/healthz", inScope: { _ in Call(uri: "/healthz", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/readyz", inScope: { _ in Call(uri: "/readyz", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/openapi.json", inScope: { _ in Call(uri: "/openapi.json", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/metrics", inScope: { _ in Call(uri: "/metrics", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        // The field app's files hold no data: anyone may load them (the app then signs in).
        Row(method: "GET", path: "/app", inScope: { _ in Call(uri: "/app/", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/app/{file}", inScope: { _ in Call(uri: "/app/app.js", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        // Module administration (this app has no modules installed, so a module id names nothing: 404 for
        // administrators once past the access rule; enablement by province is tested in CDTModuleKitTests)
        read("/api/v1/modules", in: { _ in "/api/v1/modules" }, out: nil),
        Row(method: "POST", path: "/api/v1/modules/{id}/provinces/{provinceId}",
            inScope: { w in Call(uri: "/api/v1/modules/good-practices/provinces/\(w.fixture.provinceA)", body: #"{"enabled": true}"#) },
            outOfScope: { w in Call(uri: "/api/v1/modules/good-practices/provinces/\(w.fixture.provinceB)", body: #"{"enabled": true}"#) },
            expected: manage(404, outside: 404)),
        Row(method: "GET", path: "/api/v1/modules/{id}/status",
            inScope: { _ in Call(uri: "/api/v1/modules/good-practices/status", body: nil) }, outOfScope: nil,
            expected: manage(404)),
        Row(method: "GET", path: "/api/v1/units", inScope: { w in Call(uri: "/api/v1/units?under=\(w.fixture.provinceA)", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/api/v1/units/{id}", inScope: { w in Call(uri: "/api/v1/units/\(w.fixture.villageA1)", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/api/v1/units/{id}/successors", inScope: { w in Call(uri: "/api/v1/units/\(w.fixture.villageA1)/successors", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        Row(method: "GET", path: "/api/v1/units/{id}/predecessors", inScope: { w in Call(uri: "/api/v1/units/\(w.fixture.villageA1)/predecessors", body: nil) }, outOfScope: nil,
            expected: everyone(200)),
        // Work: lists are filtered (out of scope: the other province's subtree answers an empty list)
        read("/api/v1/teams", in: { _ in "/api/v1/teams" }, out: { w in "/api/v1/teams?under=\(w.fixture.provinceB)" }, outside: 200),
        read("/api/v1/members", in: { _ in "/api/v1/members" }, out: { w in "/api/v1/members?under=\(w.fixture.provinceB)" }, outside: 200),
        read("/api/v1/households", in: { _ in "/api/v1/households" }, out: { w in "/api/v1/households?under=\(w.fixture.provinceB)" }, outside: 200),
        read("/api/v1/campaigns", in: { _ in "/api/v1/campaigns" }, out: { w in "/api/v1/campaigns?under=\(w.fixture.provinceB)" }, outside: 200),
        read("/api/v1/trainings", in: { _ in "/api/v1/trainings" }, out: { w in "/api/v1/trainings?under=\(w.fixture.provinceB)" }, outside: 200),
        read("/api/v1/events", in: { _ in "/api/v1/events" }, out: { w in "/api/v1/events?under=\(w.fixture.provinceB)" }, outside: 200),
        // Work: objects outside the view do not exist
        read("/api/v1/teams/{id}", in: { w in "/api/v1/teams/\(w.teamA)" }, out: { w in "/api/v1/teams/\(w.teamB)" }),
        read("/api/v1/teams/{id}/memberships", in: { w in "/api/v1/teams/\(w.teamA)/memberships" }, out: { w in "/api/v1/teams/\(w.teamB)/memberships" }),
        read("/api/v1/members/{id}", in: { w in "/api/v1/members/\(w.memberA)" }, out: { w in "/api/v1/members/\(w.memberB)" }),
        read("/api/v1/members/{id}/memberships", in: { w in "/api/v1/members/\(w.memberA)/memberships" }, out: { w in "/api/v1/members/\(w.memberB)/memberships" }),
        read("/api/v1/members/{id}/progress", in: { w in "/api/v1/members/\(w.memberA)/progress" }, out: { w in "/api/v1/members/\(w.memberB)/progress" }),
        read("/api/v1/households/{id}", in: { w in "/api/v1/households/\(w.householdA)" }, out: { w in "/api/v1/households/\(w.householdB)" }),
        read("/api/v1/campaigns/{id}", in: { w in "/api/v1/campaigns/\(w.campaignA)" }, out: { w in "/api/v1/campaigns/\(w.campaignB)" }),
        read("/api/v1/trainings/{id}", in: { w in "/api/v1/trainings/\(w.trainingA)" }, out: { w in "/api/v1/trainings/\(w.trainingB)" }),
        read("/api/v1/events/{id}", in: { w in "/api/v1/events/\(w.eventA)" }, out: { w in "/api/v1/events/\(w.eventB)" }),
        // Work: recording
        Row(method: "POST", path: "/api/v1/events",
            inScope: { w in Call(uri: "/api/v1/events", body: event(w, in: w.fixture.villageA1)) },
            outOfScope: { w in Call(uri: "/api/v1/events", body: event(w, in: w.fixture.villageB1)) },
            expected: [.anonymous: (401, 401), .nationalAdministrator: (201, 201), .nationalViewer: (403, 403), .provinceAdministrator: (201, 403),
                       .communeOfficer: (201, 403), .teamLeader: (201, 403), .member: (201, 403), .auditor: (403, 403), .enterprisePartner: (403, 403)]),
        Row(method: "POST", path: "/api/v1/events/batch",
            inScope: { w in Call(uri: "/api/v1/events/batch", body: #"{"events": ["# + event(w, in: w.fixture.villageA1) + "]}") },
            outOfScope: { w in Call(uri: "/api/v1/events/batch", body: #"{"events": ["# + event(w, in: w.fixture.villageB1) + "]}") },
            expected: [.anonymous: (401, 401), .nationalAdministrator: (200, 200), .nationalViewer: (403, 403), .provinceAdministrator: (200, 200),
                       .communeOfficer: (200, 200), .teamLeader: (200, 200), .member: (200, 200), .auditor: (403, 403), .enterprisePartner: (403, 403)]),
        // Accounts and audit
        Row(method: "GET", path: "/api/v1/accounts", inScope: { _ in Call(uri: "/api/v1/accounts", body: nil) }, outOfScope: nil,
            expected: manage(200)),
        Row(method: "POST", path: "/api/v1/accounts",
            inScope: { w in Call(uri: "/api/v1/accounts", body: newAccount(w.fixture.communeA)) },
            outOfScope: { w in Call(uri: "/api/v1/accounts", body: newAccount(w.fixture.communeB)) },
            expected: manage(201, outside: 403)),
        Row(method: "POST", path: "/api/v1/accounts/{id}/roles",
            inScope: { w in Call(uri: "/api/v1/accounts/\(w.accountA)/roles", body: #"{"role": "auditor", "unitId": ""# + w.fixture.communeA.description + #""}"#) },
            outOfScope: { w in Call(uri: "/api/v1/accounts/\(w.accountB)/roles", body: #"{"role": "auditor", "unitId": ""# + w.fixture.communeB.description + #""}"#) },
            expected: manage(204, outside: 404)),
        // Removing a role the account does not hold: 422 where the caller manages it, 404 where it is not seen.
        Row(method: "POST", path: "/api/v1/accounts/{id}/roles/remove",
            inScope: { w in Call(uri: "/api/v1/accounts/\(w.accountA)/roles/remove", body: #"{"role": "teamLeader", "unitId": ""# + w.fixture.villageA1.description + #""}"#) },
            outOfScope: { w in Call(uri: "/api/v1/accounts/\(w.accountB)/roles/remove", body: #"{"role": "teamLeader", "unitId": ""# + w.fixture.villageB1.description + #""}"#) },
            expected: manage(422, outside: 404)),
        Row(method: "POST", path: "/api/v1/accounts/{id}/two-factor/reset",
            inScope: { w in Call(uri: "/api/v1/accounts/\(w.accountA)/two-factor/reset", body: "") },
            outOfScope: { w in Call(uri: "/api/v1/accounts/\(w.accountB)/two-factor/reset", body: "") },
            expected: manage(204, outside: 404)),
        Row(method: "POST", path: "/api/v1/accounts/{id}/module-roles",
            inScope: { w in Call(uri: "/api/v1/accounts/\(w.accountA)/module-roles", body: #"{"role": "good-practices.curator", "unitId": ""# + w.fixture.communeA.description + #""}"#) },
            outOfScope: { w in Call(uri: "/api/v1/accounts/\(w.accountB)/module-roles", body: #"{"role": "good-practices.curator", "unitId": ""# + w.fixture.communeB.description + #""}"#) },
            expected: manage(422, outside: 404)),
        Row(method: "POST", path: "/api/v1/accounts/{id}/disable",
            inScope: { w in Call(uri: "/api/v1/accounts/\(w.accountA)/disable", body: "") },
            outOfScope: { w in Call(uri: "/api/v1/accounts/\(w.accountB)/disable", body: "") },
            expected: manage(204, outside: 404)),
        Row(method: "GET", path: "/api/v1/audit", inScope: { _ in Call(uri: "/api/v1/audit?limit=500", body: nil) }, outOfScope: nil,
            expected: [.anonymous: (401, nil), .nationalAdministrator: (200, nil), .nationalViewer: (403, nil), .provinceAdministrator: (200, nil),
                       .communeOfficer: (403, nil), .teamLeader: (403, nil), .member: (403, nil), .auditor: (200, nil), .enterprisePartner: (403, nil)]),
        // Personal data requests
        Row(method: "GET", path: "/api/v1/members/{id}/export",
            inScope: { w in Call(uri: "/api/v1/members/\(w.memberA)/export", body: nil) },
            outOfScope: { w in Call(uri: "/api/v1/members/\(w.memberB)/export", body: nil) },
            expected: manage(200, outside: 404)),
        Row(method: "POST", path: "/api/v1/members/{id}/erase",
            inScope: { w in Call(uri: "/api/v1/members/\(w.memberA)/erase", body: "") },
            outOfScope: { w in Call(uri: "/api/v1/members/\(w.memberB)/erase", body: "") },
            expected: manage(204, outside: 404)),
        // Signing in and out (any signed-in caller; set-up and password change with a wrong password are 422)
        Row(method: "POST", path: "/api/v1/auth/login",
            inScope: { _ in Call(uri: "/api/v1/auth/login", body: #"{"login": "nobody-"# + UUID().uuidString.prefix(8).lowercased() + #"", "password": "wrong password"}"#) },
            outOfScope: nil, expected: everyone(401)),
        // The browser form: open to all; empty fields show the form again with 400 (wrong credentials get
        // login's 401, counted by the throttle like the row above: the dashboard's browser test signs in).
        Row(method: "GET", path: "/api/v1/auth/signin", inScope: { _ in Call(uri: "/api/v1/auth/signin?next=/api/v1/auth/me", body: nil) },
            outOfScope: nil, expected: everyone(200)),
        Row(method: "POST", path: "/api/v1/auth/signin", inScope: { _ in Call(uri: "/api/v1/auth/signin", body: "login=&password=") },
            outOfScope: nil, expected: everyone(400)),
        Row(method: "GET", path: "/api/v1/auth/me", inScope: { _ in Call(uri: "/api/v1/auth/me", body: nil) }, outOfScope: nil, expected: signedIn(200)),
        Row(method: "POST", path: "/api/v1/auth/two-factor/confirm", inScope: { _ in Call(uri: "/api/v1/auth/two-factor/confirm", body: #"{"code": "000000"}"#) },
            outOfScope: nil, expected: signedIn(409)),
        Row(method: "POST", path: "/api/v1/auth/two-factor", inScope: { _ in Call(uri: "/api/v1/auth/two-factor", body: #"{"password": "not the password"}"#) },
            outOfScope: nil, expected: signedIn(422)),
        Row(method: "POST", path: "/api/v1/auth/password",
            inScope: { _ in Call(uri: "/api/v1/auth/password", body: #"{"currentPassword": "not the password", "newPassword": "a new password, long enough"}"#) },
            outOfScope: nil, expected: signedIn(422)),
        Row(method: "POST", path: "/api/v1/auth/logout-everywhere", inScope: { _ in Call(uri: "/api/v1/auth/logout-everywhere", body: "") }, outOfScope: nil, expected: signedIn(204)),
        Row(method: "POST", path: "/api/v1/auth/logout", inScope: { _ in Call(uri: "/api/v1/auth/logout", body: "") }, outOfScope: nil, expected: signedIn(204)),
    ]

    static func manage(_ status: Int, outside: Int? = nil) -> [Who: (Int, Int?)] {
        var expected: [Who: (Int, Int?)] = [.anonymous: (401, outside == nil ? nil : 401)]
        for who in Who.allCases where who != .anonymous { expected[who] = (403, outside == nil ? nil : 403) }
        expected[.nationalAdministrator] = (status, outside == nil ? nil : status)
        expected[.provinceAdministrator] = (status, outside)
        return expected
    }

    /// The same status for every caller, signed in or not.
    static func everyone(_ status: Int) -> [Who: (Int, Int?)] {
        Dictionary(uniqueKeysWithValues: Who.allCases.map { ($0, (status, Int?.none)) })
    }

    static func signedIn(_ status: Int) -> [Who: (Int, Int?)] {
        var expected = everyone(status)
        expected[.anonymous] = (401, nil)
        return expected
    }

    static func newAccount(_ commune: ID<AdministrativeUnit>) -> String {
        #"{"username": "cb-"# + UUID().uuidString.prefix(8).lowercased() + #"", "displayName": "Cán bộ", "password": "một mật khẩu đủ dài", "roles": [{"role": "communeOfficer", "unitId": ""# + commune.description + #""}]}"#
    }

    static func roles(of who: Who, _ fixture: WorkFixture) -> [RoleAssignment] {
        switch who {
        case .anonymous: []
        case .nationalAdministrator: [RoleAssignment(role: .nationalAdministrator, unitID: nil)]
        case .nationalViewer: [RoleAssignment(role: .nationalViewer, unitID: nil)]
        case .provinceAdministrator: [RoleAssignment(role: .provinceAdministrator, unitID: fixture.provinceA)]
        case .communeOfficer: [RoleAssignment(role: .communeOfficer, unitID: fixture.communeA)]
        case .teamLeader: [RoleAssignment(role: .teamLeader, unitID: fixture.villageA1)]
        case .member: [RoleAssignment(role: .member, unitID: fixture.villageA1)]
        case .auditor: [RoleAssignment(role: .auditor, unitID: fixture.provinceA)]
        case .enterprisePartner: [RoleAssignment(role: .enterprisePartner, unitID: fixture.provinceA)]
        }
    }

    @Test func everyRouteIsInTheMatrix() async throws {
        let client = PostgresClient(configuration: .init(conninfo: "postgresql://127.0.0.1:1/never", maximumConnections: 1, leaseTimeout: .seconds(1), connectTimeoutSeconds: 1))
        let router = buildRouter(dependencies: AppDependencies(database: client), logger: Logger(label: "test"))
        let served = Set(router.routes.map { "\($0.method.rawValue.uppercased()) \(OpenAPITests.normalized($0.path.description))" })
        let matrix = Set(Self.rows.map { "\($0.method) \($0.path)" })
        #expect(served.subtracting(matrix).isEmpty, "routes missing from the access matrix: \(served.subtracting(matrix).sorted())")
        #expect(matrix.subtracting(served).isEmpty, "matrix rows for routes that do not exist: \(matrix.subtracting(served).sorted())")
        #expect(Self.rows.allSatisfy { row in Who.allCases.allSatisfy { row.expected[$0] != nil } })
        await client.close()
    }

    @Test func everyRoleGetsExactlyItsStatusAndNothingOfTheOtherProvince() async throws {
        let fixture = try await WorkFixture.make()
        let world = try await Self.seed(fixture)
        let owner = fixture.database.makeClient()
        let served = fixture.database.makeApplicationClient()
        var logins: [Who: WorkFixture.Login] = [:]
        for who in Who.allCases where who != .anonymous { logins[who] = try await WorkFixture.makeAccount(Self.roles(of: who, fixture), owner) }
        let app = buildApplication(configuration: ServerConfiguration(port: 0),
                                   dependencies: AppDependencies(database: served, today: { CalendarDate(WorkFixture.now) }, now: { WorkFixture.now }),
                                   logger: Logger(label: "test"))
        let allLogins = logins
        do {
            try await app.test(.router) { http in
                let anonymous = APIClient(client: http, token: nil)
                var sessions: [Who: APIClient] = [.anonymous: anonymous]
                for who in Who.allCases where who != .anonymous {
                    sessions[who] = APIClient(client: http, token: try await anonymous.signIn(allLogins[who]!), accountID: allLogins[who]!.accountID)
                }
                for row in Self.rows {
                    for who in Who.allCases {
                        // Signing out ends the session: those rows get a fresh one.
                        let client = who == .anonymous || !row.path.contains("logout")
                            ? sessions[who]! : anonymous.withToken(try await anonymous.signIn(allLogins[who]!))
                        let expected = row.expected[who]!
                        for (call, status) in [(row.inScope(world), expected.inScope)] + (row.outOfScope.flatMap { out in expected.outOfScope.map { (out(world), $0) } }.map { [$0] } ?? []) {
                            let answer = call.body == nil ? try await client.get(call.uri) : try await client.post(call.uri, call.body!)
                            #expect(Int(answer.status.code) == status, "\(who) \(row.method) \(call.uri): \(answer.status.code), expected \(status): \(answer.text.prefix(200))")
                            if !Self.national.contains(who), row.method == "GET" {
                                for id in world.provinceBIDs where !call.uri.contains(id) { #expect(!answer.text.contains(id), "\(who) \(call.uri) shows a province-B id") }
                            }
                        }
                    }
                }
            }
        } catch {
            await owner.close(); await served.close()
            throw error
        }
        await owner.close(); await served.close()
    }

    /// Work in both provinces, and an account with a role in each.
    static func seed(_ fixture: WorkFixture) async throws -> World {
        let owner = fixture.database.makeClient()
        let (teamA, teamB, memberA, memberB) = (ID<Team>(), ID<Team>(), ID<Member>(), ID<Member>())
        let (householdA, householdB) = (ID<Household>(), ID<Household>())
        let (trainingA, trainingB, campaignA, campaignB) = (ID<Training>(), ID<Training>(), ID<Campaign>(), ID<Campaign>())
        let establishA = make.establish(teamA, in: fixture.villageA1, issuer: fixture.communeA)
        let establishB = make.establish(teamB, in: fixture.villageB1, issuer: fixture.communeB)
        func training(_ id: ID<Training>, _ unit: ID<AdministrativeUnit>, _ member: ID<Member>) -> DomainEvent {
            make.event(unit, on: "2025-09-01", .trainingHeld(TrainingHeld(trainingId: id, organiser: "Sở", topic: "VNeID", format: .onSite, attendeeIds: [member])))
        }
        func campaign(_ id: ID<Campaign>, _ unit: ID<AdministrativeUnit>) -> DomainEvent {
            make.event(unit, on: "2025-09-02", .campaignLaunched(CampaignLaunched(
                campaignId: id, name: "Chiến dịch", startsOn: CalendarDate("2025-10-01")!, endsOn: CalendarDate("2025-10-10")!, targetSkills: [.onlinePayment])))
        }
        try await PostgresEventBulkLoader(client: owner).load([
            establishA, establishB,
            make.join(memberA, teamA, in: fixture.villageA1, as: .head), make.join(memberB, teamB, in: fixture.villageB1, as: .head),
            make.register(householdA, in: fixture.villageA1), make.register(householdB, in: fixture.villageB1),
            training(trainingA, fixture.villageA1, memberA), training(trainingB, fixture.villageB1, memberB),
            campaign(campaignA, fixture.villageA1), campaign(campaignB, fixture.villageB1),
        ])
        let administration = AccountAdministration(client: owner)
        let accountA = try await administration.createAccount(username: "a-" + UUID().uuidString.prefix(6).lowercased(), phone: nil, displayName: "A",
                                                              password: "một mật khẩu đủ dài", roles: [RoleAssignment(role: .member, unitID: fixture.villageA1)])
        let accountB = try await administration.createAccount(username: "b-" + UUID().uuidString.prefix(6).lowercased(), phone: nil, displayName: "B",
                                                              password: "một mật khẩu đủ dài", roles: [RoleAssignment(role: .member, unitID: fixture.villageB1)])
        await owner.close()
        return World(fixture: fixture, teamA: teamA, teamB: teamB, memberA: memberA, memberB: memberB, householdA: householdA, householdB: householdB,
                     eventA: establishA.id, eventB: establishB.id, trainingA: trainingA, trainingB: trainingB, campaignA: campaignA, campaignB: campaignB,
                     accountA: accountA.id, accountB: accountB.id)
    }
}
