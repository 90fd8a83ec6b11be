import CDTDomain
import CDTTesting
import Foundation
import Testing

/// A member uses the field app in headless Chromium at a phone's size (360×800), over a real socket
/// against a real PostgreSQL: signs in, finds a household without diacritics, records a visit and a new
/// household, online and offline.
@Suite(.serialized) struct MemberAppTests {

    /// Signs in, types `nguyen van` to find Nguyễn Văn An (not Nguyễn Thị Bình, nor Nguyễn Văn Ba of the
    /// next village), records a visit, and the event is in the log with the right unit, household, skills
    /// and the member who came.
    @Test func aMemberFindsAHouseholdWithoutDiacriticsAndRecordsAVisit() async throws {
        let world = try await FieldAppWorld.make()
        try await world.onPhone(as: [RoleAssignment(role: .member, unitID: world.village)], phone: FieldAppWorld.memberPhone, evidence: "member-visit", signedIn: false) { browser, port, client in
            try await browser.open("http://127.0.0.1:\(port)/app/")
            try await browser.screenshot(to: FieldAppArtifacts.file("signin"))
            try await browser.signInToFieldApp(port: port, login: try #require(client.login))
            try await browser.screenshot(to: FieldAppArtifacts.file("member-home"))
            try await browser.click("a[href='#/households']")
            try await browser.type(into: "#household-search", "nguyen van")
            try await browser.waitUntil("the search to narrow the list") { try await browser.text(of: "#household-count").hasPrefix("1 /") }
            let found = try await browser.text(of: "#household-list")
            #expect(found.contains("Hộ Nguyễn Văn An"), "\(found)")
            #expect(!found.contains("Bình") && !found.contains("Hộ Nguyễn Văn Ba"), "\(found)")
            // Either tone-mark placement finds Hoà.
            try await browser.clear("#household-search")
            try await browser.type(into: "#household-search", "Trần Văn Hòa")
            try await browser.waitUntil("Hoà found with the other tone-mark placement") { try await browser.text(of: "#household-list").contains("Hộ Trần Văn Hoà") }
            try await browser.clear("#household-search")
            try await browser.type(into: "#household-search", "nguyen van")
            try await browser.screenshot(to: FieldAppArtifacts.file("member-households"))
            try await browser.click("#household-list a")
            try await browser.waitUntil("the household's page") { try await browser.text(of: "h1") == "Hộ Nguyễn Văn An" }
            try await browser.screenshot(to: FieldAppArtifacts.file("member-household"))
            try await browser.click("#record-visit")
            _ = try await browser.text(of: "#save-visit")
            // The member's own box is ticked: they came.
            let ticked = try await browser.run("return document.querySelector('#member-\(world.member)').checked")
            #expect(ticked as? Bool == true)
            try await browser.click("label[for='skill-onlinePayment-2']")        // mastered
            try await browser.click("label[for='service-vneidActivated-1']")     // guided
            try await browser.click("label[for='skill-cyberSafety-3']")          // not applicable
            try await browser.type(into: "#note", "Đã cài ứng dụng ngân hàng cho bà")
            try await browser.screenshot(to: FieldAppArtifacts.file("member-visit"))
            try await browser.click("#save-visit")
            try await browser.waitForScreen("Hộ Nguyễn Văn An")
            try await browser.waitUntil("the visit to be sent") {
                let unsent = try await browser.unsentCount()
                let visits = try await world.stored("household.visited").count
                return unsent == 0 && visits == 3
            }
            try await browser.click("#outbox-link")
            try await browser.waitUntil("the outbox to show it sent") { try await browser.text(of: "#outbox-items").contains("Đã gửi") }
            try await browser.screenshot(to: FieldAppArtifacts.file("member-outbox"))
        }
        let visit = try #require(try await world.stored("household.visited").last)
        #expect(visit.unit == world.village.description)
        #expect(visit.payload["householdId"] as? String == world.households["Hộ Nguyễn Văn An"]!.description)
        #expect(visit.payload["skills"] as? [String: String] == ["onlinePayment": "mastered", "cyberSafety": "notApplicable"])
        #expect(visit.payload["services"] as? [String: String] == ["vneidActivated": "guided"])
        #expect(visit.payload["memberIds"] as? [String] == [world.member.description])
        #expect(visit.payload["note"] as? String == "Đã cài ứng dụng ngân hàng cho bà")
        await world.harness.close()
    }
}
