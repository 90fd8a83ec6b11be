import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import Testing

/// Seeded random requests through the real router against a real PostgreSQL: every event type's payload
/// mutated with the values that break naive code (the ends of `Int`, negative counts, NUL, impossible
/// dates, wrong types, huge arrays), and every GET route with random query parameters and path ids.
/// Each must be answered with a 2xx or a 4xx: never a 5xx, and never a crash (which kills the test run).
///
/// The count is bounded for CI; `CDT_FUZZ_COUNT` runs more and `CDT_FUZZ_SEED` another sequence (a
/// failure names its seed and input, so it can be replayed).
@Suite struct FuzzTests {
    static let seed = ProcessInfo.processInfo.environment["CDT_FUZZ_SEED"].flatMap(UInt64.init) ?? 2026_12_04
    static let count = ProcessInfo.processInfo.environment["CDT_FUZZ_COUNT"].flatMap(Int.init) ?? 240

    @Test func mutatedEventsOfEveryTypeAreAnsweredWith2xxOr4xxNeverA5xx() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        try await fixture.withApp { client in
            let world = try await FuzzWorld.make(fixture, make, client)
            let samples = try world.samples.map { try JSONSerialization.jsonObject(with: EventJSON.data($0)) }
            var random = FuzzRandom(seed: Self.seed)
            for iteration in 0..<Self.count {
                let mutated = Mutator.mutate(samples[iteration % samples.count], &random)
                let body = String(decoding: try JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed]), as: UTF8.self)
                let answer = try await client.post("/api/v1/events", body)
                #expect(answer.status.code < 500, "seed \(Self.seed) event \(iteration): \(body) -> \(answer.status) \(answer.text)")
                guard iteration % 8 == 0 else { continue }
                let batch = (0..<10).map { offset in Mutator.mutate(samples[(iteration + offset) % samples.count], &random) }
                let batchBody = String(decoding: try JSONSerialization.data(withJSONObject: ["events": batch], options: [.fragmentsAllowed]), as: UTF8.self)
                let batchAnswer = try await client.post("/api/v1/events/batch", batchBody)
                #expect(batchAnswer.status == .ok, "seed \(Self.seed) batch \(iteration): \(batchBody) -> \(batchAnswer.status) \(batchAnswer.text)")
            }
            #expect(try await client.get("/api/v1/events?limit=1").status == .ok)
        }
    }

    @Test func randomQueryParametersAndPathIDsOnEveryGETRouteAreAnsweredWith2xxOr4xxNeverA5xx() async throws {
        let fixture = try await WorkFixture.make()
        let make = EventFactory()
        let routes = try Self.getRoutes(fixture)
        let made = Mutex<[String]>([])
        try await fixture.withApp { client in
            let ids = try await FuzzWorld.make(fixture, make, client).ids
            made.withLock { $0 = ids }
        }
        let ids = made.withLock { $0 }
        let callers: [(Role, ID<AdministrativeUnit>?)] = [(.nationalAdministrator, nil), (.member, fixture.villageA1), (.provinceAdministrator, fixture.provinceB)]
        for (number, (role, unit)) in callers.enumerated() {
            try await fixture.withApp(as: [RoleAssignment(role: role, unitID: unit)]) { client in
                var random = FuzzRandom(seed: Self.seed &+ UInt64(number))
                for iteration in 0..<Self.count {
                    let route = routes[iteration % routes.count]
                    let uri = Mutator.uri(for: route, ids: ids, &random)
                    let answer = try await client.get(uri)
                    #expect(answer.status.code < 500, "seed \(Self.seed) \(role) GET \(uri) -> \(answer.status) \(answer.text)")
                }
            }
        }
    }

    /// The paths of every GET route the server has (without the API prefix's leading slash).
    static func getRoutes(_ fixture: WorkFixture) throws -> [String] {
        let db = fixture.database.makeApplicationClient()
        defer { Task { await db.close() } }
        let router = buildRouter(dependencies: AppDependencies(database: db), logger: Logger(label: "fuzz"))
        let paths = router.routes.filter { $0.method == .get }.map(\.path.description).filter { !$0.hasSuffix("metrics") }
        guard paths.count > 10 else { throw ValidationFailure(field: "routes", rule: "found only \(paths)") }
        return paths.sorted()
    }
}

/// Objects to name in events and paths: a team with a member, a household, a campaign, and one valid
/// event of every type clients submit.
struct FuzzWorld {
    let samples: [DomainEvent]
    let ids: [String]

    static func make(_ fixture: WorkFixture, _ make: EventFactory, _ client: APIClient) async throws -> FuzzWorld {
        let team = ID<Team>(), member = ID<Member>(), household = ID<Household>(), campaign = ID<Campaign>(), training = ID<Training>()
        let setUp = [
            make.establish(team, in: fixture.villageA1, issuer: fixture.communeA),
            make.join(member, team, in: fixture.villageA1, as: .head),
            make.register(household, in: fixture.villageA1),
            make.event(fixture.communeA, on: "2025-08-05", .campaignLaunched(CampaignLaunched(
                campaignId: campaign, name: "Chiến dịch", startsOn: CalendarDate("2025-09-01")!, endsOn: CalendarDate("2025-11-30")!,
                targetSkills: [.onlinePayment], targetServices: [.vneidActivated], targets: [CampaignTarget(metric: .householdsVisited, value: 10)]))),
            make.event(fixture.communeA, on: "2025-08-06", .trainingHeld(TrainingHeld(
                trainingId: training, organiser: "Sở KH&CN", topic: "Thanh toán số", format: .onSite, attendeeIds: [member]))),
        ]
        let answer = try await client.post("/api/v1/events/batch", EventJSON.batch(setUp))
        guard answer.json["accepted"] as? Int == setUp.count else { throw ValidationFailure(field: "setUp", rule: answer.text) }
        let samples: [DomainEvent] = setUp + [
            make.event(fixture.villageA1, on: "2025-12-01", .teamDissolved(TeamDissolved(teamId: team, reason: "Sáp nhập"))),
            make.event(fixture.villageA1, on: "2025-12-01", .teamMerged(TeamMerged(teamIds: [team], intoTeamId: ID()))),
            make.event(fixture.villageA1, on: "2025-09-01", .teamChatLinkChanged(TeamChatLinkChanged(teamId: team, chatLink: "https://zalo.me/g/moi"))),
            make.event(fixture.villageA1, on: "2025-10-01", .memberLeft(MemberLeft(teamId: team, memberId: member, reason: "Chuyển đi"))),
            make.event(fixture.villageA1, on: "2025-09-02", .memberRoleChanged(MemberRoleChanged(teamId: team, memberId: member, role: .deputyHead))),
            make.event(fixture.communeA, on: "2025-12-01", .campaignClosed(CampaignClosed(campaignId: campaign))),
            make.event(fixture.villageA1, on: "2025-09-03", .householdUpdated(HouseholdDetails(
                householdId: household, label: "Số 12", size: 5,
                residents: [ResidentCount(ageBand: .children, count: 1), ResidentCount(ageBand: .working, count: 3, withSmartphone: 2),
                            ResidentCount(ageBand: .elderly, count: 1, notApplicable: 1, notApplicableReason: .elderly)]))),
            make.visit(household, in: fixture.villageA1, by: [member], on: "2025-09-10"),
            make.event(fixture.villageA1, on: "2025-09-11", .householdSurveyed(HouseholdSurveyed(
                householdId: household, smartphones: 2, computers: 1, internet: .mobile, hasBusiness: true, sellsOnline: true))),
            make.event(fixture.villageA1, on: "2025-09-12", .householdRegistered(HouseholdDetails(householdId: ID(), label: "Chợ 4.0", size: 3))),
        ]
        let ids = [team.description, member.description, household.description, campaign.description, training.description,
                   fixture.villageA1.description, fixture.provinceA.description, fixture.provinceB.description, setUp[0].id.description]
        return FuzzWorld(samples: samples, ids: ids)
    }
}

/// Replaces parts of JSON values, and builds request paths, with values that break naive code.
enum Mutator {
    static var integers: [Any] { [Int.min, Int.min + 1, -1_000_000, -61, -1, 0, 1, 59, 60, 61, 50, 51, 5000, 5001, Int(Int32.max) + 1, Int.max - 1, Int.max,
                                  1e308, -1e308, 0.5, -0.0, 9_007_199_254_740_993] }
    static let strings: [String] = [
        "", " ", "\u{0}", "a\u{0}b", String(repeating: "x", count: 5001), String(repeating: "ẞ", count: 201), "😀👨‍👩‍👧",
        "2025-09-31", "2025-02-29", "0000-00-00", "9999-12-31", "10000-01-01", "-2025-01-01", "2025-9-1",
        "2025-09-31T09:00:00+07:00", "2025-10-01T23:59:60+07:00", "2025-10-01T24:00:00Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
        "2019-12-31T23:59:59+07:00", "2099-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000000", UUID().uuidString, "not-a-uuid",
        "https://", "http://\u{0}", "javascript:alert(1)", "' OR 1=1 --", "%00", "\\", "\"", "\u{202E}", "\u{FEFF}", "team.established", "units.reorganized",
    ]

    /// `value` with one to three of its parts (or itself) replaced.
    static func mutate(_ value: Any, _ random: inout FuzzRandom) -> Any {
        var result = value
        for _ in 0..<(1 + random.below(3)) {
            let paths = self.paths(in: result, prefix: [])
            let path = paths[random.below(paths.count)]
            result = replacing(in: result, at: path[...]) { nasty(for: $0, &random) }
        }
        return result
    }

    /// Every position in `value`: keys of objects and indices of arrays, from the root.
    private static func paths(in value: Any, prefix: [PathPart]) -> [[PathPart]] {
        var found = [prefix]
        if let object = value as? [String: Any] {
            for (key, inner) in object { found += paths(in: inner, prefix: prefix + [.key(key)]) }
        } else if let array = value as? [Any] {
            for (index, inner) in array.enumerated() { found += paths(in: inner, prefix: prefix + [.index(index)]) }
        }
        return found
    }

    enum PathPart { case key(String), index(Int) }

    private static func replacing(in value: Any, at path: ArraySlice<PathPart>, with make: (Any) -> Any?) -> Any {
        guard let first = path.first else { return make(value) ?? NSNull() }
        switch (first, value) {
        case (.key(let key), var object as [String: Any]):
            guard let inner = object[key] else { return object }
            // The field itself: replaced, or left out when `make` says so.
            object[key] = path.count == 1 ? make(inner) : replacing(in: inner, at: path.dropFirst(), with: make)
            return object
        case (.index(let index), var array as [Any]) where index < array.count:
            array[index] = replacing(in: array[index], at: path.dropFirst(), with: make)
            return array
        default:
            return value
        }
    }

    /// A hostile value in place of `value` (`nil`: leave the field out).
    private static func nasty(for value: Any, _ random: inout FuzzRandom) -> Any? {
        switch random.below(10) {
        case 0: return nil
        case 1: return NSNull()
        case 2: return [String(random.below(1000)): strings[random.below(strings.count)]]
        default: break
        }
        switch value {
        case let object as [String: Any]:
            var changed = object
            changed["unknown\(random.below(3))"] = true
            return random.below(2) == 0 ? [String: Any]() : changed
        case let array as [Any]:
            switch random.below(3) {
            case 0: return [Any]()
            case 1: return Array(repeating: array.first ?? 0, count: 2 + random.below(60))
            default: return array + [integers[random.below(integers.count)]]
            }
        case is String:
            return random.below(5) == 0 ? integers[random.below(integers.count)] : strings[random.below(strings.count)]
        case is NSNumber:
            return random.below(6) == 0 ? strings[random.below(strings.count)] : integers[random.below(integers.count)]
        default:
            return strings[random.below(strings.count)]
        }
    }

    static let parameterNames = ["under", "activeOn", "from", "until", "q", "limit", "cursor", "asOf", "level", "parent", "type", "page", "sort", ""]
    static let parameterValues = [
        "", "%00", "a%00b", "-1", "0", "1", "500", "501", "99999999999999999999", "-9223372036854775808", "1e9", "2025-09-31", "2025-02-29", "9999-12-31",
        "0000-00-00", "2025-10-01", "10000-01-01", "province", "commune", "village", "household.visited,training.held", ",,", "household.visited,,",
        "x%27%20OR%201%3D1--", "%FF%FE", "%E1%BA", String(repeating: "a", count: 300), "ha+noi", "AAAA", "AA", "MA", "MDAwMA", "%2F..%2F",
        "00000000-0000-0000-0000-000000000000", "not-a-uuid",
    ]

    /// A GET request for `route` with its path parameters filled in and a few random query parameters.
    static func uri(for route: String, ids: [String], _ random: inout FuzzRandom) -> String {
        let pathChoices = ids + [UUID().uuidString.lowercased(), "not-a-uuid", "%00", "00000000-0000-0000-0000-000000000000", "..", "x%2Fy"]
        let path = route.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") ? pathChoices[random.below(pathChoices.count)] : String(part)
        }.joined(separator: "/")
        var query: [String] = []
        for _ in 0..<random.below(4) {
            let name = parameterNames[random.below(parameterNames.count)]
            let value = random.below(4) == 0 ? ids[random.below(ids.count)] : parameterValues[random.below(parameterValues.count)]
            query.append(name + "=" + value)
        }
        return (path.hasPrefix("/") ? path : "/" + path) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }
}

/// The demo's SplitMix64 generator, so a failure can be replayed from its seed.
struct FuzzRandom {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// A number from 0 up to, not including, `bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
}
