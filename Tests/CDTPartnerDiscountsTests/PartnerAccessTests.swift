import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTPartnerDiscounts

/// Who may register, approve, see and use what: partners' keys and staff accounts, province administrators.
@Suite struct PartnerAccessTests {
    let base = "/api/v1/modules/partner-discounts"

    @Test func provinceAdministratorsApproveOnlyInTheirOwnProvince() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let box = Box<String>()
        try await s.harness.withClient(as: []) { anonymous in
            let drafted = try await anonymous.withToken(key).post("\(base)/partner/offers", PartnerScenario.offerBody(areas: [s.units.provinceA, s.units.communeB]))
            #expect(drafted.status == .created, "\(drafted.text)")
            box.value = drafted.json["id"] as? String
            #expect((drafted.json["provinces"] as? [[String: Any]])?.count == 2)
        }
        let offerID = try #require(box.value)
        try await s.harness.withClient(as: s.provinceAdminA) { adminA in
            // Province A's administrator sees only A's part awaiting approval, and cannot approve B's.
            let awaiting = try await adminA.get("\(base)/approvals")
            #expect(awaiting.items.map { $0["provinceId"] as? String } == [s.units.provinceA.description])
            let forB = try await adminA.post("\(base)/offers/\(offerID)/approval", #"{"provinceId": "\#(s.units.provinceB)", "subsidyPerRedemption": 0, "budgetCap": 0}"#)
            #expect(forB.status == .forbidden && forB.fields == ["provinceId"], "\(forB.text)")
            let badCap = try await adminA.post("\(base)/offers/\(offerID)/approval", #"{"provinceId": "\#(s.units.provinceA)", "subsidyPerRedemption": 5000, "budgetCap": 0}"#)
            #expect(badCap.status == .unprocessableContent && badCap.fields == ["budgetCap"], "\(badCap.text)")
            let forA = try await adminA.post("\(base)/offers/\(offerID)/approval", #"{"provinceId": "\#(s.units.provinceA)", "subsidyPerRedemption": 5000, "budgetCap": 1000000}"#)
            #expect(forA.status == .ok && forA.json["status"] as? String == "approved", "\(forA.text)")
            let again = try await adminA.post("\(base)/offers/\(offerID)/approval", #"{"provinceId": "\#(s.units.provinceA)", "subsidyPerRedemption": 0, "budgetCap": 0}"#)
            #expect(again.status == .conflict && again.fields == ["id"])
        }
        // Province A's administrator withdraws A's part, not B's.
        try await s.harness.withClient(as: s.provinceAdminA) { adminA in
            let forB = try await adminA.post("\(base)/offers/\(offerID)/suspension", #"{"provinceId": "\#(s.units.provinceB)", "reason": "Không phù hợp"}"#)
            #expect(forB.status == .forbidden && forB.fields == ["provinceId"])
            let inA = try await adminA.post("\(base)/offers/\(offerID)/suspension", #"{"provinceId": "\#(s.units.provinceA)", "reason": "Tạm dừng"}"#)
            #expect(inA.status == .ok && inA.json["status"] as? String == "withdrawn", "\(inA.text)")
        }
        // B's part still awaits B's administrator.
        try await s.harness.withClient(as: s.provinceAdminB) { adminB in
            let awaiting = try await adminB.get("\(base)/approvals")
            #expect(awaiting.items.map { $0["provinceId"] as? String } == [s.units.provinceB.description])
        }
        await s.harness.close()
    }

    @Test func aPartnerSeesAndUsesOnlyItsOwnOffers() async throws {
        let s = try await PartnerScenario.make()
        let (_, keyA) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let (_, keyB) = try await s.partner("Bưu điện Hà Nội", taxCode: "0102595740")
        let offer = try await s.approvedOffer(key: keyA, areas: [s.units.provinceA])
        try await s.harness.withClient(as: []) { anonymous in
            let own = try await anonymous.withToken(keyA).get("\(base)/partner/offers")
            #expect(own.items.map { $0["id"] as? String } == [offer])
            let other = try await anonymous.withToken(keyB).get("\(base)/partner/offers")
            #expect(other.status == .ok && other.items.isEmpty)
            let withdraw = try await anonymous.withToken(keyB).post("\(base)/partner/offers/\(offer)/withdrawal", #"{"reason": "Thử"}"#)
            #expect(withdraw.status == .notFound)
            // No key, or a made-up one: 401.
            // A browser without a session asking for the counter page goes to the sign-in form.
            let page = try await anonymous.openPage("\(base)/pages/counter")
            #expect(page.status == .seeOther || page.status == .found, "\(page.status)")
            let none = try await anonymous.get("\(base)/partner/offers")
            let madeUp = try await anonymous.withToken("cdtk_notakey").get("\(base)/partner/offers")
            #expect(none.status == .unauthorized && madeUp.status == .unauthorized)
        }
        await s.harness.close()
    }

    @Test func staffAccountsActForTheirPartnerAndKeysExpireOrAreRevoked() async throws {
        let s = try await PartnerScenario.make()
        let (partner, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA])
        try await s.harness.withClient(as: [RoleAssignment(role: .enterprisePartner, unitID: s.units.provinceA)]) { staff in
            // Not bound yet: the routes are not there for them.
            #expect(try await staff.get("\(base)/partner/offers").status == .notFound)
            let account = try #require(staff.accountID)
            try await s.harness.withClient(as: PartnerScenario.national) { admin in
                let bound = try await admin.post("\(base)/partners/\(partner)/staff", #"{"accountId": "\#(account)"}"#)
                #expect(bound.status == .ok && (bound.json["accounts"] as? [String]) == [account.description], "\(bound.text)")
                let nobody = try await admin.post("\(base)/partners/\(partner)/staff", #"{"accountId": "\#(UUID())"}"#)
                #expect(nobody.status == .unprocessableContent && nobody.fields == ["accountId"])
            }
            // Another partner's administrator cannot take the account over: binding never moves it.
            let (other, _) = try await s.partner("VNPT Hà Nội", taxCode: "0106869738")
            try await s.harness.withClient(as: PartnerScenario.national) { admin in
                let taken = try await admin.post("\(base)/partners/\(other)/staff", #"{"accountId": "\#(account)"}"#)
                #expect(taken.status == .conflict && taken.fields == ["accountId"] && !taken.text.contains(partner), "\(taken.text)")
            }
            let own = try await staff.get("\(base)/partner/offers")
            #expect(own.status == .ok && own.items.map { $0["id"] as? String } == [offer], "\(own.text)")
            // The staff account cannot do what administrators do.
            #expect(try await staff.get("\(base)/approvals").status == .notFound)
            try await s.harness.withClient(as: PartnerScenario.national) { admin in
                let unbound = try await admin.send(.delete, "\(base)/partners/\(partner)/staff/\(account)", body: nil)
                #expect(unbound.status == .ok)
            }
            #expect(try await staff.get("\(base)/partner/offers").status == .notFound)
        }
        // The staff binding is audited, naming the account.
        let audited = try await s.harness.owner.query("SELECT count(*) FROM audit_log WHERE action = 'partner-discounts.partner.staff_bound'").decode(Int.self)[0]
        #expect(audited == 1)
        // A key past its expiry opens nothing; revoked keys neither.
        let context = try #require(s.harness.context(of: "partner-discounts"))
        let expired = try await ModuleActorKeys(context).issue(to: partner, label: "cũ", expiresAt: Date().addingTimeInterval(-60))
        try await s.harness.withClient(as: []) { anonymous in
            let withExpired = try await anonymous.withToken(expired).get("\(base)/partner/offers")
            let withLive = try await anonymous.withToken(key).get("\(base)/partner/offers")
            #expect(withExpired.status == .unauthorized && withLive.status == .ok)
        }
        try await s.harness.withClient(as: PartnerScenario.national) { admin in
            let revoked = try await admin.post("\(base)/partners/\(partner)/keys/revocation", "{}")
            #expect(revoked.json["revoked"] as? Int == 2, "the live key and the expired one: \(revoked.text)")
            let afterRevocation = try await admin.withToken(key).get("\(base)/partner/offers")
            #expect(afterRevocation.status == .unauthorized)
        }
        await s.harness.close()
    }

    @Test func provinceAdministratorsRegisterLocalPartnersForTheirProvinceOnly() async throws {
        let s = try await PartnerScenario.make()
        try await s.harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: s.units.communeA)]) { officer in
            let listed = try await officer.get("\(base)/partners")
            #expect(listed.status == .forbidden)
        }
        try await s.harness.withClient(as: s.provinceAdminA) { adminA in
            let national = try await adminA.post("\(base)/partners", """
                {"name": "VNPT", "taxCode": "0100684378", "contact": "1800 1091", "provinceId": "\(s.units.provinceA)", "reach": "national"}
                """)
            #expect(national.status == .forbidden && national.fields == ["reach"])
            let inB = try await adminA.post("\(base)/partners", """
                {"name": "FPT Sài Gòn", "taxCode": "0101248141", "contact": "1900 6600", "provinceId": "\(s.units.provinceB)", "reach": "province"}
                """)
            #expect(inB.status == .unprocessableContent && inB.fields == ["provinceId"], "\(inB.text)")
            let badTax = try await adminA.post("\(base)/partners", """
                {"name": "Cửa hàng", "taxCode": "12", "contact": "0912", "provinceId": "\(s.units.provinceA)", "reach": "province"}
                """)
            #expect(badTax.status == .unprocessableContent && badTax.fields == ["taxCode"])
            let local = try await adminA.post("\(base)/partners", """
                {"name": "Tin học Ba Đình", "taxCode": "0101248141", "contact": "024 3823 0000", "provinceId": "\(s.units.provinceA)", "reach": "province"}
                """)
            #expect(local.status == .created, "\(local.text)")
            let id = try #require(local.json["id"] as? String)
            let key = try await adminA.post("\(base)/partners/\(id)/keys", #"{"label": "Quầy", "validDays": 30}"#)
            #expect(key.status == .created)
            let listed = try await adminA.get("\(base)/partners")
            #expect(listed.items.map { $0["name"] as? String } == ["Tin học Ba Đình"])
            let twice = try await adminA.post("\(base)/partners", """
                {"name": "Tin học Ba Đình 2", "taxCode": "0101248141", "contact": "024", "provinceId": "\(s.units.provinceA)", "reach": "province"}
                """)
            #expect(twice.status == .conflict && twice.fields == ["taxCode"])
            // A local partner offers in its own province only.
            let elsewhere = try await adminA.withToken(key.json["key"] as? String).post("\(base)/partner/offers", PartnerScenario.offerBody(areas: [s.units.provinceB]))
            #expect(elsewhere.status == .unprocessableContent && elsewhere.fields == ["areas[0]"], "\(elsewhere.text)")
        }
        await s.harness.close()
    }

    @Test func draftsBreakingRulesAreRefusedNamingTheField() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        try await s.harness.withClient(as: []) { anonymous in
            let partner = anonymous.withToken(key)
            let village = try await partner.post("\(base)/partner/offers", PartnerScenario.offerBody(areas: [s.units.villageA1]))
            #expect(village.status == .unprocessableContent && village.fields == ["areas[0]"])
            let zero = try await partner.post("\(base)/partner/offers", PartnerScenario.offerBody(areas: [s.units.provinceA], quantity: 0))
            #expect(zero.status == .unprocessableContent && zero.fields == ["quantity"], "\(zero.text)")
            let unknownField = try await partner.post("\(base)/partner/offers", #"{"title": 1}"#)
            #expect(unknownField.status == .badRequest)
            // Nothing was stored by the refused drafts.
            let stored = try await partner.get("\(base)/partner/offers")
            #expect(stored.items.isEmpty)
        }
        await s.harness.close()
    }
}
