import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import CDTPartnerDiscounts

/// An offer's life through HTTP: drafted, approved, claimed, looked up, redeemed, reported; and what the
/// counter learns, limits under concurrency, eligibility lost, guessing, and a replay of the log.
@Suite struct PartnerFlowTests {
    let base = "/api/v1/modules/partner-discounts"

    @Test func anOfferEndToEndFromDraftToReport() async throws {
        let s = try await PartnerScenario.make()
        let (partner, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA], subsidy: 20000, cap: 30000)
        let claimed = Box<[String: Any]>()
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA) { member in
            let open = try await member.get("\(base)/my/offers")
            #expect(open.status == .ok && open.items.count == 1, "\(open.text)")
            #expect(open.items.first?["openToMe"] as? Bool == true && open.items.first?["remaining"] as? Int == 100)
            let claim = try await member.post("\(base)/offers/\(offer)/claims", "{}")
            #expect(claim.status == .created, "\(claim.text)")
            claimed.value = claim.json
            // One per member: a second claim is refused naming the offer.
            let again = try await member.post("\(base)/offers/\(offer)/claims", "{}")
            #expect(again.status == .conflict && again.fields == ["id"], "\(again.text)")
            let codes = try await member.get("\(base)/my/codes")
            #expect(codes.items.map { $0["state"] as? String } == ["active"])
            let qr = try await member.get("\(base)/my/codes/\(claim.json["claimId"] as? String ?? "")/qr.svg")
            #expect(qr.status == .ok && qr.headers[.contentType] == "image/svg+xml" && qr.text.hasPrefix("<svg"))
        }
        let code = try #require(claimed.value?["code"] as? String)
        try await s.harness.withClient(as: []) { anonymous in
            let counter = anonymous.withToken(key)
            let lookup = try await counter.post("\(base)/partner/codes/lookup", #"{"code": "\#(code.lowercased())"}"#)
            #expect(lookup.status == .ok && lookup.json["state"] as? String == "valid", "\(lookup.text)")
            let person = lookup.json["person"] as? [String: Any]
            #expect(person?["givenName"] as? String == "Lan" && person?["phoneLast3"] as? String == "678")
            let redeemed = try await counter.post("\(base)/partner/codes/redemption", #"{"code": "\#(code)"}"#)
            #expect(redeemed.status == .ok && redeemed.json["state"] as? String == "redeemed", "\(redeemed.text)")
            let twice = try await counter.post("\(base)/partner/codes/redemption", #"{"code": "\#(code)"}"#)
            #expect(twice.status == .conflict && twice.fields == ["code"])
            let after = try await counter.post("\(base)/partner/codes/lookup", #"{"code": "\#(code)"}"#)
            #expect(after.json["state"] as? String == "redeemed" && after.json["person"] == nil, "\(after.text)")
            let days = try await counter.get("\(base)/partner/report")
            #expect(days.items.map { $0["redemptions"] as? Int } == [1] && days.items.first?["day"] as? String == "2026-11-18", "\(days.text)")
        }
        try await s.harness.withClient(as: s.provinceAdminA) { admin in
            let report = try await admin.get("\(base)/reports/province?provinceId=\(s.units.provinceA)")
            let line = (report.json["offers"] as? [[String: Any]])?.first
            #expect(line?["claims"] as? Int == 1 && line?["redemptions"] as? Int == 1 && line?["owed"] as? Int == 20000, "\(report.text)")
            let communes = line?["communes"] as? [[String: Any]]
            #expect(communes?.map { $0["commune"] as? String } == ["Phường Ba Đình"])
            let csv = try await admin.get("\(base)/reports/province.csv?provinceId=\(s.units.provinceA)")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("\u{FEFF}Ưu đãi,Doanh nghiệp,Xã/phường,Lượt nhận mã,Lượt sử dụng"), "\(csv.text)")
            #expect(csv.text.contains("Phường Ba Đình,1,1"))
            // A province administrator is not a national role.
            #expect(try await admin.get("\(base)/reports/national").status == .forbidden)
        }
        try await s.harness.withClient(as: PartnerScenario.national) { national in
            let uptake = try await national.get("\(base)/reports/national")
            #expect(uptake.items.map { $0["redemptions"] as? Int } == [1] && uptake.items.first?["province"] as? String == "Thành phố Hà Nội", "\(uptake.text)")
        }
        // Each step is the module's own event in the log, and audited.
        let kinds = try await s.harness.owner.query("SELECT type FROM events WHERE type LIKE 'partner-discounts.%' ORDER BY position").decode(String.self)
        #expect(kinds == ["partner-discounts.partner_registered", "partner-discounts.offer_drafted", "partner-discounts.offer_approved",
                          "partner-discounts.offer_claimed", "partner-discounts.code_redeemed"])
        let audited = try await s.harness.owner.query("""
            SELECT action FROM audit_log WHERE action LIKE 'partner-discounts.%' AND details->>'actor' = \(partner) ORDER BY id
            """).decode(String.self)
        #expect(audited == ["partner-discounts.offer.drafted", "partner-discounts.code.looked_up", "partner-discounts.code.looked_up",
                            "partner-discounts.code.redeemed", "partner-discounts.code.looked_up", "partner-discounts.code.looked_up"], "\(audited)")
        await s.harness.close()
    }

    /// Everything a partner's answers about a code contain, field by field: the offer, the state, the
    /// dates and, for a code it may honour, the given name and the phone's last three digits. Nothing else.
    @Test func theCounterLearnsOnlyTheGivenNameAndThePhonesLastThreeDigits() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA])
        let code = try await claim(offer, s)
        try await s.harness.withClient(as: []) { anonymous in
            let counter = anonymous.withToken(key)
            for answer in [try await counter.post("\(base)/partner/codes/lookup", #"{"code": "\#(code)"}"#),
                           try await counter.post("\(base)/partner/codes/redemption", #"{"code": "\#(code)"}"#)] {
                #expect(Set(answer.json.keys) == ["code", "state", "offer", "expiresAt", "redeemedAt", "person"] || Set(answer.json.keys) == ["code", "state", "offer", "expiresAt", "person"], "\(answer.text)")
                #expect(Set((answer.json["offer"] as? [String: Any])?.keys ?? [:].keys) == ["id", "title", "benefit"])
                #expect(Set((answer.json["person"] as? [String: Any])?.keys ?? [:].keys) == ["givenName", "phoneLast3"])
                for personal in ["0912345678", "912345678", "1990", "Trần", "Số 12", "female"] { #expect(!answer.text.contains(personal), "\(personal) in \(answer.text)") }
            }
            // The partner's other answers: its offers and its report, with nothing about any member.
            let offers = try await counter.get("\(base)/partner/offers")
            #expect(offers.items.map { Set($0.keys) } == [["id", "provinceId", "partnerId", "partnerName", "title", "terms", "benefit", "communeIds",
                                                           "leadersOnly", "trainedOnly", "validFrom", "validUntil", "quantity", "perMemberLimit",
                                                           "codeValidDays", "status", "subsidyPerRedemption", "budgetCap", "claimed", "redeemed"]])
            let report = try await counter.get("\(base)/partner/report")
            #expect(report.items.map { Set($0.keys) } == [["offerId", "title", "day", "redemptions"]])
            for answer in [offers, report] { #expect(!answer.text.contains("Lan") && !answer.text.contains("345678") && !answer.text.contains("345 678")) }
        }
        await s.harness.close()
    }

    /// Claims an offer as Trần Thị Lan: her code.
    func claim(_ offer: String, _ s: PartnerScenario) async throws -> String {
        let box = Box<String>()
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA) { member in
            let claim = try await member.post("\(base)/offers/\(offer)/claims", "{}")
            #expect(claim.status == .created, "\(claim.text)")
            box.value = claim.json["code"] as? String
        }
        return try #require(box.value)
    }

    @Test func fiftyConcurrentClaimsNeverExceedTheQuantity() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA], quantity: 7, perMember: 100)
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA, transport: .live) { member in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<50 { group.addTask { try await member.post("\(base)/offers/\(offer)/claims", "{}").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 7, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 43, "\(statuses)")
            let codes = try await member.get("\(base)/my/codes")
            #expect(Set(codes.items.compactMap { $0["code"] as? String }).count == 7)
        }
        let stored = try await s.harness.owner.query("SELECT count(*) FROM partner_discounts_claims").decode(Int.self)[0]
        #expect(stored == 7)
        await s.harness.close()
    }

    @Test func aMemberWhoLeftTheirTeamIsNoLongerEligibleAtTheCounter() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA])
        let code = try await claim(offer, s)
        let left = DomainEvent(id: ID(), unitID: s.units.villageA1, authorID: UUID(), occurredAt: ModuleTestHarness.now.addingTimeInterval(-3600),
                               payload: .memberLeft(MemberLeft(teamId: s.workA.team, memberId: s.workA.member, reason: "Chuyển công tác")))
        let outcome = try await s.harness.append([left])
        if case .rejected(let failure) = outcome[0] { Issue.record("member.left refused: \(failure)") }
        try await s.harness.withClient(as: []) { anonymous in
            let counter = anonymous.withToken(key)
            let lookup = try await counter.post("\(base)/partner/codes/lookup", #"{"code": "\#(code)"}"#)
            #expect(lookup.json["state"] as? String == "noLongerEligible" && lookup.json["person"] == nil, "\(lookup.text)")
            let redeem = try await counter.post("\(base)/partner/codes/redemption", #"{"code": "\#(code)"}"#)
            #expect(redeem.status == .conflict && redeem.fields == ["code"], "\(redeem.text)")
        }
        let redeemed = try await s.harness.owner.query("SELECT count(redeemed_at) FROM partner_discounts_claims").decode(Int.self)[0]
        #expect(redeemed == 0)
        await s.harness.close()
    }

    @Test func eligibilityRulesAreCheckedAtClaim() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let trained = try await s.approvedOffer(key: key, areas: [s.units.provinceA], trainedOnly: true)
        let elsewhere = try await s.approvedOffer(key: key, areas: [s.units.communeA2])
        try await s.harness.withClient(as: s.memberA, phone: PartnerScenario.phoneA) { member in
            let untrained = try await member.post("\(base)/offers/\(trained)/claims", "{}")
            #expect(untrained.status == .forbidden && untrained.fields == ["id"], "\(untrained.text)")
            let outside = try await member.post("\(base)/offers/\(elsewhere)/claims", "{}")
            #expect(outside.status == .forbidden && outside.fields == ["id"], "\(outside.text)")
            let listed = try await member.get("\(base)/my/offers")
            #expect(listed.items.allSatisfy { $0["openToMe"] as? Bool == false }, "\(listed.text)")
            // After a training she attended, the trained-only offer is hers to claim.
            let training = s.harness.events.training(in: s.units.communeA, attendedBy: [s.workA.member], minute: 30)
            _ = try await s.harness.append([training.event])
            let claimed = try await member.post("\(base)/offers/\(trained)/claims", "{}")
            #expect(claimed.status == .created, "\(claimed.text)")
        }
        // An account that is no member's cannot claim.
        try await s.harness.withClient(as: s.memberA) { stranger in
            let refused = try await stranger.post("\(base)/offers/\(trained)/claims", "{}")
            #expect(refused.status == .forbidden)
        }
        await s.harness.close()
    }

    @Test func anotherPartnersKeyCannotSeeOrRedeemACode() async throws {
        let s = try await PartnerScenario.make()
        let (_, keyA) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let (_, keyB) = try await s.partner("Bưu điện Hà Nội", taxCode: "0102595740")
        let offer = try await s.approvedOffer(key: keyA, areas: [s.units.provinceA])
        let code = try await claim(offer, s)
        try await s.harness.withClient(as: []) { anonymous in
            let other = anonymous.withToken(keyB)
            let lookup = try await other.post("\(base)/partner/codes/lookup", #"{"code": "\#(code)"}"#)
            let unknown = try await other.post("\(base)/partner/codes/lookup", #"{"code": "0000-0000-00"}"#)
            // Another partner's code reads exactly as one that does not exist.
            #expect(lookup.status == .notFound && lookup.text == unknown.text, "\(lookup.text)")
            let redeem = try await other.post("\(base)/partner/codes/redemption", #"{"code": "\#(code)"}"#)
            #expect(redeem.status == .notFound && redeem.fields == ["code"])
            let own = try await anonymous.withToken(keyA).post("\(base)/partner/codes/lookup", #"{"code": "\#(code)"}"#)
            #expect(own.json["state"] as? String == "valid")
        }
        await s.harness.close()
    }

    @Test func repeatedMissesLockTheCounterOutAndAreAudited() async throws {
        let s = try await PartnerScenario.make()
        let (partner, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        try await s.harness.withClient(as: []) { anonymous in
            let counter = anonymous.withToken(key)
            for guess in 0..<10 {
                let miss = try await counter.post("\(base)/partner/codes/lookup", #"{"code": "ABCD-EFGH-\#(String(format: "%02d", guess))"}"#)
                #expect(miss.status == .notFound)
            }
            let locked = try await counter.post("\(base)/partner/codes/lookup", #"{"code": "ABCD-EFGH-JK"}"#)
            #expect(locked.status == .tooManyRequests, "\(locked.text)")
        }
        let audit = try await s.harness.owner.query("""
            SELECT action, count(*) FROM audit_log WHERE details->>'actor' = \(partner) AND action LIKE 'partner-discounts.%' GROUP BY action ORDER BY action
            """).decode((String, Int).self)
        #expect(audit.map { "\($0.0)=\($0.1)" } == ["partner-discounts.code.lookup_missed=10", "partner-discounts.counter.locked_out=1"])
        await s.harness.close()
    }

    @Test func aReplayOfTheLogGivesTheSameState() async throws {
        let s = try await PartnerScenario.make()
        let (_, key) = try await s.partner("Viettel Hà Nội", taxCode: "0100109106")
        let offer = try await s.approvedOffer(key: key, areas: [s.units.provinceA, s.units.communeB], subsidy: 10000, cap: 50000)
        let code = try await claim(offer, s)
        _ = try await s.approvedOffer(key: key, areas: [s.units.communeA])
        try await s.harness.withClient(as: []) { anonymous in
            let redeemed = try await anonymous.withToken(key).post("\(base)/partner/codes/redemption", #"{"code": "\#(code)"}"#)
            #expect(redeemed.status == .ok)
            let withdrawn = try await anonymous.withToken(key).post("\(base)/partner/offers/\(offer)/withdrawal", #"{"reason": "Hết chương trình"}"#)
            #expect(withdrawn.status == .ok && withdrawn.items.allSatisfy { $0["status"] as? String == "withdrawn" }, "\(withdrawn.text)")
        }
        try await s.harness.catchUp()
        let tables = PartnerDiscountsModule().projectionTables
        var live: [String: [String]] = [:]
        for table in tables { live[table] = try await s.harness.snapshot(table) }
        #expect(live["partner_discounts_claims"]?.count == 1 && live["partner_discounts_offers"]?.count == 3)
        try await s.harness.rebuild("partner-discounts")
        try await s.harness.catchUp()
        for table in tables {
            let replayed = try await s.harness.snapshot(table)
            #expect(replayed == live[table], "\(table)")
        }
        await s.harness.close()
    }
}

/// `cdt demo`'s example data, recorded through the log and delivered like any event.
@Suite struct PartnerDemoTests {
    @Test func theDemoRegistersAPartnerWithAnApprovedOfferAndClaims() async throws {
        let s = try await PartnerScenario.make()
        let events = try await PartnerDiscountsModule().demoEvents(in: s.units.provinceA, author: UUID(), at: ModuleTestHarness.now, s.harness.owner)
        #expect(events.map(\.payload.type.rawValue) == ["partner-discounts.partner_registered", "partner-discounts.offer_drafted",
                                                        "partner-discounts.offer_approved", "partner-discounts.offer_claimed"])
        let outcomes = try await s.harness.append(events)
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
        try await s.harness.catchUp()
        let offers = try await s.harness.owner.query("SELECT status, partner_name FROM partner_discounts_offers").decode((String, String).self)
        #expect(offers.map(\.0) == ["approved"] && offers.first?.1 == "Viễn thông Thành phố Hà Nội (ví dụ)")
        let claims = try await s.harness.owner.query("""
            SELECT count(*) FROM partner_discounts_claims c JOIN partner_discounts_codes k ON k.claim_id = c.id
            WHERE c.code_hash = sha256(convert_to(k.code, 'UTF8'))
            """).decode(Int.self)[0]
        #expect(claims == 1)
        // Once there, the demo adds nothing more.
        #expect(try await PartnerDiscountsModule().demoEvents(in: s.units.provinceA, author: UUID(), at: ModuleTestHarness.now, s.harness.owner).isEmpty)
        await s.harness.close()
    }
}
