import CDTDomain
import CDTModuleKit
import CDTTesting
import HTTPTypes
import Foundation
import Testing
@testable import CDTGoodPractices

@Suite struct GoodPracticesTests {
    @Test func conformance() async throws {
        try await ModuleConformance.check(GoodPracticesModule()) { units, events in
            [
                events.shared(in: units.villageA1, title: "Thanh toán không tiền mặt ở chợ"),
                events.shared(in: units.villageB1, title: "Cài VNeID tại nhà văn hoá", minute: 5),
            ]
        }
    }

    @Test func localitiesShareAndCuratorsEndorseInTheirProvinceOnly() async throws {
        let harness = try await ModuleTestHarness.make([GoodPracticesModule()])
        let units = harness.units
        try await harness.enable("good-practices", in: units.provinceA, settings: ["pageSize": .number(5)])
        try await harness.enable("good-practices", in: units.provinceB)
        let market = harness.events.shared(in: units.villageA1, title: "Thanh toán không tiền mặt ở chợ", minute: 1)
        try await harness.append([market, harness.events.shared(in: units.villageB1, title: "Chợ số Sài Gòn", minute: 2)])
        try await harness.catchUp()
        try await harness.withClient(as: [RoleAssignment(role: .member, unitID: units.villageA2)]) { member in
            // Village A2's member sees A2 only: A1's practice is outside.
            let answer = try await member.get("/api/v1/modules/good-practices/practices")
            #expect(answer.status == .ok)
            #expect(answer.items.isEmpty)
        }
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            let found = try await officer.get("/api/v1/modules/good-practices/practices?q=thanh+toan")
            #expect(found.items.map { $0["title"] as? String } == ["Thanh toán không tiền mặt ở chợ"])
            // Without the curator role, endorsing is refused.
            let answer16 = try await officer.post("/api/v1/modules/good-practices/practices/\(market.id)/endorsement", #"{"note": "Hay"}"#)
            #expect(answer16.status == .forbidden)
            // The province's administrator makes the officer a curator for the commune (not for province B).
            let officerID = officer.accountID!
            try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]) { admin in
                let elsewhere = try await admin.post("/api/v1/accounts/\(officerID)/module-roles", #"{"role": "good-practices.curator", "unitId": "\#(units.communeB)"}"#)
                #expect(elsewhere.status == .forbidden)
                let village = try await admin.post("/api/v1/accounts/\(officerID)/module-roles", #"{"role": "good-practices.curator", "unitId": "\#(units.villageA1)"}"#)
                #expect(village.fields == ["unitId"])
                let granted = try await admin.post("/api/v1/accounts/\(officerID)/module-roles", #"{"role": "good-practices.curator", "unitId": "\#(units.communeA)"}"#)
                #expect(granted.status == .noContent)
            }
            let endorsed = try await officer.post("/api/v1/modules/good-practices/practices/\(market.id)/endorsement", #"{"note": "Nhân rộng"}"#)
            #expect(endorsed.status == .ok)
            #expect(endorsed.json["endorsed"] as? Bool == true)
            let answer17 = try await officer.post("/api/v1/modules/good-practices/practices/\(market.id)/endorsement", #"{"note": ""}"#)
            #expect(answer17.fields == ["note"])
        }
        // Endorsements are kept by a rebuild; the practices come back from the log.
        try await harness.rebuild("good-practices")
        try await harness.catchUp()
        try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]) { admin in
            let items = try await admin.get("/api/v1/modules/good-practices/practices").items
            #expect(items.count == 1)
            #expect(items.first?["endorsed"] as? Bool == true)
        }
        await harness.close()
    }
}
