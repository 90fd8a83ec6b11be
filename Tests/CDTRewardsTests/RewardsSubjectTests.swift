import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTRewards

/// What may be nominated, and by whom.
@Suite struct RewardsSubjectTests {
    let base = "/api/v1/modules/rewards"

    @Test func aMemberAPracticeAndATeamOnce() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        let practice = harness.events.shared(in: units.villageA1, title: "Chợ 4.0 ở Tổ dân phố 1", minute: 50)
        try await harness.append([practice])
        try await harness.catchUp()
        let round = try await s.openRound()
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            // A member: their name, team and role; the evidence of the visits that name them.
            let member = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryMember", "subjectId": "\(s.first.member)", "citation": "Tận tuỵ với từng hộ"}
                """)
            #expect(member.status == .created)
            #expect(member.json["subjectName"] as? String == "Trần Thị Lan" && member.json["subjectRole"] as? String == "head")
            #expect(member.json["teamId"] as? String == s.first.team.description && member.json["subjectKind"] as? String == "member")
            let id = member.json["id"] as? String ?? ""
            let submitted = try await officer.post("\(base)/nominations/\(id)/submit", "{}")
            let keys = (submitted.json["evidence"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            #expect(keys.contains("visits") && !keys.contains("householdsRegistered"))
            // A good practice shared in the commune, named by its event's id.
            let model = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "innovativeModel", "subjectId": "\(practice.id)", "citation": "Mô hình chợ số"}
                """)
            #expect(model.status == .created && model.json["subjectName"] as? String == "Chợ 4.0 ở Tổ dân phố 1")
            // A team once per round and category; an unknown category is named.
            let team = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.first.team)", "citation": "Tốt"}
                """)
            #expect(team.status == .created)
            let twice = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.first.team)", "citation": "Tốt"}
                """)
            #expect(twice.status == .unprocessableContent && twice.fields == ["subjectId"])
            let unknown = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "bestPoster", "subjectId": "\(s.first.team)", "citation": "Tốt"}
                """)
            #expect(unknown.status == .unprocessableContent && unknown.fields == ["category"])
        }
        await harness.close()
    }

    @Test func villageTeamLeadersNominateOnlyWhereTheProvinceAllows() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await harness.catchUp()
        let round = try await s.openRound()
        let body = """
            {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.first.team)", "citation": "Tổ của thôn"}
            """
        try await harness.withClient(as: [RoleAssignment(role: .teamLeader, unitID: units.villageA1)]) { leader in
            let refused = try await leader.post("\(base)/nominations", body)
            RewardsRoundTests.log("village team leader nominates, setting off", refused)
            #expect(refused.status == .forbidden && refused.fields == ["subjectId"] && refused.text.contains("villageLeadersMayNominate"))
            try await harness.enable("rewards", in: units.provinceA, settings: ["villageLeadersMayNominate": .boolean(true)])
            let allowed = try await leader.post("\(base)/nominations", body)
            #expect(allowed.status == .created, "\(allowed.text)")
            // Only in their own village.
            let elsewhere = try await leader.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.second.team)", "citation": "Tổ thôn bên"}
                """)
            #expect(elsewhere.status == .forbidden)
        }
        await harness.close()
    }
}
