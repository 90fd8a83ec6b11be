import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import CDTTesting
import HTTPTypes
import Foundation
import Testing

/// Enabling, disabling and configuring modules per province through the API, with scope checks.
@Suite struct ModuleEnablementTests {
    static let nationalAdmin = [RoleAssignment(role: .nationalAdministrator, unitID: nil)]

    @Test func aModuleEnabledForOneProvinceAnswersItsUsersAndNotTheOthers() async throws {
        let harness = try await ModuleTestHarness.make([LedgerModule()])
        let units = harness.units
        try await harness.append([harness.events.shared(in: units.villageA1, title: "Chợ 4.0")])
        try await harness.withClient(as: Self.nationalAdmin) { admin in
            let enabled = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": true, "settings": {"pageSize": 50}}"#)
            #expect(enabled.status == .ok)
            #expect(enabled.json["enabled"] as? Bool == true)
            #expect((enabled.json["settings"] as? [String: Any])?["pageSize"] as? Int == 50)
            let list = try await admin.get("/api/v1/modules")
            let ledger = list.items.first { $0["id"] as? String == "ledger" }
            #expect((ledger?["provinces"] as? [[String: Any]])?.count == 1)
        }
        try await harness.catchUp()
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officerA in
            let answer = try await officerA.get("/api/v1/modules/ledger/entries")
            #expect(answer.status == .ok)
            #expect(answer.json["titles"] as? [String] == ["Chợ 4.0"])
            #expect(answer.json["pageSize"] as? Int == 50)
        }
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeB)]) { officerB in
            try Task.checkCancellation()
            #expect(try await officerB.get("/api/v1/modules/ledger/entries").status == .notFound)
        }
        // Disabled: 404 for A too, the data kept; enabled again, it is back.
        try await harness.withClient(as: Self.nationalAdmin) { admin in
            try Task.checkCancellation()
            let answer1 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": false}"#)
            #expect(answer1.status == .ok)
        }
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officerA in
            try Task.checkCancellation()
            #expect(try await officerA.get("/api/v1/modules/ledger/entries").status == .notFound)
        }
        #expect(try await harness.snapshot("ledger_entries").count == 1)
        try await harness.enable("ledger", in: units.provinceA)
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officerA in
            try Task.checkCancellation()
            #expect(try await officerA.get("/api/v1/modules/ledger/entries").json["titles"] as? [String] == ["Chợ 4.0"])
        }
        // Each change is audited.
        let actions = try await RowScope.$current.withValue(.everyProvince) {
            try await harness.owner.query("SELECT action FROM audit_log WHERE target = 'ledger' ORDER BY id").decode(String.self)
        }
        #expect(actions == ["module.enabled", "module.settings_changed", "module.disabled", "module.enabled"])
        await harness.close()
    }

    @Test func aProvinceAdministratorManagesOnlyTheirProvinceAndOnlyWhenAllowed() async throws {
        let harness = try await ModuleTestHarness.make([LedgerModule()])
        let units = harness.units
        let adminA = [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]
        try await harness.withClient(as: adminA) { admin in
            // Another province: not in their view, so not found.
            let answer2 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceB)", #"{"enabled": true}"#)
            #expect(answer2.status == .notFound)
            // Their own, before national administrators allowed it: as if it were not installed.
            let answer3 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": true}"#)
            #expect(answer3.status == .notFound)
        }
        try await harness.withClient(as: Self.nationalAdmin) { national in
            try Task.checkCancellation()
            let answer4 = try await national.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"provinceMayManage": true}"#)
            #expect(answer4.status == .ok)
        }
        try await harness.withClient(as: adminA) { admin in
            let answer5 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": true}"#)
            #expect(answer5.status == .ok)
            // But never the permission itself, and never another province.
            let answer6 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"provinceMayManage": false}"#)
            #expect(answer6.status == .forbidden)
            let answer7 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceB)", #"{"enabled": true}"#)
            #expect(answer7.status == .notFound)
            // They see their province's state only.
            let ledger = try await admin.get("/api/v1/modules").items.first { $0["id"] as? String == "ledger" }
            #expect((ledger?["provinces"] as? [[String: Any]])?.map { $0["provinceId"] as? String } == [units.provinceA.description])
            // Delivery status is for national administrators.
            #expect(try await admin.get("/api/v1/modules/ledger/status").status == .forbidden)
        }
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            try Task.checkCancellation()
            let answer8 = try await officer.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": false}"#)
            #expect(answer8.status == .forbidden)
        }
        await harness.close()
    }

    @Test func aProvinceThatDidNotTurnAModuleOnCannotTellItIsInstalled() async throws {
        let harness = try await ModuleTestHarness.make([LedgerModule()])
        let units = harness.units
        try await harness.enable("ledger", in: units.provinceB)
        try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]) { hanoi in
            #expect(try await hanoi.get("/api/v1/modules").items.isEmpty)
            for (installed, unknown) in [
                ("/api/v1/modules/ledger/status", "/api/v1/modules/no-such-module/status"),
                ("/api/v1/modules/ledger/provinces/\(units.provinceA)", "/api/v1/modules/no-such-module/provinces/\(units.provinceA)"),
            ] {
                let method: HTTPRequest.Method = installed.hasSuffix("status") ? .get : .post
                let body = method == .get ? nil : #"{"enabled": true}"#
                let (a, b) = (try await hanoi.send(method, installed, body: body), try await hanoi.send(method, unknown, body: body))
                #expect(a.status == .notFound && a.status == b.status && a.text == b.text, "\(installed): \(a.status) \(a.text) against \(b.text)")
            }
        }
        // Once their province may manage it, they see it and may turn it on.
        try await harness.withClient(as: Self.nationalAdmin) { national in
            try Task.checkCancellation()
            #expect(try await national.get("/api/v1/modules").items.count == 1)
            #expect(try await national.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"provinceMayManage": true}"#).status == .ok)
        }
        try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]) { hanoi in
            try Task.checkCancellation()
            #expect(try await hanoi.get("/api/v1/modules").items.count == 1)
            #expect(try await hanoi.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": true}"#).status == .ok)
        }
        await harness.close()
    }

    @Test func badChangesAreRefusedNamingTheFieldAndChangeNothing() async throws {
        let dependent = LedgerModule(dependencies: ["ledger"], id: "ledger-report")
        let harness = try await ModuleTestHarness.make([LedgerModule(), dependent])
        let units = harness.units
        try await harness.withClient(as: Self.nationalAdmin) { admin in
            let base = "/api/v1/modules/ledger/provinces/\(units.provinceA)"
            let outOfRange = try await admin.post(base, #"{"enabled": true, "settings": {"pageSize": 500}}"#)
            #expect(outOfRange.status == .unprocessableContent)
            #expect(outOfRange.fields == ["settings.pageSize"])
            let answer9 = try await admin.post(base, #"{"settings": {"nope": 1}}"#)
            #expect(answer9.fields == ["settings.nope"])
            let answer10 = try await admin.post(base, #"{"settings": {"pageSize": "ten"}}"#)
            #expect(answer10.fields == ["settings.pageSize"])
            let unknownField = try await admin.post(base, #"{"enable": true}"#)
            #expect(unknownField.status == .badRequest)
            #expect(unknownField.fields == ["enable"])
            let answer11 = try await admin.post("/api/v1/modules/nope/provinces/\(units.provinceA)", #"{"enabled": true}"#)
            #expect(answer11.status == .notFound)
            let answer12 = try await admin.post("/api/v1/modules/ledger/provinces/\(units.communeA)", #"{"enabled": true}"#)
            #expect(answer12.fields == ["provinceId"])
            // A dependency must be enabled first, and cannot be disabled under its dependent.
            let early = try await admin.post("/api/v1/modules/ledger-report/provinces/\(units.provinceA)", #"{"enabled": true}"#)
            #expect(early.status == .unprocessableContent)
            #expect(early.fields == ["enabled"])
            let answer13 = try await admin.post(base, #"{"enabled": true}"#)
            #expect(answer13.status == .ok)
            let answer14 = try await admin.post("/api/v1/modules/ledger-report/provinces/\(units.provinceA)", #"{"enabled": true}"#)
            #expect(answer14.status == .ok)
            let answer15 = try await admin.post(base, #"{"enabled": false}"#)
            #expect(answer15.fields == ["enabled"])
            // Nothing of the refused changes was kept.
            let ledger = try await admin.get("/api/v1/modules").items.first { $0["id"] as? String == "ledger" }
            let state = (ledger?["provinces"] as? [[String: Any]])?.first
            #expect(state?["enabled"] as? Bool == true)
            #expect((state?["settings"] as? [String: Any])?["pageSize"] as? Int == 20)
        }
        await harness.close()
    }
}
