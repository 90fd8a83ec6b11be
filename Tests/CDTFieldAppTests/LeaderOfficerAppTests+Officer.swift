import CDTDomain
import CDTTesting
import Foundation
import Testing

/// The commune officer's screens: the commune's villages and teams, establishing a team, its chat link,
/// dissolving and merging after confirming, and nothing outside their commune.
extension LeaderOfficerAppTests {
    @Test func aCommuneOfficerEstablishesATeamSetsItsChatLinkAndMergesOnlyAfterConfirming() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: false)
        let units = world.units
        try await world.serve(as: Self.officer(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                // The home screen offers the officer's screens.
                #expect(try await phone.browser.has("a[href='#/commune']"))
                #expect(try await phone.browser.has("a[href='#/team-new']"))
                #expect(try await phone.lacks("a[href='#/roster']"))
                try await phone.check("officer-home")
                // The commune: both villages, the second without a team.
                try await phone.go("#/commune")
                try await phone.waitForText("#commune-summary", containing: "1 thôn chưa có tổ")
                let secondVillage = "#village-list li[data-village-id='\(apiID(units.villageA2))']"
                #expect(try await phone.browser.text(of: secondVillage).contains("Chưa có tổ"))
                #expect(try await phone.browser.text(of: "#village-list").contains("Tổ Công nghệ số cộng đồng"))
                try await phone.check("officer-commune")

                // Establishing the second village's team by decision.
                try await phone.browser.click("\(secondVillage) a")
                try await phone.browser.clear("#team-name")
                try await phone.browser.type(into: "#team-name", "Tổ CNS Tổ dân phố 2")
                try await phone.browser.type(into: "#decision-number", "15/QĐ-UBND")
                try await phone.browser.type(into: "#decision-signer", "Lê Văn Cường")
                try await phone.check("officer-team-new")
                // A link that is no https link is refused beside the field, before anything is recorded.
                try await phone.browser.type(into: "#team-chat-link", "zalo.me/g/abc")
                try await phone.browser.click("#team-submit")
                try await phone.waitForText("#team-chat-link-error", containing: "https://")
                #expect(try await world.stored("team.established").count == 1)
                try await phone.browser.clear("#team-chat-link")
                try await phone.browser.click("#team-submit")
                let established = try await world.waitForStored("team.established", count: 2)
                let made = try #require(established.last)
                #expect(made.unit == apiID(units.villageA2))
                #expect(made.payload["name"] as? String == "Tổ CNS Tổ dân phố 2")
                let decision = try #require(made.payload["decision"] as? [String: Any])
                #expect(decision["number"] as? String == "15/QĐ-UBND" && decision["signer"] as? String == "Lê Văn Cường")
                #expect(decision["issuingUnitId"] as? String == apiID(units.communeA))
                let newTeam = try #require(made.payload["teamId"] as? String)
                try await phone.go("#/commune")
                try await phone.waitForText(secondVillage, containing: "Tổ CNS Tổ dân phố 2")

                // Its chat-group link.
                try await phone.go("#/team/\(newTeam)")
                try await phone.waitForText("#team-facts", containing: "15/QĐ-UBND")
                try await phone.browser.type(into: "#chat-link", "https://zalo.me/g/tocns2")
                try await phone.check("officer-team")
                try await phone.browser.click("#chat-submit")
                let linked = try #require(try await world.waitForStored("team.chat_link_changed").first)
                #expect(linked.unit == apiID(units.villageA2))
                #expect(linked.payload["teamId"] as? String == newTeam)
                #expect(linked.payload["chatLink"] as? String == "https://zalo.me/g/tocns2")

                // Dissolving asks again; cancelled, nothing is recorded.
                try await phone.go("#/team/\(apiID(world.first.team))")
                try await phone.browser.click("#dissolve-start")
                try await phone.waitForText("#dissolve-confirm-panel", containing: "Giải thể")
                #expect(try await phone.focused() == "dissolve-question", "the question takes the focus, for keyboards and screen readers")
                try await phone.check("officer-team-dissolve-confirm", showing: "#dissolve-confirm-panel")
                try await phone.browser.click("#dissolve-cancel")
                #expect(try await phone.focused() == "dissolve-start")
                #expect(try await phone.browser.run("return document.getElementById('dissolve-confirm-panel').hidden") as? Bool == true)
                // Merging the first village's team into the new one, confirmed: recorded in the survivor's village.
                try await phone.browser.select("#merge-into", value: newTeam)
                try await phone.browser.click("#merge-start")
                try await phone.waitForText("#merge-confirm-panel", containing: "Tổ CNS Tổ dân phố 2")
                try await phone.browser.click("#merge-confirm")
                let merged = try #require(try await world.waitForStored("team.merged").first)
                #expect(merged.unit == apiID(units.villageA2))
                #expect(merged.payload["teamIds"] as? [String] == [apiID(world.first.team)])
                #expect(merged.payload["intoTeamId"] as? String == newTeam)
            }
        }
        #expect(try await world.stored("team.dissolved").isEmpty)
        await world.harness.close()
    }

    /// An officer sees only their commune's villages; a team of another commune of the province (which they
    /// may view) offers no action, and an event for it, as a tampered app could make it, is refused.
    @Test func aCommuneOfficerIsOfferedNothingOutsideTheirCommune() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: false, teamInOtherCommune: true)
        let units = world.units
        let foreign = try #require(world.otherCommuneTeam)
        try await world.serve(as: Self.officer(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                try await phone.go("#/commune")
                let villages = try await phone.waitForText("#village-list", containing: "Tổ dân phố 2")
                #expect(!villages.contains("Tổ dân phố 3"))
                try await phone.go("#/team/\(apiID(foreign))")
                try await phone.waitForText("main", containing: "không thuộc xã của bạn")
                #expect(try await phone.lacks("#chat-form"))
                #expect(try await phone.lacks("#dissolve-form"))
                _ = try await phone.browser.run("""
                    import('/app/queue.js').then(queue => queue.record({type: 'team.dissolved', unitId: arguments[0],
                      payload: {teamId: arguments[1]}, summary: ['Giải thể (thử)', 'Dissolved (forged)']}));
                    return true;
                    """, arguments: [apiID(units.villageA3), apiID(foreign)])
                try await phone.waitUntil("the forged item refused") { try await phone.outboxState() == "refused" }
                try await phone.go("#/queue")
                let refused = try await phone.waitForText("#outbox-items li[data-state='refused']", containing: "Giải thể (thử)")
                #expect(refused.contains("Bị từ chối"))
            }
        }
        #expect(try await world.stored("team.dissolved").isEmpty)
        await world.harness.close()
    }
}
