import CDTDomain
import CDTModuleKit
import CDTPostgres
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
        } sampleMutations: { _, events in
            [ModuleSampleRequest(.post, "practices/\(events[1].id)/endorsement", body: #"{"note": "Nên nhân rộng"}"#)]
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

/// A module that reads good-practices' figures, as rewards will read coverage's.
struct FiguresReader: FeatureModule {
    var manifest: ModuleManifest {
        ModuleManifest(id: "figures-reader", name: LocalizedName(vietnamese: "Đọc số liệu", english: "Figures reader"),
                       version: ModuleVersion(1, 0, 0), dependencies: ["good-practices"])
    }
}

@Suite struct PracticeFiguresTests {
    @Test func anotherModuleReadsTheFiguresWithinTheCallersProvinces() async throws {
        let harness = try await ModuleTestHarness.make([GoodPracticesModule(), FiguresReader()])
        let units = harness.units
        try await harness.enable("good-practices", in: units.provinceA)
        try await harness.append([
            harness.events.shared(in: units.villageA1, title: "Chợ 4.0", minute: 1),
            harness.events.shared(in: units.villageA2, title: "Ví điện tử cho người cao tuổi", minute: 2),
        ])
        try await harness.catchUp()
        let figures = try harness.context(of: "figures-reader")!.services.service((any UnitFigures).self, from: "good-practices")
        let inA = try await RowScope.$current.withValue(.provinces([units.provinceA.rawValue])) { try await figures.figures(for: units.communeA) }
        #expect(inA.first { $0.key == "practicesShared" }?.value == 2)
        #expect(try await RowScope.$current.withValue(.provinces([units.provinceA.rawValue])) { try await figures.figures(for: units.villageA1) }
            .first { $0.key == "practicesShared" }?.value == 1)
        // A caller confined to province B sees none of A's, through the service too.
        let inB = try await RowScope.$current.withValue(.provinces([units.provinceB.rawValue])) { try await figures.figures(for: units.communeA) }
        #expect(inB.first { $0.key == "practicesShared" }?.value == 0)
        await harness.close()
    }
}
