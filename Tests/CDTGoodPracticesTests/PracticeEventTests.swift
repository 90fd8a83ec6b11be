import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTGoodPractices

/// The module's own kinds of event, through the server: clients submit `good-practices.practice_shared`
/// (or its former name) to the core's event API, the module checks it, and its endorsement route records
/// `good-practices.practice_endorsed` in the log with the endorsement.
@Suite struct PracticeEventTests {
    private func body(_ type: String, id: UUID = UUID(), unit: ID<AdministrativeUnit>, version: Int = 1, payload: String) -> String {
        #"{"id": "\#(id)", "type": "\#(type)", "version": \#(version), "unitId": "\#(unit)", "authorId": "\#(UUID())", "occurredAt": "2026-11-17T09:00:00+07:00", "payload": \#(payload)}"#
    }

    @Test func clientsSubmitTheModulesEventAndTheModuleChecksIt() async throws {
        let harness = try await ModuleTestHarness.make([GoodPracticesModule()])
        let units = harness.units
        try await harness.enable("good-practices", in: units.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .nationalAdministrator, unitID: nil)]) { admin in
            let author = admin.accountID!.rawValue
            func send(_ type: String, id: UUID = UUID(), version: Int = 1, _ payload: String) async throws -> TestAnswer {
                try await admin.post("/api/v1/events", body(type, id: id, unit: units.villageA1, version: version, payload: payload)
                    .replacingOccurrences(of: #""authorId": "[^"]*""#, with: #""authorId": "\#(author)""#, options: .regularExpression))
            }
            let shared = UUID()
            let stored = try await send("good-practices.practice_shared", id: shared, #"{"title": "Chợ 4.0", "summary": "Mã QR ở mọi sạp"}"#)
            #expect(stored.status == .created, "\(stored.text)")
            // Sent again: the same event, stored once.
            #expect(try await send("good-practices.practice_shared", id: shared, #"{"title": "Chợ 4.0", "summary": "Mã QR ở mọi sạp"}"#).status == .ok)
            // The former name is checked as the module's kind and kept as sent, so a resend of an event made
            // before the rename is stored once; the module reads it (three practices at the end).
            let formerID = UUID()
            let former = try await send("practice.shared", id: formerID, #"{"title": "Zalo thôn", "summary": "Nhóm Zalo cho cả thôn"}"#)
            #expect(former.status == .created, "\(former.text)")
            #expect((former.json["event"] as? [String: Any])?["type"] as? String == "practice.shared")
            #expect(try await send("practice.shared", id: formerID, #"{"title": "Zalo thôn", "summary": "Nhóm Zalo cho cả thôn"}"#).status == .ok)
            let formerBroken = try await send("practice.shared", #"{"title": "Zalo thôn"}"#)
            #expect(formerBroken.status == .unprocessableContent && formerBroken.fields == ["payload.summary"])
            // The module's rules: an unknown field, a missing title, a version it does not read.
            let unknown = try await send("good-practices.practice_shared", #"{"title": "A", "summary": "B", "colour": "red"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.fields == ["payload.colour"], "\(unknown.text)")
            let missing = try await send("good-practices.practice_shared", #"{"summary": "B"}"#)
            #expect(missing.status == .unprocessableContent && missing.fields == ["payload.title"], "\(missing.text)")
            let blank = try await send("good-practices.practice_shared", #"{"title": " ", "summary": "B"}"#)
            #expect(blank.status == .unprocessableContent && blank.fields == ["payload.title"], "\(blank.text)")
            let version = try await send("good-practices.practice_shared", version: 2, #"{"title": "A", "summary": "B"}"#)
            #expect(version.status == .unprocessableContent && version.fields == ["version"])
            // A kind no installed module declares, and one only the module's route records.
            let undeclared = try await send("follow-ups.done", #"{"note": "x"}"#)
            #expect(undeclared.status == .badRequest && undeclared.fields == ["type"])
            let routeOnly = try await send("good-practices.practice_endorsed", #"{"practiceId": "\#(shared)", "note": "x"}"#)
            #expect(routeOnly.status == .badRequest && routeOnly.fields == ["type"])
            // Province B has not turned the module on: its events are refused there.
            let off = try await admin.post("/api/v1/events", body("good-practices.practice_shared", unit: units.villageB1, payload: #"{"title": "A", "summary": "B"}"#)
                .replacingOccurrences(of: #""authorId": "[^"]*""#, with: #""authorId": "\#(author)""#, options: .regularExpression))
            #expect(off.status == .unprocessableContent && off.fields == ["type"], "\(off.text)")
            // In a batch, each event answers for itself.
            let batch = try await admin.post("/api/v1/events/batch", #"{"events": ["# + [
                body("good-practices.practice_shared", unit: units.villageA1, payload: #"{"title": "A", "summary": "B"}"#)
                    .replacingOccurrences(of: #""authorId": "[^"]*""#, with: #""authorId": "\#(author)""#, options: .regularExpression),
                body("good-practices.practice_shared", unit: units.villageA1, payload: #"{"title": "A"}"#),
                body("good-practices.practice_shared", unit: units.villageB1, payload: #"{"title": "A", "summary": "B"}"#)
                    .replacingOccurrences(of: #""authorId": "[^"]*""#, with: #""authorId": "\#(author)""#, options: .regularExpression),
            ].joined(separator: ",") + "]}")
            #expect(batch.status == .ok)
            let outcomes = (batch.json["results"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String }
            #expect(outcomes == ["accepted", "rejected", "rejected"], "\(batch.text)")
        }
        try await harness.catchUp()
        let titles = try await harness.snapshot("good_practices_practices")
        #expect(titles.count == 3)
    }

    @Test func anEndorsementIsTheModulesEventInTheLogWithTheRow() async throws {
        let harness = try await ModuleTestHarness.make([GoodPracticesModule()])
        let units = harness.units
        try await harness.enable("good-practices", in: units.provinceA)
        let market = harness.events.shared(in: units.villageA1, title: "Chợ 4.0", minute: 1)
        try await harness.append([market])
        try await harness.catchUp()
        try await harness.withClient(as: [RoleAssignment(role: .nationalAdministrator, unitID: nil)]) { admin in
            let endorsed = try await admin.post("/api/v1/modules/good-practices/practices/\(market.id)/endorsement", #"{"note": "Nhân rộng"}"#)
            #expect(endorsed.status == .ok, "\(endorsed.text)")
            let events = try await admin.get("/api/v1/events?type=good-practices.practice_endorsed")
            #expect(events.items.count == 1)
            let payload = events.items.first?["payload"] as? [String: Any]
            #expect((payload?["practiceId"] as? String)?.lowercased() == market.id.description.lowercased() && payload?["note"] as? String == "Nhân rộng")
            #expect(events.items.first?["unitId"] as? String == units.villageA1.description)
            // A refused endorsement records nothing.
            #expect(try await admin.post("/api/v1/modules/good-practices/practices/\(market.id)/endorsement", #"{"note": ""}"#).status == .unprocessableContent)
            #expect(try await admin.get("/api/v1/events?type=good-practices.practice_endorsed").items.count == 1)
        }
        let audit = try await harness.owner.query(
            "SELECT count(*)::int FROM audit_log WHERE action = 'event.recorded' AND details->>'type' = 'good-practices.practice_endorsed'"
        ).decode(Int.self)
        #expect(audit == [1])
    }

    /// A handler reads the province's settings as the province set them, and the module's defaults where it
    /// set nothing or has not enabled the module.
    @Test func aHandlerReadsTheProvincesSettingsOrTheDefaults() async throws {
        let harness = try await ModuleTestHarness.make([GoodPracticesModule()])
        defer { Task { await harness.close() } }
        let units = harness.units
        try await harness.enable("good-practices", in: units.provinceA, settings: ["pageSize": .number(5)])
        let context = try #require(harness.context(of: "good-practices"))
        #expect(try await context.settings(for: units.provinceA).integer("pageSize") == 5)
        #expect(try await context.settings(for: units.provinceA).bool("endorsedFirst") == true)
        #expect(try await context.settings(for: units.provinceB).integer("pageSize") == 20)
        try await harness.disable("good-practices", in: units.provinceA)
        #expect(try await context.settings(for: units.provinceA).integer("pageSize") == 20)
    }
}
