import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTPartnerDiscounts

/// A platform with the module enabled in provinces A and B, a team in village A1 (its head, Trần Thị Lan,
/// phone 0912 345 678) and one in village B1, and helpers to register partners and draft offers over HTTP.
struct PartnerScenario {
    let harness: ModuleTestHarness
    let workA: TestWork
    let workB: TestWork
    var units: TestUnits { harness.units }

    static let national = [RoleAssignment(role: .nationalAdministrator, unitID: nil)]
    /// Trần Thị Lan's account: a member of village A1's team, signed in with the phone she joined with.
    var memberA: [RoleAssignment] { [RoleAssignment(role: .member, unitID: units.villageA1)] }
    static let phoneA = "0912345678"
    var provinceAdminA: [RoleAssignment] { [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)] }
    var provinceAdminB: [RoleAssignment] { [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceB)] }

    static func make() async throws -> PartnerScenario {
        let harness = try await ModuleTestHarness.make([PartnerDiscountsModule()], units: TestUnits(secondCommunes: true))
        let u = harness.units
        try await harness.enable("partner-discounts", in: u.provinceA)
        try await harness.enable("partner-discounts", in: u.provinceB)
        let workA = harness.events.visit(in: u.villageA1, commune: u.communeA)
        let workB = harness.events.visit(in: u.villageB1, commune: u.communeB, minute: 10, phone: "0987654321")
        _ = try await harness.append(workA.events + workB.events)
        try await harness.catchUp()
        return PartnerScenario(harness: harness, workA: workA, workB: workB)
    }

    /// Registers a partner as a national administrator and issues it a key: (partner id, key).
    func partner(_ name: String, taxCode: String, in province: ID<AdministrativeUnit>? = nil) async throws -> (id: String, key: String) {
        let home = province ?? units.provinceA
        let result = Box<(String, String)>()
        try await harness.withClient(as: Self.national) { admin in
            let registered = try await admin.post("/api/v1/modules/partner-discounts/partners", """
                {"name": "\(name)", "taxCode": "\(taxCode)", "contact": "Phòng kinh doanh, 1800 8098", "provinceId": "\(home)", "reach": "national"}
                """)
            #expect(registered.status == .created, "\(registered.text)")
            let id = try #require(registered.json["id"] as? String)
            let key = try await admin.post("/api/v1/modules/partner-discounts/partners/\(id)/keys", #"{"label": "Hệ thống bán hàng", "validDays": 90}"#)
            #expect(key.status == .created, "\(key.text)")
            result.value = (id, try #require(key.json["key"] as? String))
        }
        return try #require(result.value)
    }

    static func offerBody(areas: [ID<AdministrativeUnit>], quantity: Int = 100, perMember: Int = 1, leadersOnly: Bool = false,
                          trainedOnly: Bool = false) -> String {
        """
        {"title": {"vi": "Giảm 50% gói 4G cho thành viên Tổ", "en": "50% off a 4G plan for team members"},
         "terms": {"vi": "Áp dụng tại cửa hàng trong tỉnh", "en": "At the province's shops"},
         "benefit": {"kind": "percentage", "amount": 50, "unit": ""},
         "areas": [\(areas.map { "\"\($0)\"" }.joined(separator: ", "))], "leadersOnly": \(leadersOnly), "trainedOnly": \(trainedOnly),
         "validFrom": "2026-11-01", "validUntil": "2026-12-31", "quantity": \(quantity), "perMemberLimit": \(perMember), "codeValidDays": 14}
        """
    }

    /// Drafts an offer with the partner's key and has each province's administrator approve it: the offer's id.
    func approvedOffer(key: String, areas: [ID<AdministrativeUnit>], quantity: Int = 100, perMember: Int = 1, leadersOnly: Bool = false,
                       trainedOnly: Bool = false, subsidy: Int = 0, cap: Int = 0) async throws -> String {
        let offer = Box<String>()
        try await harness.withClient(as: []) { anonymous in
            let drafted = try await anonymous.withToken(key).post("/api/v1/modules/partner-discounts/partner/offers",
                                                                  Self.offerBody(areas: areas, quantity: quantity, perMember: perMember,
                                                                                 leadersOnly: leadersOnly, trainedOnly: trainedOnly))
            #expect(drafted.status == .created, "\(drafted.text)")
            offer.value = drafted.json["id"] as? String
        }
        let id = try #require(offer.value)
        for province in Set(try await provinces(of: areas)) {
            try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: province)]) { admin in
                let approved = try await admin.post("/api/v1/modules/partner-discounts/offers/\(id)/approval",
                                                    #"{"provinceId": "\#(province)", "subsidyPerRedemption": \#(subsidy), "budgetCap": \#(cap)}"#)
                #expect(approved.status == .ok, "\(approved.text)")
            }
        }
        return id
    }

    func provinces(of areas: [ID<AdministrativeUnit>]) async throws -> [ID<AdministrativeUnit>] {
        areas.map { $0 == units.communeA || $0 == units.communeA2 ? units.provinceA : $0 == units.communeB || $0 == units.communeB2 ? units.provinceB : $0 }
    }
}

/// A value set inside a test client's closure and read after it.
final class Box<Value>: @unchecked Sendable {
    var value: Value?
}
