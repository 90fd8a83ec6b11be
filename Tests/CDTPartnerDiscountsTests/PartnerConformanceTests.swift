import CDTModuleKit
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTPartnerDiscounts

/// The kit's conformance check: manifest, migrations, 404 where disabled, replay equals live delivery, and
/// every changing route audited. The sample events are an offer's whole life in province B.
@Suite struct PartnerConformanceTests {
    /// A code whose SHA-256 the sample claim carries (`K7QM-4XZ2-9P`).
    static let code = "K7QM-4XZ2-9P"
    static let codeHash = "57c0d27f59ba0019ddaeda8fc672b9d8e1f2dd02529dd4b402fe99ab4d255f35"

    struct Samples {
        var partner: ID<Partner>
        var offer: ID<Offer>
        var awaiting: ID<Offer>
        var events: [DomainEvent]
    }

    static func samples(_ units: TestUnits, _ events: TestEvents) -> Samples {
        let work = events.visit(in: units.villageB1, commune: units.communeB)
        // A second member of the team, with a phone of her own, for the page's claim.
        let second = events.event(units.villageB1, minute: 5, .memberJoined(MemberJoined(
            teamId: work.team, memberId: ID(), role: .member,
            person: PersonDetails(name: "Lê Thị Hoa", phone: "0987654321", gender: .female, birthYear: 1995, affiliations: []))))
        let partner = ID<Partner>(), offer = ID<Offer>(), awaiting = ID<Offer>(), author = UUID()
        let at = { (minute: Int) in TestEvents.start.addingTimeInterval(TimeInterval(minute * 60)) }
        func drafted(_ id: ID<Offer>) -> OfferDrafted {
            OfferDrafted(offerId: id, partnerId: partner, partnerName: "Viettel Hồ Chí Minh",
                         title: BilingualText(vi: "Tặng 5 GB data", en: "5 GB of data free"), terms: BilingualText(vi: "Một lần", en: "Once"),
                         benefit: Benefit(kind: "freeQuantity", amount: 5, unit: "GB"), communeIds: [], leadersOnly: false, trainedOnly: false,
                         validFrom: CalendarDate("2025-08-01")!, validUntil: CalendarDate("2027-12-31")!, quantity: 50, perMemberLimit: 5, codeValidDays: 30)
        }
        let module = PartnerDiscountsModule.self
        let own = try! [
            module.partnerRegistered.event(in: units.provinceB, by: author, at: at(20), PartnerRegistered(
                partnerId: partner, name: "Viettel Hồ Chí Minh", taxCode: "0100109106", contact: "1800 8098", reach: "national")),
            module.offerDrafted.event(in: units.provinceB, by: partner.rawValue, at: at(21), drafted(offer)),
            module.offerDrafted.event(in: units.provinceB, by: partner.rawValue, at: at(22), drafted(awaiting)),
            module.offerDrafted.event(in: units.provinceB, by: partner.rawValue, at: at(22), drafted(ID())),
            module.offerApproved.event(in: units.provinceB, by: author, at: at(23), OfferApproved(offerId: offer, subsidyPerRedemption: 10000, budgetCap: 100000)),
            module.offerClaimed.event(in: units.villageB1, by: author, at: at(24), OfferClaimed(
                claimId: ID(), offerId: offer, memberId: work.member, teamId: work.team, communeId: units.communeB, codeHash: codeHash,
                expiresAt: Date(timeIntervalSince1970: 1_830_000_000))),
        ]
        return Samples(partner: partner, offer: offer, awaiting: awaiting, events: work.events + [second] + own)
    }

    @Test func conformance() async throws {
        try await ModuleConformance.check(PartnerDiscountsModule()) { units, events in
            Self.samples(units, events).events
        } sampleMutations: { harness, events in
            let u = harness.units
            let registered = try PartnerDiscountsModule.partnerRegistered.payload(of: events[5])
            let first = try PartnerDiscountsModule.offerDrafted.payload(of: events[6]), second = try PartnerDiscountsModule.offerDrafted.payload(of: events[7])
            let third = try PartnerDiscountsModule.offerDrafted.payload(of: events[8])
            let partner = try #require(registered).partnerId, offer = try #require(first).offerId, awaiting = try #require(second).offerId
            let awaitingToo = try #require(third).offerId
            let context = try #require(harness.context(of: "partner-discounts"))
            let key = try await ModuleActorKeys(context).issue(to: partner.description, label: "Thử")
            let staff = Box<ID<Account>>()
            try await harness.withClient(as: [RoleAssignment(role: .enterprisePartner, unitID: u.provinceB)]) { staff.value = $0.accountID }
            let account = try #require(staff.value)
            let member = [RoleAssignment(role: .member, unitID: u.villageB1)]
            var claimForm = ModuleSampleRequest.form("pages/member/claim", [("offer", offer.description)], as: member)
            claimForm.phone = "0987654321"
            var counterForm = ModuleSampleRequest.form("pages/counter", [("code", Self.code), ("action", "lookup")],
                                                       as: [RoleAssignment(role: .enterprisePartner, unitID: u.provinceB)])
            counterForm.prepare = { staff in try await ModuleActorAccounts(context).bind(try #require(staff.accountID), to: partner.description) }
            let approvalForm = ModuleSampleRequest.form("pages/approvals", [("offer", awaiting.description), ("provinceId", u.provinceB.description),
                                                                           ("subsidyPerRedemption", "0"), ("budgetCap", "0")])
            return [
                claimForm, counterForm,
                ModuleSampleRequest(.post, "partners", body: """
                    {"name": "Bưu điện TP.HCM", "taxCode": "0300000001", "contact": "1900 545481", "provinceId": "\(u.provinceB)", "reach": "national"}
                    """),
                ModuleSampleRequest(.post, "partners/\(partner)/keys", body: #"{"label": "Quầy 1", "validDays": 30}"#),
                ModuleSampleRequest(.post, "partners/\(partner)/staff", body: #"{"accountId": "\#(account)"}"#),
                ModuleSampleRequest(.delete, "partners/\(partner)/staff/\(account)"),
                ModuleSampleRequest(.post, "partner/offers", body: PartnerScenario.offerBody(areas: [u.provinceB]), token: key),
                approvalForm,
                ModuleSampleRequest(.post, "offers/\(offer)/claims", body: "{}", as: member, phone: "0912345678"),
                ModuleSampleRequest(.post, "partner/codes/lookup", body: #"{"code": "\#(Self.code)"}"#, token: key),
                ModuleSampleRequest(.post, "partner/codes/redemption", body: #"{"code": "\#(Self.code)"}"#, token: key),
                ModuleSampleRequest(.post, "offers/\(awaitingToo)/approval", body: #"{"provinceId": "\#(u.provinceB)", "subsidyPerRedemption": 0, "budgetCap": 0}"#),
                ModuleSampleRequest(.post, "offers/\(awaitingToo)/suspension", body: #"{"provinceId": "\#(u.provinceB)", "reason": "Tạm dừng"}"#),
                ModuleSampleRequest(.post, "partner/offers/\(offer)/withdrawal", body: #"{"reason": "Kết thúc"}"#, token: key),
                ModuleSampleRequest(.post, "partners/\(partner)/keys/revocation", body: "{}"),
            ]
        }
    }
}
