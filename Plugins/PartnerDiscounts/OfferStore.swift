import CDTModuleKit
import Foundation
import Hummingbird

/// An offer's part in one province as stored, with how many codes were claimed and redeemed there.
struct OfferRow: Codable, Sendable {
    var provinceId: ID<AdministrativeUnit>
    var id: ID<Offer>
    var partnerId: ID<Partner>
    var partnerName: String
    var titleVi: String
    var titleEn: String
    var termsVi: String
    var termsEn: String
    var benefitKind: String
    var benefitAmount: Int
    var benefitUnit: String
    var communeIds: [ID<AdministrativeUnit>]
    var leadersOnly: Bool
    var trainedOnly: Bool
    var validFrom: CalendarDate
    var validUntil: CalendarDate
    var quantity: Int
    var perMemberLimit: Int
    var codeValidDays: Int
    var status: String
    var subsidyPerRedemption: Int
    var budgetCap: Int
    var claimed: Int
    var redeemed: Int

    static let columns = """
        o.province_id, o.id, o.partner_id, o.partner_name, o.title_vi, o.title_en, o.terms_vi, o.terms_en, o.benefit_kind, o.benefit_amount,
        o.benefit_unit, o.commune_ids, o.leaders_only, o.trained_only, o.valid_from, o.valid_until, o.quantity, o.per_member_limit,
        o.code_valid_days, o.status, o.subsidy_per_redemption, o.budget_cap,
        (SELECT count(*) FROM partner_discounts_claims c WHERE c.province_id = o.province_id AND c.offer_id = o.id) AS claimed,
        (SELECT count(*) FROM partner_discounts_claims c WHERE c.province_id = o.province_id AND c.offer_id = o.id AND c.redeemed_at IS NOT NULL) AS redeemed
        """

    /// The offers matching `condition` (over `o`, the offers), newest first.
    static func select(where condition: PostgresQuery, _ database: PostgresClient) async throws -> [OfferRow] {
        try await database.query("""
            SELECT \(unsafeSQL: columns) FROM partner_discounts_offers o WHERE \(condition) ORDER BY o.drafted_at DESC, o.id, o.province_id
            """).decode(as: OfferRow.self)
    }

    /// Whether the offer is open for claims on `day`: approved, and `day` within its dates.
    func isOpen(on day: CalendarDate) -> Bool {
        status == "approved" && validFrom <= day && day <= validUntil
    }

    var view: OfferView {
        OfferView(id: id, provinceId: provinceId, partnerId: partnerId, partnerName: partnerName,
                  title: BilingualText(vi: titleVi, en: titleEn), terms: BilingualText(vi: termsVi, en: termsEn),
                  benefit: Benefit(kind: benefitKind, amount: benefitAmount, unit: benefitUnit), communeIds: communeIds,
                  leadersOnly: leadersOnly, trainedOnly: trainedOnly, validFrom: validFrom, validUntil: validUntil, quantity: quantity,
                  perMemberLimit: perMemberLimit, codeValidDays: codeValidDays, status: status,
                  subsidyPerRedemption: subsidyPerRedemption, budgetCap: budgetCap, claimed: claimed, redeemed: redeemed)
    }
}

/// An offer's part in one province, as the API answers it.
struct OfferView: Codable, Sendable, ResponseEncodable {
    var id: ID<Offer>
    var provinceId: ID<AdministrativeUnit>
    var partnerId: ID<Partner>
    var partnerName: String
    var title: BilingualText
    var terms: BilingualText
    var benefit: Benefit
    var communeIds: [ID<AdministrativeUnit>]
    var leadersOnly: Bool
    var trainedOnly: Bool
    var validFrom: CalendarDate
    var validUntil: CalendarDate
    var quantity: Int
    var perMemberLimit: Int
    var codeValidDays: Int
    /// `awaitingApproval`, `approved` or `withdrawn`.
    var status: String
    var subsidyPerRedemption: Int
    var budgetCap: Int
    var claimed: Int
    var redeemed: Int
}
