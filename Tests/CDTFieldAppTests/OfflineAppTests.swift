import CDTDomain
import CDTTesting
import Foundation
import Testing

/// The field app with the network cut: what is recorded waits on the phone (IndexedDB), survives a reload
/// and a browser restart on the same profile, and is sent once when the network returns; replaying the
/// same outbox stores nothing twice.
@Suite(.serialized) struct OfflineAppTests {
    @Test func recordedOfflineSurvivesARestartAndIsStoredExactlyOnce() async throws {
        let world = try await FieldAppWorld.make()
        let visitsBefore = try await world.stored("household.visited").count
        try await world.onPhone(as: [RoleAssignment(role: .member, unitID: world.village)], phone: FieldAppWorld.memberPhone, evidence: "offline") { browser, port, client in
            // The app keeps the households on the phone while online; then the network is cut.
            try await browser.click("a[href='#/households']")
            _ = try await browser.text(of: "#household-list a")
            try await browser.setOffline(true)
            try await browser.waitUntil("the app to say it is offline") { try await browser.text(of: "#net").contains("Ngoại tuyến") }
            for (index, label) in ["Hộ Nguyễn Văn An", "Hộ Nguyễn Thị Bình", "Hộ Lê Thị Thuỷ"].enumerated() {
                try await browser.open("http://127.0.0.1:\(port)/app/#/household/\(world.households[label]!)")
                try await browser.click("#record-visit")
                try await browser.click("label[for='skill-onlinePublicServices-\(1 + index % 2)']")
                try await browser.click("#save-visit")
                try await browser.waitForScreen(label)
                try await browser.waitUntil("visit \(index + 1) kept on the phone") { try await browser.unsentCount() == index + 1 }
            }
            try await browser.open("http://127.0.0.1:\(port)/app/#/household-new")
            try await browser.type(into: "#label", "Hộ Đặng Thị Mai")
            try await browser.type(into: "#size", "3")
            try await browser.type(into: "#count-60plus", "1")
            try await browser.click("#save-household")
            try await browser.waitForScreen("Hộ Đặng Thị Mai")
            try await browser.waitUntil("four items waiting") { try await browser.unsentCount() == 4 }
            try await browser.screenshot(to: FieldAppArtifacts.file("offline-outbox-badge"))
            // Reloaded offline: the service worker serves the app, IndexedDB still holds the four.
            try await browser.open("http://127.0.0.1:\(port)/app/#/queue")
            try await browser.waitUntil("the reloaded app to count four") { try await browser.unsentCount() == 4 }
            #expect(try await browser.text(of: "#outbox-summary").contains("4 mục chờ gửi"))
            try await browser.screenshot(to: FieldAppArtifacts.file("offline-outbox"))
            #expect(try await world.stored("household.visited").count == visitsBefore, "nothing reached the server while offline")
            // The browser is closed and started again on the same profile, still without a network.
            try await browser.restart()
            try await browser.setOffline(true)
            try await browser.open("http://127.0.0.1:\(port)/app/#/queue")
            try await browser.waitUntil("the restarted app to count four") { try await browser.unsentCount() == 4 }
            // The network returns: the outbox drains by itself.
            try await browser.setOffline(false)
            try await browser.waitUntil("the outbox to drain", seconds: 40) { try await browser.unsentCount() == 0 }
            #expect(try await world.stored("household.visited").count == visitsBefore + 3)
            #expect(try await world.stored("household.registered").filter { $0.payload["label"] as? String == "Hộ Đặng Thị Mai" }.count == 1)
            // The same outbox sent again: every item is a duplicate, no row is added.
            let replayed = try await browser.run("""
                return Promise.all([import('/app/store.js'), import('/app/queue.js')]).then(async ([store, queue]) => {
                  for (const item of await queue.items()) { item.state = 'waiting'; await store.write('outbox', item); }
                  await queue.drain();
                  return (await queue.items()).map(item => item.state).join(',');
                });
                """) as? String
            #expect(replayed == "duplicate,duplicate,duplicate,duplicate", "\(replayed ?? "-")")
            try await browser.open("http://127.0.0.1:\(port)/app/#/queue")
            try await browser.waitUntil("the outbox to say already there") { try await browser.text(of: "#outbox-items").contains("Đã có trên máy chủ") }
        }
        #expect(try await world.stored("household.visited").count == visitsBefore + 3)
        #expect(try await world.stored("household.registered").filter { $0.payload["label"] as? String == "Hộ Đặng Thị Mai" }.count == 1)
        await world.harness.close()
    }
}
