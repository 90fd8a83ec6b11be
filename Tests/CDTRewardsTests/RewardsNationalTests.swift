import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Synchronization
import Testing
@testable import CDTRewards

/// A national round through HTTP: opened by a national administrator in both provinces, reviewed commune →
/// province → nation, decided nationally, with the nation's quota counted across provinces and each
/// province seeing only its own part.
@Suite struct RewardsNationalTests {
    static let base = "/api/v1/modules/rewards"
    static let national = [RoleAssignment(role: .nationalAdministrator, unitID: nil)]
    static func officerB(_ units: TestUnits) -> [RoleAssignment] { [RoleAssignment(role: .communeOfficer, unitID: units.communeB)] }
    static func provinceAdminB(_ units: TestUnits) -> [RoleAssignment] { [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceB)] }

    /// The national administrator opens a national round: one team per nation (across provinces), three per
    /// commune, five per province. Its id.
    static func openNationalRound(_ s: RewardsScenario) async throws -> String {
        let id = Mutex("")
        try await s.harness.withClient(as: national) { admin in
            let opened = try await admin.post("\(base)/rounds", """
                {"scope": "nation", "titleVi": "Tập thể tiêu biểu chuyển đổi số cộng đồng toàn quốc năm 2025",
                 "titleEn": "National exemplary community digital teams 2025", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30",
                 "quotas": [{"category": "exemplaryTeam", "level": "commune", "limit": 3}, {"category": "exemplaryTeam", "level": "province", "limit": 5},
                            {"category": "exemplaryTeam", "level": "nation", "limit": 1}]}
                """)
            RewardsRoundTests.log("open a national round", opened)
            guard opened.status == .created, let round = opened.json["id"] as? String else { throw TestHarnessError("not opened: \(opened.text)") }
            id.withLock { $0 = round }
        }
        return id.withLock { $0 }
    }

    /// Drafts and submits a nomination of `team` as the officer `roles`; its id.
    static func nominate(_ s: RewardsScenario, _ team: ID<Team>, as roles: [RoleAssignment], round: String) async throws -> String {
        let id = Mutex("")
        try await s.harness.withClient(as: roles) { officer in
            let drafted = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(team)", "citation": "Hướng dẫn người dân cài VNeID, thanh toán số."}
                """)
            RewardsRoundTests.log("draft in the national round", drafted)
            guard drafted.status == .created, let nomination = drafted.json["id"] as? String else { throw TestHarnessError("not drafted: \(drafted.text)") }
            let submitted = try await officer.post("\(base)/nominations/\(nomination)/submit", "{}")
            RewardsRoundTests.log("submit in the national round", submitted)
            guard submitted.status == .ok else { throw TestHarnessError("not submitted: \(submitted.text)") }
            id.withLock { $0 = nomination }
        }
        return id.withLock { $0 }
    }

    /// Takes `nomination` through its province: endorsed at `commune`, then at `province` (to the nation).
    static func endorseThroughProvince(_ s: RewardsScenario, _ nomination: String, commune: ID<AdministrativeUnit>, communeRoles: [RoleAssignment],
                                       province: ID<AdministrativeUnit>, provinceRoles: [RoleAssignment]) async throws {
        try await s.withReviewer(communeRoles, "rewards.reviewer", at: commune) { reviewer in
            let endorsed = try await reviewer.post("\(base)/nominations/\(nomination)/endorse", "{}")
            RewardsRoundTests.log("endorse at the commune (national round)", endorsed)
            #expect(endorsed.status == .ok && endorsed.json["level"] as? String == "province")
        }
        try await s.withReviewer(provinceRoles, "rewards.reviewer", at: province) { reviewer in
            let endorsed = try await reviewer.post("\(base)/nominations/\(nomination)/endorse", "{}")
            RewardsRoundTests.log("endorse at the province, to the nation", endorsed)
            #expect(endorsed.status == .ok && endorsed.json["state"] as? String == "under_review" && endorsed.json["level"] as? String == "nation")
            // The nation level is not the province's to review.
            let again = try await reviewer.post("\(base)/nominations/\(nomination)/endorse", "{}")
            RewardsRoundTests.log("province reviewer endorses at the nation level", again)
            #expect(again.status == .forbidden && again.fields == ["id"])
        }
    }

    @Test func aNationalRoundFromTheCommuneToTheNation() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness, base = Self.base
        try await harness.catchUp()

        // 1. Only national administrators open a national round; it names no province.
        try await harness.withClient(as: RewardsScenario.provinceAdmin(units)) { admin in
            let refused = try await admin.post("\(base)/rounds", """
                {"scope": "nation", "titleVi": "Đợt toàn quốc", "titleEn": "National round", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30"}
                """)
            RewardsRoundTests.log("a province administrator opens a national round", refused)
            #expect(refused.status == .forbidden && refused.fields == ["scope"])
        }
        try await harness.withClient(as: Self.national) { admin in
            let named = try await admin.post("\(base)/rounds", """
                {"scope": "nation", "provinceId": "\(units.provinceA)", "titleVi": "Đợt", "titleEn": "Round", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30"}
                """)
            RewardsRoundTests.log("a national round naming a province", named)
            #expect(named.status == .unprocessableContent && named.fields == ["provinceId"])
            let badLevel = try await admin.post("\(base)/rounds", """
                {"scope": "nation", "titleVi": "Đợt", "titleEn": "Round", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30",
                 "quotas": [{"category": "exemplaryTeam", "level": "district", "limit": 2}]}
                """)
            RewardsRoundTests.log("a national round with a quota at a level no province has", badLevel)
            #expect(badLevel.status == .unprocessableContent && badLevel.fields == ["quotas[0].level"])
        }
        let round = try await Self.openNationalRound(s)

        // 2. It is one round in both provinces; each province sees only itself in it.
        try await harness.withClient(as: Self.national) { admin in
            let detail = try await admin.get("\(base)/rounds/\(round)")
            RewardsRoundTests.log("GET the national round as the nation", detail)
            #expect(detail.json["scope"] as? String == "nation" && detail.json["chain"] as? [String] == ["commune", "province", "nation"])
            #expect(Set(detail.json["provinces"] as? [String] ?? []) == [units.provinceA.description, units.provinceB.description])
            let list = try await admin.get("\(base)/rounds")
            #expect(list.items.filter { $0["id"] as? String == round }.count == 1)
        }
        try await harness.withClient(as: Self.provinceAdminB(units)) { admin in
            let detail = try await admin.get("\(base)/rounds/\(round)")
            RewardsRoundTests.log("GET the national round as province B", detail)
            #expect(detail.json["provinces"] as? [String] == [units.provinceB.description] && detail.json["provinceId"] as? String == units.provinceB.description)
        }

        // 3. Commune A and commune B each nominate a team; each goes commune → province → nation.
        let fromA = try await Self.nominate(s, s.first.team, as: RewardsScenario.officer(units), round: round)
        let fromB = try await Self.nominate(s, s.elsewhere.team, as: Self.officerB(units), round: round)
        try await Self.endorseThroughProvince(s, fromA, commune: units.communeA, communeRoles: RewardsScenario.officer(units),
                                              province: units.provinceA, provinceRoles: RewardsScenario.provinceAdmin(units))
        try await Self.endorseThroughProvince(s, fromB, commune: units.communeB, communeRoles: Self.officerB(units),
                                              province: units.provinceB, provinceRoles: Self.provinceAdminB(units))

        // 4. Province B's administrator and reviewer see nothing of A's nominations.
        try await s.withReviewer(Self.provinceAdminB(units), "rewards.reviewer", at: units.provinceB) { reviewerB in
            let list = try await reviewerB.get("\(base)/nominations?round=\(round)")
            RewardsRoundTests.log("province B lists the national round's nominations", list)
            #expect(list.items.compactMap { $0["id"] as? String } == [fromB])
            let other = try await reviewerB.get("\(base)/nominations/\(fromA)")
            RewardsRoundTests.log("province B reads A's nomination", other)
            #expect(other.status == .notFound)
            let act = try await reviewerB.post("\(base)/nominations/\(fromA)/reject", #"{"reason": "Không"}"#)
            #expect(act.status == .notFound)
        }

        // 5. A province's decider does not decide a national round.
        try await s.withReviewer(RewardsScenario.provinceAdmin(units), "rewards.decider", at: units.provinceA) { decider in
            let reject = try await decider.post("\(base)/nominations/\(fromA)/reject", #"{"reason": "Không"}"#)
            RewardsRoundTests.log("province decider rejects at the nation level", reject)
            #expect(reject.status == .forbidden)
        }

        // 6. The nation reviews both provinces' nominations; its quota of one counts across provinces.
        try await harness.withClient(as: Self.national) { admin in
            let queue = try await admin.get("\(base)/nominations?round=\(round)&level=nation")
            RewardsRoundTests.log("the nation's queue", queue)
            #expect(Set(queue.items.compactMap { $0["id"] as? String }) == [fromA, fromB])
            let mine = try await admin.get("\(base)/nominations?queue=mine")
            #expect(Set(mine.items.compactMap { $0["id"] as? String }) == [fromA, fromB])
            let endorsed = try await admin.post("\(base)/nominations/\(fromA)/endorse", "{}")
            RewardsRoundTests.log("endorse at the nation", endorsed)
            #expect(endorsed.status == .ok && endorsed.json["state"] as? String == "endorsed")
            let overQuota = try await admin.post("\(base)/nominations/\(fromB)/endorse", "{}")
            RewardsRoundTests.log("endorse past the nation's quota (another province)", overQuota)
            #expect(overQuota.status == .unprocessableContent && overQuota.fields == ["quota"])
            let approved = try await admin.post("\(base)/nominations/\(fromA)/approve", "{}")
            RewardsRoundTests.log("approve nationally", approved)
            #expect(approved.json["state"] as? String == "approved")
            let awarded = try await admin.post("\(base)/nominations/\(fromA)/award", """
                {"decisionNumber": "1234/QĐ-TTg", "decisionDate": "2026-12-20", "signer": "Thủ tướng Chính phủ", "awardTitle": "Bằng khen của Thủ tướng Chính phủ"}
                """)
            RewardsRoundTests.log("award nationally", awarded)
            #expect(awarded.json["state"] as? String == "awarded")
            let detail = try await admin.get("\(base)/nominations/\(fromA)")
            #expect((detail.json["history"] as? [[String: Any]])?.compactMap { $0["level"] as? String } == ["commune", "commune", "province", "nation"])

            // The award list spans the provinces, each unit with its province.
            let csv = try await admin.get("\(base)/rounds/\(round)/awards.csv")
            RewardsRoundTests.log("national award list CSV", csv)
            #expect(csv.text.contains("1,Tổ Công nghệ số cộng đồng,\"Phường Ba Đình, Thành phố Hà Nội\",Tập thể tiêu biểu,Bằng khen của Thủ tướng Chính phủ,1234/QĐ-TTg ngày 20/12/2026\r\n"))
            let annex = try await admin.get("\(base)/rounds/\(round)/annex")
            RewardsRoundTests.log("national annex", annex)
            #expect(annex.text.contains("CẤP TRUNG ƯƠNG") && annex.text.contains("Kèm theo Quyết định số 1234/QĐ-TTg ngày 20/12/2026)"))
            #expect(!annex.text.contains("Uỷ ban nhân dân Thành phố Hà Nội"))
        }
        try await harness.withClient(as: Self.provinceAdminB(units)) { admin in
            let csv = try await admin.get("\(base)/rounds/\(round)/awards.csv")
            #expect(csv.status == .ok && !csv.text.contains("Ba Đình"))
        }

        // 7. Only the nation closes it, and it closes in every province.
        try await harness.withClient(as: RewardsScenario.provinceAdmin(units)) { admin in
            let refused = try await admin.post("\(base)/rounds/\(round)/close", "{}")
            RewardsRoundTests.log("a province administrator closes the national round", refused)
            #expect(refused.status == .forbidden)
        }
        try await harness.withClient(as: Self.national) { admin in
            let closed = try await admin.post("\(base)/rounds/\(round)/close", "{}")
            RewardsRoundTests.log("close the national round", closed)
            #expect(closed.status == .ok && closed.json["state"] as? String == "closed")
            let again = try await admin.post("\(base)/rounds/\(round)/close", "{}")
            #expect(again.status == .conflict)
        }
        try await harness.withClient(as: Self.provinceAdminB(units)) { admin in
            let closed = try await admin.get("\(base)/rounds/\(round)")
            #expect(closed.json["state"] as? String == "closed")
            let late = try await admin.post("\(base)/nominations/\(fromB)/withdraw", "{}")
            #expect(late.status == .conflict)
        }
        await harness.close()
    }

    @Test func theNationsQueueAndAStepOnThePages() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness, base = Self.base
        try await harness.catchUp()
        let round = try await Self.openNationalRound(s)
        let fromA = try await Self.nominate(s, s.first.team, as: RewardsScenario.officer(units), round: round)
        let fromB = try await Self.nominate(s, s.elsewhere.team, as: Self.officerB(units), round: round)
        try await Self.endorseThroughProvince(s, fromA, commune: units.communeA, communeRoles: RewardsScenario.officer(units),
                                              province: units.provinceA, provinceRoles: RewardsScenario.provinceAdmin(units))
        try await harness.withClient(as: Self.national) { admin in
            let rounds = try await admin.openPage("\(base)/pages/rounds")
            #expect(rounds.text.contains("Đợt toàn quốc <small lang=\"en\">National round</small>"))
            let page = try await admin.openPage("\(base)/pages/rounds/\(round)")
            RewardsRoundTests.log("the nation's round page", page)
            #expect(page.text.contains("Hồ sơ chờ tôi xét <small lang=\"en\">My review queue</small> (1)"))
            #expect(page.text.contains("data-quota=\"exemplaryTeam\" data-level=\"nation\">0 / 1</td>"))
            #expect(page.text.contains("Cấp xã <small lang=\"en\">Commune</small> → Cấp tỉnh <small lang=\"en\">Province</small> → Cấp trung ương"))
            let nomination = try await admin.openPage("\(base)/pages/nominations/\(fromA)")
            #expect(nomination.text.contains("id=\"form-endorse\"") && nomination.text.contains("name=\"version\" value=\"4\""))
            let endorsed = try await admin.submitForm("\(base)/pages/nominations/\(fromA)/endorse", [("version", "4"), ("note", "Xứng đáng toàn quốc")])
            RewardsRoundTests.log("endorse form at the nation", endorsed)
            #expect(endorsed.status == .seeOther)
            let after = try await admin.openPage("\(base)/pages/rounds/\(round)")
            #expect(after.text.contains("data-quota=\"exemplaryTeam\" data-level=\"nation\">1 / 1</td>"))
        }
        // Province B's pages show its own nomination and nothing of A's.
        try await s.withReviewer(Self.provinceAdminB(units), "rewards.reviewer", at: units.provinceB) { reviewerB in
            let page = try await reviewerB.openPage("\(base)/pages/rounds/\(round)")
            #expect(page.status == .ok && page.text.contains(fromB) && !page.text.contains(fromA) && !page.text.contains("Phường Ba Đình"))
            let other = try await reviewerB.openPage("\(base)/pages/nominations/\(fromA)")
            #expect(other.status == .notFound)
        }
        await harness.close()
    }

    /// The nation's quota counts what passed the nation by each province's own chain: one with districts
    /// has a longer chain, and its nomination under review at the nation has not passed it.
    @Test func theNationsQuotaCountsByEachProvincesChain() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        var fixture = RewardsFixture(harness.events, province: units.provinceA, commune: units.communeA)
        let opened = try fixture.openedNationally(in: [units.provinceA, units.provinceB],
                                                  chains: [["commune", "province", "nation"], ["commune", "district", "province", "nation"]])
        // B's nomination: endorsed at its commune, district and province, so under review at the nation (reached 3 of 4).
        let waiting = try fixture.nomination(of: s.elsewhere.team, in: units.villageB1, steps: [.submit, .endorse, .endorse, .endorse],
                                             chain: [units.communeB, units.communeB2, units.provinceB], levels: 4)
        try await harness.append(opened + waiting.events)
        try await harness.catchUp()
        let nationLevelInA = 2
        let before = try await RewardsStore.passed(round: fixture.round, category: "exemplaryTeam", level: nationLevelInA, unit: nil, harness.owner)
        #expect(before == 0, "under review at the nation is not past it")
        // A's nomination passes the nation (reached 3 of 3): now one has.
        let passing = try fixture.nomination(of: s.first.team, in: units.villageA1, steps: [.submit, .endorse, .endorse, .endorse],
                                             chain: [units.communeA, units.provinceA], levels: 3)
        try await harness.append(passing.events)
        try await harness.catchUp()
        let after = try await RewardsStore.passed(round: fixture.round, category: "exemplaryTeam", level: nationLevelInA, unit: nil, harness.owner)
        #expect(after == 1)
        await harness.close()
    }

    @Test func replayingANationalRoundGivesTheSameState() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await Self.openNationalRound(s)
        let fromA = try await Self.nominate(s, s.first.team, as: RewardsScenario.officer(units), round: round)
        _ = try await Self.nominate(s, s.elsewhere.team, as: Self.officerB(units), round: round)
        try await Self.endorseThroughProvince(s, fromA, commune: units.communeA, communeRoles: RewardsScenario.officer(units),
                                              province: units.provinceA, provinceRoles: RewardsScenario.provinceAdmin(units))
        try await harness.withClient(as: Self.national) { admin in
            let endorsed = try await admin.post("\(Self.base)/nominations/\(fromA)/endorse", "{}")
            #expect(endorsed.status == .ok)
        }
        try await harness.catchUp()
        let tables = RewardsModule().projectionTables
        var live: [[String]] = []
        for table in tables { live.append(try await harness.snapshot(table)) }
        #expect(live[0].count == 2, "one round row in each province")
        try await harness.rebuild("rewards")
        try await harness.catchUp()
        for (index, table) in tables.enumerated() {
            let replayed = try await harness.snapshot(table)
            #expect(replayed == live[index], "\(table)")
        }
        await harness.close()
    }
}
