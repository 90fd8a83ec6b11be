import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTRewards

/// Who sees and does what, conflicts, the evidence and the replay.
@Suite struct RewardsRuleTests {
    let base = "/api/v1/modules/rewards"

    @Test func reviewersSeeOnlyTheirAreaAndCommunesOnlyTheirOwn() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let mine = try await s.nominate(s.first.team, round: round)
        // Province B's round and nomination.
        var fixture = RewardsFixture(harness.events, province: units.provinceB, commune: units.communeB)
        let theirs = try fixture.nomination(of: s.elsewhere.team, in: units.villageB1, steps: [.submit], chain: [units.communeB, units.provinceB])
        try await harness.append([try fixture.opened()] + theirs.events)
        // Commune A2's nomination (another commune of province A).
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA2)]) { officer in
            let drafted = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.other.team)", "citation": "Tốt"}
                """)
            #expect(drafted.status == .created)
        }
        try await harness.catchUp()

        // A reviewer in province A sees nothing of province B, not even by its id.
        try await s.withReviewer(RewardsScenario.provinceAdmin(units), "rewards.reviewer", at: units.provinceA) { reviewer in
            let list = try await reviewer.get("\(base)/nominations")
            #expect(list.items.count == 2 && list.items.allSatisfy { $0["roundId"] as? String == round })
            let hidden = try await reviewer.get("\(base)/nominations/\(theirs.id)")
            #expect(hidden.status == .notFound)
            let rounds = try await reviewer.get("\(base)/rounds")
            #expect(rounds.items.map { $0["id"] as? String } == [round])
        }
        // A commune reviewer sees only their commune's nominations, though a commune officer views the province's work.
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { reviewer in
            let list = try await reviewer.get("\(base)/nominations")
            #expect(list.items.map { $0["id"] as? String } == [mine])
            let queue = try await reviewer.get("\(base)/nominations?queue=mine")
            #expect(queue.items.map { $0["id"] as? String } == [mine])
            let drafts = try await reviewer.get("\(base)/nominations?state=draft")
            #expect(drafts.status == .ok && !drafts.text.contains(s.other.team.description))
        }
        await harness.close()
    }

    /// A member of the nominee's village is not the nominator's side: they neither read the commune's
    /// nominations nor submit or withdraw one; a village team leader may not either while the province does
    /// not let leaders nominate; another officer of the commune may.
    @Test func onlyTheNominatorsSideSubmitsOrWithdraws() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let drafted = try await s.nominate(s.first.team, round: round)   // drafted and submitted by the commune's officer
        try await harness.withClient(as: [RoleAssignment(role: .member, unitID: units.villageA1)]) { member in
            let list = try await member.get("\(base)/nominations")
            #expect(list.status == .ok && list.items.isEmpty)
            let withdrawn = try await member.post("\(base)/nominations/\(drafted)/withdraw", "{}")
            #expect(withdrawn.status == .notFound)
            let submitted = try await member.post("\(base)/nominations/\(drafted)/submit", "{}")
            #expect(submitted.status == .notFound)
        }
        try await harness.withClient(as: [RoleAssignment(role: .teamLeader, unitID: units.villageA1)]) { leader in
            let withdrawn = try await leader.post("\(base)/nominations/\(drafted)/withdraw", "{}")
            #expect(withdrawn.status == .forbidden && withdrawn.fields == ["id"], "\(withdrawn.text)")
        }
        // An officer elsewhere who is a team leader in the village is no officer there.
        try await harness.withClient(as: [RoleAssignment(role: .teamLeader, unitID: units.villageA1),
                                          RoleAssignment(role: .communeOfficer, unitID: units.communeA2)]) { both in
            let withdrawn = try await both.post("\(base)/nominations/\(drafted)/withdraw", "{}")
            #expect(withdrawn.status == .forbidden, "\(withdrawn.text)")
        }
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            let withdrawn = try await officer.post("\(base)/nominations/\(drafted)/withdraw", "{}")
            #expect(withdrawn.status == .ok && withdrawn.json["state"] as? String == "withdrawn", "\(withdrawn.text)")
        }
        await harness.close()
    }

    @Test func twoClosingsAtOnceCloseTheRoundOnce() async throws {
        let s = try await RewardsScenario.make()
        let harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        try await harness.withClient(as: RewardsScenario.provinceAdmin(s.units)) { admin in
            async let first = admin.post("\(base)/rounds/\(round)/close", "{}")
            async let second = admin.post("\(base)/rounds/\(round)/close", "{}")
            let statuses = [try await first.status.code, try await second.status.code].sorted()
            #expect(statuses == [200, 409], "\(statuses)")
        }
        let closings = try await harness.owner.query("SELECT count(*)::int FROM events WHERE type = 'rewards.round_closed'").decode(Int.self)
        #expect(closings == [1])
        await harness.close()
    }

    @Test func aReviewerMayNotJudgeTheirOwnTeam() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let own = try await s.nominate(s.first.team, round: round)
        // The first team's head is also the commune's reviewer (found by the account's phone; the fixture's
        // members all share it, so every team of the commune is theirs).
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA, phone: RewardsScenario.firstPhone) { reviewer in
            let refused = try await reviewer.post("\(base)/nominations/\(own)/endorse", "{}")
            RewardsRoundTests.log("reviewer endorses their own team", refused)
            #expect(refused.status == .forbidden && refused.text.contains("conflict of interest"))
            let returned = try await reviewer.post("\(base)/nominations/\(own)/return", #"{"reason": "Tự trả"}"#)
            #expect(returned.status == .forbidden)
        }
        // A reviewer who is on no team judges it.
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { reviewer in
            let endorsed = try await reviewer.post("\(base)/nominations/\(own)/endorse", "{}")
            #expect(endorsed.status == .ok)
        }
        await harness.close()
    }

    @Test func twoReviewersAtOnceOneWinsTheOtherGetsTheCurrentState() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let id = try await s.nominate(s.first.team, round: round)
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { one in
            try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { other in
                async let a = one.post("\(base)/nominations/\(id)/endorse", #"{"version": 2}"#)
                async let b = other.post("\(base)/nominations/\(id)/return", #"{"version": 2, "reason": "Thiếu minh chứng"}"#)
                let answers = try await [a, b]
                RewardsRoundTests.log("two reviewers at once (first)", answers[0])
                RewardsRoundTests.log("two reviewers at once (second)", answers[1])
                #expect(answers.filter { $0.status == .ok }.count == 1)
                let lost = answers.first { $0.status != .ok }
                #expect(lost?.status == .conflict && lost?.fields == ["version"])
                #expect(lost?.text.contains("version 3") == true)
                // Acting on an old version is a conflict too.
                let stale = try await one.post("\(base)/nominations/\(id)/endorse", #"{"version": 1}"#)
                #expect(stale.status == .conflict)
            }
        }
        await harness.close()
    }

    @Test func theEvidenceIsAPlainCountOfTheRecordedWorkFrozenAtSubmission() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        // Two more households in the period, then one after it (2025-08-01 is its last day).
        try await s.moreVisits(s.first, in: units.villageA1, count: 2, minute: 60)
        try await s.moreVisits(s.first, in: units.villageA1, count: 1, minute: 60 * 24 * 3)
        try await harness.catchUp()
        let round = try await s.openRound(until: "2025-08-01")
        let id = try await s.nominate(s.first.team, round: round)
        let (households, visits, mastered) = try await harness.owner.query("""
            SELECT count(DISTINCT payload ->> 'householdId'), count(*),
                   sum((SELECT count(*) FROM jsonb_each_text(payload -> 'skills') k WHERE k.value = 'mastered'))::bigint
            FROM core_v1.events
            WHERE type = 'household.visited' AND unit_id = \(units.villageA1)
              AND (occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN '2025-07-01' AND '2025-08-01'
            """).decode((Int64, Int64, Int64).self)[0]
        #expect(households == 3 && visits == 3)
        // Work recorded after submission changes the live figures, never the frozen ones.
        try await s.moreVisits(s.first, in: units.villageA1, count: 1, minute: 90)
        try await harness.catchUp()
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let detail = try await officer.get("\(base)/nominations/\(id)")
            func figures(_ key: String) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: (detail.json[key] as? [[String: Any]] ?? []).map { ($0["key"] as! String, $0["value"] as! Double) })
            }
            let frozen = figures("evidence"), live = figures("liveEvidence")
            #expect(frozen["householdsVisited"] == Double(households) && frozen["visits"] == Double(visits) && frozen["skillsMastered"] == Double(mastered))
            #expect(live["householdsVisited"] == Double(households + 1))
            // The ranking of the commune's teams by the same metric.
            let ranking = try await officer.get("\(base)/rounds/\(round)/candidates?unit=\(units.communeA)&metric=householdsVisited")
            RewardsRoundTests.log("ranking of candidates", ranking)
            #expect(ranking.items.map { $0["value"] as? Double } == [4, 1])
            #expect(ranking.items.first?["subjectId"] as? String == s.first.team.description)
            let members = try await officer.get("\(base)/rounds/\(round)/candidates?unit=\(units.communeA)&kind=member&metric=skillsMastered")
            #expect(members.items.count == 2)
        }
        await harness.close()
    }

    @Test func replayingTheLogGivesTheSameState() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let first = try await s.nominate(s.first.team, round: round)
        _ = try await s.nominate(s.second.team, round: round)
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { reviewer in
            let endorsed = try await reviewer.post("\(base)/nominations/\(first)/endorse", "{}")
            #expect(endorsed.status == .ok)
        }
        try await harness.catchUp()
        let tables = RewardsModule().projectionTables
        var live: [[String]] = []
        for table in tables { live.append(try await harness.snapshot(table)) }
        #expect(live[1].count == 2 && live[2].count == 5)
        try await harness.rebuild("rewards")
        try await harness.catchUp()
        for (index, table) in tables.enumerated() {
            let replayed = try await harness.snapshot(table)
            #expect(replayed == live[index], "\(table)")
        }
        await harness.close()
    }
}
