import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTRewards

/// A round end to end through HTTP, as a province runs it.
@Suite struct RewardsRoundTests {
    /// Prints each step's answer (the issue's note quotes them).
    static func log(_ step: String, _ answer: TestAnswer) {
        let json = answer.json
        var summary = String(answer.text.prefix(200))
        if let state = json["state"] as? String, json["status"] == nil {
            summary = "state=\(state)" + [("level", json["level"]), ("version", json["version"]), ("chain", json["chain"])]
                .compactMap { key, value in value.map { " \(key)=\($0)" } }.joined()
        }
        print("STEP \(step): \(answer.status.code) \(summary.replacingOccurrences(of: "\n", with: " "))")
    }

    @Test func aRoundFromOpeningToTheAwardList() async throws {
        let s = try await RewardsScenario.make()
        let units = s.units, harness = s.harness
        try await s.moreVisits(s.first, in: units.villageA1, count: 2, minute: 60)
        try await harness.catchUp()
        let base = "/api/v1/modules/rewards"

        // 1. The province's administrator opens the round; the chain comes from the hierarchy.
        try await harness.withClient(as: RewardsScenario.provinceAdmin(units)) { admin in
            let bad = try await admin.post("\(base)/rounds", """
                {"provinceId": "\(units.provinceA)", "titleVi": "", "titleEn": "x", "periodFrom": "2025-07-01", "periodUntil": "2025-06-01"}
                """)
            Self.log("open round with a blank title and a period ending before it starts", bad)
            #expect(bad.status == .unprocessableContent && Set(bad.fields) == ["titleVi", "periodUntil"])
            let elsewhere = try await admin.post("\(base)/rounds", """
                {"provinceId": "\(units.provinceB)", "titleVi": "Đợt", "titleEn": "Round", "periodFrom": "2025-07-01", "periodUntil": "2026-06-30"}
                """)
            Self.log("open round in another province", elsewhere)
            #expect(elsewhere.status == .notFound)
        }
        let round = try await s.openRound()
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let opened = try await officer.get("\(base)/rounds/\(round)")
            Self.log("GET round", opened)
            #expect(opened.json["chain"] as? [String] == ["commune", "province"])
            #expect((opened.json["categories"] as? [[String: Any]])?.count == 3)

            // 2. Commune A's officer nominates its two teams; the citation, the area and the province are checked.
            let tooLong = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.first.team)", "citation": "\(String(repeating: "a", count: 2001))"}
                """)
            Self.log("draft with a 2,001-character citation", tooLong)
            #expect(tooLong.status == .unprocessableContent && tooLong.fields == ["citation"])
            let otherCommune = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.other.team)", "citation": "Tốt"}
                """)
            Self.log("draft a team of another commune", otherCommune)
            #expect(otherCommune.status == .forbidden && otherCommune.fields == ["subjectId"])
            let otherProvince = try await officer.post("\(base)/nominations", """
                {"roundId": "\(round)", "category": "exemplaryTeam", "subjectId": "\(s.elsewhere.team)", "citation": "Tốt"}
                """)
            Self.log("draft a team of another province", otherProvince)
            #expect(otherProvince.status == .unprocessableContent && otherProvince.fields == ["subjectId"])
        }
        let first = try await s.nominate(s.first.team, round: round)
        let second = try await s.nominate(s.second.team, round: round)

        // 3. The evidence was frozen at submission: three households visited by the first team, four skills mastered…
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let detail = try await officer.get("\(base)/nominations/\(first)")
            Self.log("GET nomination after submit", detail)
            #expect(detail.json["state"] as? String == "under_review" && detail.json["level"] as? String == "commune")
            let evidence = Dictionary(uniqueKeysWithValues: (detail.json["evidence"] as? [[String: Any]] ?? []).map { ($0["key"] as! String, $0["value"] as! Double) })
            #expect(evidence["householdsVisited"] == 3 && evidence["householdsRegistered"] == 3 && evidence["skillsMastered"] == 5)
            #expect(!detail.text.contains("912345678") && !detail.text.contains("912 345 678"), "no phone number in a nomination")
        }

        // 4. Commune A's reviewer endorses the first; the second breaks the commune's quota of one.
        try await s.withReviewer(RewardsScenario.officer(units), "rewards.reviewer", at: units.communeA) { reviewer in
            let queue = try await reviewer.get("\(base)/nominations?queue=mine")
            Self.log("commune reviewer's queue", queue)
            #expect(queue.items.count == 2)
            let endorsed = try await reviewer.post("\(base)/nominations/\(first)/endorse", #"{"note": "Xứng đáng"}"#)
            Self.log("endorse at the commune", endorsed)
            #expect(endorsed.status == .ok && endorsed.json["level"] as? String == "province")
            let overQuota = try await reviewer.post("\(base)/nominations/\(second)/endorse", "{}")
            Self.log("endorse past the commune's quota", overQuota)
            #expect(overQuota.status == .unprocessableContent && overQuota.fields == ["quota"])
            // 5. It goes back to the nominator with a reason instead.
            let noReason = try await reviewer.post("\(base)/nominations/\(second)/return", "{}")
            #expect(noReason.status == .unprocessableContent && noReason.fields == ["reason"])
            let returned = try await reviewer.post("\(base)/nominations/\(second)/return", #"{"reason": "Bổ sung số hộ đã hướng dẫn"}"#)
            Self.log("return for changes", returned)
            #expect(returned.json["state"] as? String == "returned" && returned.json["returnReason"] as? String == "Bổ sung số hộ đã hướng dẫn")
            // Not theirs to take further: the province level reviews it now.
            let notTheirLevel = try await reviewer.post("\(base)/nominations/\(first)/endorse", "{}")
            Self.log("commune reviewer endorses at the province level", notTheirLevel)
            #expect(notTheirLevel.status == .forbidden)
        }
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let resubmitted = try await officer.post("\(base)/nominations/\(second)/submit", "{}")
            Self.log("resubmit after the return", resubmitted)
            #expect(resubmitted.json["state"] as? String == "under_review" && resubmitted.json["level"] as? String == "commune")
        }

        // 6. The province's reviewer endorses the first to the decision; the decider approves and awards it.
        try await s.withReviewer(RewardsScenario.provinceAdmin(units), "rewards.reviewer", at: units.provinceA) { reviewer in
            let endorsed = try await reviewer.post("\(base)/nominations/\(first)/endorse", "{}")
            Self.log("endorse at the province", endorsed)
            #expect(endorsed.json["state"] as? String == "endorsed")
        }
        try await s.withReviewer(RewardsScenario.provinceAdmin(units), "rewards.decider", at: units.provinceA) { decider in
            let early = try await decider.post("\(base)/nominations/\(second)/approve", "{}")
            Self.log("approve one still under review at the commune", early)
            #expect(early.status == .conflict)
            let approved = try await decider.post("\(base)/nominations/\(first)/approve", "{}")
            Self.log("approve", approved)
            #expect(approved.json["state"] as? String == "approved")
            let noDecision = try await decider.post("\(base)/nominations/\(first)/award", #"{"awardTitle": "Bằng khen"}"#)
            #expect(noDecision.status == .unprocessableContent && Set(noDecision.fields) == ["decisionNumber", "decisionDate", "signer"])
            let awarded = try await decider.post("\(base)/nominations/\(first)/award", """
                {"decisionNumber": "2150/QĐ-UBND", "decisionDate": "2026-11-15", "signer": "Chủ tịch UBND tỉnh", "awardTitle": "Bằng khen của Chủ tịch UBND tỉnh"}
                """)
            Self.log("award", awarded)
            #expect(awarded.json["state"] as? String == "awarded")

            // 7. The award list, for Excel and as the decision's annex.
            let csv = try await decider.get("\(base)/rounds/\(round)/awards.csv")
            Self.log("award list CSV", csv)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("\u{FEFF}STT,Họ và tên / Tên tập thể,Đơn vị,Danh hiệu,Hình thức khen thưởng,Quyết định\r\n"))
            #expect(csv.text.contains("1,Tổ Công nghệ số cộng đồng,Phường Ba Đình,Tập thể tiêu biểu,Bằng khen của Chủ tịch UBND tỉnh,2150/QĐ-UBND ngày 15/11/2026\r\n"))
            let annex = try await decider.get("\(base)/rounds/\(round)/annex")
            Self.log("annex", annex)
            #expect(annex.text.contains("<h1>PHỤ LỤC</h1>") && annex.text.contains("Kèm theo Quyết định số 2150/QĐ-UBND ngày 15/11/2026"))

            // 8. The history is the module's events in the platform's log.
            let detail = try await decider.get("\(base)/nominations/\(first)")
            #expect((detail.json["history"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
                    == ["drafted", "submitted", "endorsed", "endorsed", "approved", "awarded"])
            let logged = try await decider.get("/api/v1/events?type=rewards.nomination_awarded")
            #expect(logged.items.count == 1)

            // 9. A closed round is read-only.
            let closed = try await decider.post("\(base)/rounds/\(round)/close", "{}")
            Self.log("close the round", closed)
            #expect(closed.json["state"] as? String == "closed")
        }
        try await harness.withClient(as: RewardsScenario.officer(units)) { officer in
            let late = try await officer.post("\(base)/nominations/\(second)/withdraw", "{}")
            Self.log("withdraw in a closed round", late)
            #expect(late.status == .conflict)
        }
        await harness.close()
    }
}
