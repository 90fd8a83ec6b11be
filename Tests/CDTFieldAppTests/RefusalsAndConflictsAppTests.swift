import CDTDomain
import CDTPostgresClient
import CDTTesting
import Foundation
import Testing

/// What the field app does when the server says no, or someone else got there first: a refused item shows
/// its reason in words and can be corrected; a member cannot record beyond their village; a session that
/// ended while offline asks to sign in again and keeps the outbox; a household changed by someone else
/// meanwhile is set aside for the member to decide.
@Suite(.serialized) struct RefusalsAndConflictsAppTests {
    /// A team leader sees the whole commune's households but records work only in their village: a visit to
    /// a household of the next village is refused with its reason, corrected to the right household and sent.
    @Test func aRefusedVisitShowsItsReasonAndCanBeCorrected() async throws {
        let world = try await FieldAppWorld.make()
        let elsewhere = world.households["Hộ Nguyễn Văn Ba"]!, right = world.households["Hộ Trần Văn Hoà"]!
        try await world.onPhone(as: [RoleAssignment(role: .teamLeader, unitID: world.village)], phone: FieldAppWorld.headPhone, evidence: "refused") { browser, port, client in
            try await browser.open("http://127.0.0.1:\(port)/app/#/household/\(elsewhere)")
            try await browser.click("#record-visit")
            try await browser.click("label[for='service-vneidActivated-2']")
            try await browser.click("#save-visit")
            try await browser.waitForScreen("Hộ Nguyễn Văn Ba")
            try await browser.click("#outbox-link")
            try await browser.waitUntil("the refusal") { try await browser.text(of: "#outbox-items").contains("Bị từ chối") }
            let shown = try await browser.text(of: "#outbox-items")
            #expect(shown.contains("ngoài nơi bạn phụ trách"), "\(shown)")
            #expect(try await browser.text(of: "#outbox-link").contains("1"))
            try await browser.screenshot(to: FieldAppArtifacts.file("outbox-refused"))
            try await browser.click("a[href^='#/fix/']")
            try await browser.select("#household", value: right.description)
            try await browser.screenshot(to: FieldAppArtifacts.file("outbox-correct"))
            try await browser.click("#save-visit")
            try await browser.waitUntil("the corrected visit to be sent") { try await browser.text(of: "#outbox-items").contains("Đã gửi") }
            #expect(try await browser.unsentCount() == 0)
        }
        let visits = try await world.stored("household.visited")
        #expect(!visits.contains { $0.payload["householdId"] as? String == elsewhere.description })
        let corrected = try #require(visits.last)
        #expect(corrected.payload["householdId"] as? String == right.description && corrected.unit == world.village.description)
        await world.harness.close()
    }

    /// A member of village A1 cannot see a household of village A2 in the app, and an event for it (as a
    /// stale phone might still hold) is refused and shown so; nothing is stored.
    @Test func aMemberCannotRecordInAnotherVillage() async throws {
        let world = try await FieldAppWorld.make()
        let elsewhere = world.households["Hộ Nguyễn Văn Ba"]!
        let before = try await world.stored("household.visited").count
        try await world.onPhone(as: [RoleAssignment(role: .member, unitID: world.village)], phone: FieldAppWorld.memberPhone, evidence: "member-scope") { browser, port, client in
            try await browser.click("a[href='#/households']")
            #expect(!(try await browser.text(of: "#household-list").contains("Hộ Nguyễn Văn Ba")))
            try await browser.open("http://127.0.0.1:\(port)/app/#/household/\(elsewhere)")
            #expect(try await browser.text(of: "h1").contains("Không tìm thấy"))
            _ = try await browser.run("""
                return import('/app/queue.js').then(queue => queue.record({type: 'household.visited', unitId: '\(world.otherVillage)',
                  payload: {householdId: '\(elsewhere)', memberIds: ['\(world.member)'], skills: {onlinePayment: 'guided'}, services: {}},
                  summary: ['Thăm hộ Nguyễn Văn Ba', 'Visit'], screen: 'visit/\(elsewhere)'})).then(() => true);
                """)
            try await browser.open("http://127.0.0.1:\(port)/app/#/queue")
            try await browser.waitUntil("the refusal") { try await browser.text(of: "#outbox-items").contains("Bị từ chối") }
        }
        #expect(try await world.stored("household.visited").count == before)
        await world.harness.close()
    }

    /// The session ends while the phone is offline: the app asks to sign in again, the outbox stays, and
    /// after signing in it is sent.
    @Test func anExpiredSessionKeepsTheOutbox() async throws {
        let world = try await FieldAppWorld.make()
        let before = try await world.stored("household.visited").count
        try await world.onPhone(as: [RoleAssignment(role: .member, unitID: world.village)], phone: FieldAppWorld.memberPhone, evidence: "expired") { browser, port, client in
            let login = try #require(client.login)
            try await browser.click("a[href='#/households']")
            _ = try await browser.text(of: "#household-list a")
            try await browser.setOffline(true)
            try await browser.open("http://127.0.0.1:\(port)/app/#/household/\(world.households["Hộ Lê Thị Thuỷ"]!)")
            try await browser.click("#record-visit")
            try await browser.click("label[for='skill-onlineShopping-1']")
            try await browser.click("#save-visit")
            try await browser.waitForScreen("Hộ Lê Thị Thuỷ")
            try await browser.waitUntil("the visit kept") { try await browser.unsentCount() == 1 }
            // Meanwhile every session of the account ends (as at expiry).
            try await world.harness.owner.execute("DELETE FROM sessions WHERE account_id = \(try #require(client.accountID))")
            try await browser.setOffline(false)
            try await browser.waitUntil("the app to ask for a new sign-in", seconds: 40) { try await browser.has("#signin-form") }
            #expect(try await browser.text(of: "main").contains("Phiên đăng nhập đã hết hạn"))
            #expect(try await browser.unsentCount() == 1)
            try await browser.screenshot(to: FieldAppArtifacts.file("session-expired"))
            try await browser.type(into: "#password", login["password"]!)
            try await browser.click("#signin-submit")
            try await browser.waitUntil("the outbox sent after signing in") { try await browser.unsentCount() == 0 }
        }
        #expect(try await world.stored("household.visited").count == before + 1)
        await world.harness.close()
    }

    /// A household changed by someone else while the member edited it offline: the member's change is set
    /// aside with both versions' story; sending it anyway stores it.
    @Test func aHouseholdChangedMeanwhileIsSetAsideForTheMember() async throws {
        let world = try await FieldAppWorld.make()
        let household = world.households["Hộ Nguyễn Thị Bình"]!
        try await world.onPhone(as: [RoleAssignment(role: .member, unitID: world.village)], phone: FieldAppWorld.memberPhone, evidence: "conflict") { browser, port, client in
            try await browser.click("a[href='#/households']")
            _ = try await browser.text(of: "#household-list a")
            try await browser.setOffline(true)
            try await browser.open("http://127.0.0.1:\(port)/app/#/household-edit/\(household)")
            try await browser.clear("#size")
            try await browser.type(into: "#size", "7")
            try await browser.click("#save-household")
            try await browser.waitForScreen("Hộ Nguyễn Thị Bình")
            try await browser.waitUntil("the change kept") { try await browser.unsentCount() == 1 }
            // Someone else changes the household on the server meanwhile.
            try await world.harness.append([world.harness.events.event(world.village, minute: 24 * 60 * 400, .householdUpdated(HouseholdDetails(
                householdId: household, label: "Hộ Nguyễn Thị Bình", size: 5)))])
            try await browser.setOffline(false)
            try await browser.open("http://127.0.0.1:\(port)/app/#/queue")
            try await browser.waitUntil("the conflict to show", seconds: 40) { try await browser.text(of: "#outbox-items").contains("Người khác đã sửa") }
            #expect(try await browser.text(of: "#outbox-items").contains("5"))
            try await browser.screenshot(to: FieldAppArtifacts.file("outbox-conflict"))
            try await browser.click("#outbox-items button.primary")
            try await browser.waitUntil("mine sent") { try await browser.text(of: "#outbox-items").contains("Đã gửi") }
        }
        let updates = try await world.stored("household.updated")
        #expect(updates.last?.payload["size"] as? Int == 7)
        await world.harness.close()
    }
}
