import CDTDomain
import CDTPostgres
import CDTTesting
import Foundation
import Testing

/// The team leader's and the commune officer's screens of the field app, in headless Chromium at a
/// phone's 360 × 800, over a real socket against a real PostgreSQL: what they record reaches the log as
/// the right events, what they see stays inside where they work, and what the server refuses shows in
/// the outbox as refused.
@Suite(.serialized) struct LeaderOfficerAppTests {
    static func leader(_ units: TestUnits) -> [RoleAssignment] { [RoleAssignment(role: .teamLeader, unitID: units.villageA1)] }
    static func officer(_ units: TestUnits) -> [RoleAssignment] { [RoleAssignment(role: .communeOfficer, unitID: units.communeA)] }

    @Test func aTeamLeaderAddsAMemberRecordsWhoLeftAndATraining() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: true)
        let units = world.units
        try await world.serve(as: Self.leader(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                // The roster: the team's two members, heads first; nobody of the other village's team.
                try await phone.go("#/roster")
                let roster = try await phone.waitForText("#roster-list", containing: LeaderOfficerWorld.binhName)
                #expect(roster.contains(LeaderOfficerWorld.lan) && !roster.contains(LeaderOfficerWorld.xuan))
                #expect(try await phone.browser.text(of: "#roster-list li:first-child").contains("Tổ trưởng"))
                try await phone.check("leader-roster")
                // Searching without diacritics keeps Bình only.
                try await phone.browser.type(into: "#roster-search", "pham van binh")
                try await phone.waitForText("#roster-count", containing: "1 trên 2")

                // A new member: the form refuses a wrong phone number beside the field, then records.
                try await phone.go("#/member-new")
                try await phone.fillNewMember(name: "Nguyễn Thị Hoà", phone: "12345", gender: 0, birthYear: "1995")
                try await phone.browser.click("label[for=member-affiliation-2]")
                try await phone.browser.click("#member-submit")
                try await phone.waitForText("#member-phone-error", containing: "0 và 9 chữ số")
                #expect(try await phone.browser.run("return document.activeElement.id") as? String == "member-phone")
                #expect(try await world.stored("member.joined").count == 3, "nothing is recorded while the form is wrong")
                try await phone.browser.clear("#member-phone")
                try await phone.browser.type(into: "#member-phone", "0987 654 321")
                try await phone.check("leader-member-new")
                try await phone.browser.click("#member-submit")
                let joined = try await world.waitForStored("member.joined", count: 4)
                let added = try #require(joined.last)
                #expect(added.unit == apiID(units.villageA1))
                #expect(added.payload["teamId"] as? String == apiID(world.first.team))
                #expect(added.payload["role"] as? String == "member")
                let person = try #require(added.payload["person"] as? [String: Any])
                #expect(person["name"] as? String == "Nguyễn Thị Hoà")
                #expect(person["phone"] as? String == "0987654321")
                #expect(person["gender"] as? String == "female")
                #expect(person["birthYear"] as? Int == 1995)
                #expect(person["affiliations"] as? [String] == ["youthUnion"])
                // Sent, the new member is on the roster.
                try await phone.go("#/roster")
                try await phone.waitForText("#roster-list", containing: "Nguyễn Thị Hoà")

                // Bình leaves, with a reason.
                try await phone.go("#/member-left/\(apiID(world.binh))")
                try await phone.waitForText("#left-member", containing: LeaderOfficerWorld.binhName)
                try await phone.browser.type(into: "#left-reason", "Chuyển công tác")
                try await phone.check("leader-member-left")
                try await phone.browser.click("#left-submit")
                let left = try #require(try await world.waitForStored("member.left").first)
                #expect(left.unit == apiID(units.villageA1))
                #expect(left.payload["memberId"] as? String == apiID(world.binh))
                #expect(left.payload["teamId"] as? String == apiID(world.first.team))
                #expect(left.payload["reason"] as? String == "Chuyển công tác")

                // A training Lan attended; without an attendee ticked the form asks for one first.
                try await phone.go("#/training-new")
                try await phone.browser.type(into: "#training-topic", "Cài đặt và dùng VNeID")
                try await phone.browser.click("#training-submit")
                try await phone.waitForText("#training-attendee-error", containing: "ít nhất một")
                try await phone.browser.click("label[for=training-attendee-0]")
                try await phone.browser.click("label[for=training-format-1]")
                try await phone.check("leader-training-new")
                try await phone.browser.click("#training-submit")
                let training = try #require(try await world.waitForStored("training.held").first)
                #expect(training.unit == apiID(units.villageA1))
                #expect(training.payload["topic"] as? String == "Cài đặt và dùng VNeID")
                #expect(training.payload["format"] as? String == "online")
                #expect(training.payload["attendeeIds"] as? [String] == [apiID(world.first.member)])
            }
        }
        await world.harness.close()
    }

    @Test func aTeamLeadersAppOffersNothingOutsideTheirVillageAndShowsARefusalInTheOutbox() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: true)
        let units = world.units
        let other = try #require(world.second)
        try await world.serve(as: Self.leader(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                // The home screen offers the leader's screens and none of the officer's.
                #expect(try await phone.browser.has("a[href='#/roster']"))
                #expect(try await phone.lacks("a[href='#/commune']"))
                try await phone.check("leader-home")
                // The other village's member cannot be chosen, even by address.
                try await phone.go("#/member-left/\(apiID(other.head))")
                try await phone.waitForText("main", containing: "không có trong tổ của bạn")
                #expect(try await phone.lacks("#left-form"))
                // The officer's screens refuse a team leader.
                try await phone.go("#/team/\(apiID(other.team))")
                try await phone.waitForText("main", containing: "dành cho cán bộ xã")
                #expect(try await phone.lacks("#team-facts"))
                try await phone.go("#/member-left")
                let choices = try await phone.waitForText("#left-member", containing: LeaderOfficerWorld.binhName)
                #expect(!choices.contains(LeaderOfficerWorld.xuan))

                // An event for the other village's team, as a tampered app could make it, goes through the
                // outbox, is refused by the server and shows as refused, with the reason.
                _ = try await phone.browser.run("""
                    import('/app/queue.js').then(queue => queue.record({type: 'member.left', unitId: arguments[0],
                      payload: {teamId: arguments[1], memberId: arguments[2]}, summary: ['Ghi rời tổ (thử)', 'Left (forged)']}));
                    return true;
                    """, arguments: [apiID(units.villageA2), apiID(other.team), apiID(other.head)])
                try await phone.waitUntil("the forged item refused") { try await phone.outboxState() == "refused" }
                try await phone.go("#/queue")
                let refused = try await phone.waitForText("#outbox-items li[data-state='refused']", containing: "Ghi rời tổ (thử)")
                #expect(refused.contains("Bị từ chối"))
                try await phone.check("leader-outbox-refused")
            }
        }
        #expect(try await world.stored("member.left").isEmpty, "the refused event is not in the log")
        await world.harness.close()
    }

    /// Without network, the leader still opens the roster and adds a member: the member shows on the
    /// roster as waiting to be sent, nothing reaches the server, and once the network is back the outbox
    /// sends it, once. The screens speak English after the language switch.
    @Test func aTeamLeaderAddsAMemberOfflineAndTheOutboxSendsItLater() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: false)
        let units = world.units
        try await world.serve(as: Self.leader(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                try await phone.go("#/roster")
                try await phone.waitForText("#roster-list", containing: LeaderOfficerWorld.binhName)
                try await phone.browser.click("#lang")
                try await phone.waitForText("h1", containing: "Team roster")
                #expect(try await phone.browser.text(of: "#roster-list").contains("Head"))
                try await phone.browser.click("#lang")
                try await phone.waitForText("h1", containing: "Thành viên tổ")

                try await phone.browser.setOffline(true)
                try await phone.go("#/member-new")
                try await phone.fillNewMember(name: "Vũ Thị Mai", phone: "0912000010", gender: 0, birthYear: "2001")
                try await phone.browser.click("#member-submit")
                let roster = try await phone.waitForText("#roster-list", containing: "Vũ Thị Mai")
                #expect(roster.contains("chờ gửi"), "the new member shows as waiting: \(roster)")
                #expect(try await phone.browser.text(of: "#queue-count") == "1")
                try await phone.check("leader-roster-offline")
                #expect(try await world.stored("member.joined").count == 2, "nothing reached the server offline")

                try await phone.browser.setOffline(false)
                try await phone.go("#/queue")
                try await phone.browser.click("#send-now")
                let joined = try await world.waitForStored("member.joined", count: 3)
                #expect((joined.last?.payload["person"] as? [String: Any])?["name"] as? String == "Vũ Thị Mai")
                try await phone.waitForText("#outbox-items", containing: "Đã gửi")
                try await phone.browser.click("#send-now")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await world.stored("member.joined").count == 3, "sending again records nothing twice")
            }
        }
        await world.harness.close()
    }

    /// The team is dissolved while the leader, offline, adds a member: when the network returns the item is
    /// refused with the reason in words, and the leader's screens say their village has no active team
    /// (correcting the item leads there too), rather than offering a team that no longer exists.
    @Test func aTeamDissolvedMeanwhileIsToldAndNotOffered() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: false)
        let units = world.units
        try await world.serve(as: Self.leader(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                try await phone.go("#/roster")
                try await phone.waitForText("#roster-list", containing: LeaderOfficerWorld.binhName)
                try await phone.browser.setOffline(true)
                try await phone.go("#/member-new")
                try await phone.fillNewMember(name: "Lý Văn Nam", phone: "0912000011", gender: 1, birthYear: "1990")
                try await phone.browser.click("#member-submit")
                try await phone.waitForText("#roster-list", containing: "Lý Văn Nam")
                // Meanwhile the commune dissolves the team.
                try await world.harness.append([DomainEvent(id: ID(), unitID: units.villageA1, authorID: world.harness.events.author, occurredAt: Date(),
                                                            payload: .teamDissolved(TeamDissolved(teamId: world.first.team, reason: "Sáp xếp lại tổ")))])
                try await phone.browser.setOffline(false)
                try await phone.go("#/queue")
                try await phone.browser.click("#send-now")
                let refused = try await phone.waitForText("#outbox-items li[data-state='refused']", containing: "Lý Văn Nam")
                #expect(refused.contains("không còn hoạt động"), "the reason says the team is gone: \(refused)")
                #expect(try await world.stored("member.joined").count == 2)
                try await phone.browser.click("#outbox-items li[data-state='refused'] a.button")
                try await phone.waitForText("main", containing: "chưa có tổ đang hoạt động")
                #expect(try await phone.lacks("#member-form"))
                try await phone.go("#/roster")
                try await phone.waitForText("main", containing: "chưa có tổ đang hoạt động")
                try await phone.check("leader-no-team")
            }
        }
        await world.harness.close()
    }

    /// The server refuses a second head; the outbox says why in words, and "correct and send again" opens
    /// the form filled with what was recorded: corrected, the same item (the same event id) is taken.
    @Test func aTeamLeaderCorrectsARefusedMemberFromTheOutbox() async throws {
        let world = try await LeaderOfficerWorld.make(teamInSecondVillage: false)
        let units = world.units
        try await world.serve(as: Self.leader(units)) { port, login in
            try await LeaderOfficerPhone.use(port: port, login: login) { phone in
                try await phone.go("#/member-new")
                try await phone.fillNewMember(name: "Đỗ Văn Hùng", phone: "0912000009", gender: 1, birthYear: "1980")
                try await phone.browser.select("#member-role", value: "head")
                try await phone.browser.click("#member-submit")
                try await phone.waitUntil("the second head refused") { try await phone.outboxState() == "refused" }
                #expect(try await world.stored("member.joined").count == 2, "the refused member is not in the log")
                try await phone.go("#/queue")
                let refused = try await phone.waitForText("#outbox-items li[data-state='refused']", containing: "Đỗ Văn Hùng")
                #expect(refused.contains("tổ trưởng"), "the reason names the head: \(refused)")
                let itemID = try #require(try await phone.browser.run(
                    "return document.querySelector(\"#outbox-items li[data-state='refused']\").dataset.id") as? String)
                try await phone.browser.click("#outbox-items li[data-state='refused'] a.button")
                try await phone.waitForText(".banner.bad", containing: "tổ trưởng")
                #expect(try await phone.browser.run("return document.getElementById('member-name').value") as? String == "Đỗ Văn Hùng")
                #expect(try await phone.browser.run("return document.getElementById('member-role').value") as? String == "head")
                try await phone.browser.select("#member-role", value: "deputyHead")
                try await phone.check("leader-member-fix")
                try await phone.browser.click("#member-submit")
                let joined = try await world.waitForStored("member.joined", count: 3)
                let corrected = try #require(joined.last)
                #expect(corrected.payload["role"] as? String == "deputyHead")
                #expect((corrected.payload["person"] as? [String: Any])?["name"] as? String == "Đỗ Văn Hùng")
                let ids = try await RowScope.$current.withValue(.everyProvince) {
                    try await world.harness.owner.query("SELECT id::text FROM events WHERE type = 'member.joined' ORDER BY position DESC LIMIT 1").decode(String.self)
                }
                #expect(ids == [itemID], "the corrected event keeps the item's id")
            }
        }
        await world.harness.close()
    }
}
