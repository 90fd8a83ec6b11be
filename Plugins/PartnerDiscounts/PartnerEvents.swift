public import CDTModuleKit
public import Foundation

/// A partner and its offers are known by typed ids like the core's entities.
public enum Partner {}
/// An offer of a partner (the same id in every province it runs in).
public enum Offer {}
/// A member's claim of an offer, with its one-time code.
public enum Claim {}

/// Text in Vietnamese and English; Vietnamese is shown first.
public struct BilingualText: Codable, Hashable, Sendable {
    public var vi: String
    public var en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    func validate(_ field: String, maximumLength: Int, into check: inout Validator) {
        check.text(vi, field + ".vi", maximumLength: maximumLength)
        check.text(en, field + ".en", maximumLength: maximumLength)
    }
}

/// What a member gets: a percentage off, a fixed price in đồng, or a free quantity (of `unit`: "GB").
public struct Benefit: Codable, Hashable, Sendable {
    /// `percentage`, `fixedPrice` or `freeQuantity`.
    public var kind: String
    /// The percentage (1–100), the price in đồng, or the quantity.
    public var amount: Int
    /// What the amount counts, for a free quantity ("GB", "tháng"); empty otherwise.
    public var unit: String

    public init(kind: String, amount: Int, unit: String = "") {
        self.kind = kind
        self.amount = amount
        self.unit = unit
    }

    static let kinds = ["percentage", "fixedPrice", "freeQuantity"]

    func validate(into check: inout Validator) {
        check.require(Self.kinds.contains(kind), "benefit.kind", "must be percentage, fixedPrice or freeQuantity")
        switch kind {
        case "percentage": check.require((1...100).contains(amount), "benefit.amount", "must be a percentage from 1 to 100")
        case "freeQuantity":
            check.require((1...1_000_000).contains(amount), "benefit.amount", "must be a quantity from 1 to 1000000")
            check.text(unit, "benefit.unit", maximumLength: 40)
        default: check.require((0...1_000_000_000).contains(amount), "benefit.amount", "must be a price from 0 to 1000000000 đồng")
        }
        check.require(unit.count <= 40, "benefit.unit", "must be at most 40 characters")
        check.storable(unit, "benefit.unit")
    }
}

/// The payload of `partner-discounts.partner_registered`: a partner organisation registered in its home
/// province (the event's unit), for the whole country or that province alone.
public struct PartnerRegistered: EventBody {
    public var partnerId: ID<Partner>
    public var name: String
    public var taxCode: String
    public var contact: String
    /// `national` or `province`.
    public var reach: String

    public func validate(into check: inout Validator) {
        check.text(name, "name")
        check.require(taxCode.range(of: #"^[0-9]{10}(-[0-9]{3})?$"#, options: .regularExpression) != nil, "taxCode", "must be a Vietnamese tax code: 10 digits, or 10-3")
        check.text(contact, "contact", maximumLength: 300)
        check.require(reach == "national" || reach == "province", "reach", "must be national or province")
    }
}

/// The payload of `partner-discounts.offer_drafted`: a partner's offer in one province (the event's unit),
/// awaiting that province's approval. An offer for several provinces is one event in each.
public struct OfferDrafted: EventBody {
    public var offerId: ID<Offer>
    public var partnerId: ID<Partner>
    public var partnerName: String
    public var title: BilingualText
    public var terms: BilingualText
    public var benefit: Benefit
    /// The communes of the province it is open in; empty: the whole province.
    public var communeIds: [ID<AdministrativeUnit>]
    public var leadersOnly: Bool
    public var trainedOnly: Bool
    public var validFrom: CalendarDate
    public var validUntil: CalendarDate
    /// How many codes may be claimed in the province.
    public var quantity: Int
    public var perMemberLimit: Int
    /// How many days a claimed code stays valid.
    public var codeValidDays: Int

    public func validate(into check: inout Validator) {
        check.text(partnerName, "partnerName")
        title.validate("title", maximumLength: 200, into: &check)
        terms.validate("terms", maximumLength: 2000, into: &check)
        benefit.validate(into: &check)
        check.require(communeIds.count <= 200, "communeIds", "must list at most 200 communes")
        check.require(validFrom <= validUntil, "validUntil", "must not be before validFrom")
        check.require((1...1_000_000).contains(quantity), "quantity", "must be from 1 to 1000000")
        check.require((1...100).contains(perMemberLimit), "perMemberLimit", "must be from 1 to 100")
        check.require((1...365).contains(codeValidDays), "codeValidDays", "must be from 1 to 365")
    }
}

/// The payload of `partner-discounts.offer_approved`: the province's administrator let the offer go live
/// in the province (the event's unit), co-funding each redemption with `subsidyPerRedemption` đồng up to
/// `budgetCap` in all (both 0: no co-funding).
public struct OfferApproved: EventBody {
    public var offerId: ID<Offer>
    public var subsidyPerRedemption: Int
    public var budgetCap: Int

    public func validate(into check: inout Validator) {
        check.require((0...100_000_000).contains(subsidyPerRedemption), "subsidyPerRedemption", "must be from 0 to 100000000 đồng")
        check.require((0...1_000_000_000_000).contains(budgetCap), "budgetCap", "must be from 0 to 1000000000000 đồng")
        check.require((subsidyPerRedemption == 0) == (budgetCap == 0), "budgetCap", "must be set together with subsidyPerRedemption")
    }
}

/// The payload of `partner-discounts.offer_withdrawn`: the partner withdrew the offer in the province
/// (the event's unit); codes already claimed there are no longer honoured.
public struct OfferWithdrawn: EventBody {
    public var offerId: ID<Offer>
    public var reason: String

    public func validate(into check: inout Validator) {
        check.text(reason, "reason", maximumLength: 500)
    }
}

/// The payload of `partner-discounts.offer_claimed`: a member claimed an offer at their team's unit (the
/// event's unit) and got a one-time code; the payload holds only the code's SHA-256 (`codeHash`, hex).
public struct OfferClaimed: EventBody {
    public var claimId: ID<Claim>
    public var offerId: ID<Offer>
    public var memberId: ID<Member>
    public var teamId: ID<Team>
    public var communeId: ID<AdministrativeUnit>
    public var codeHash: String
    public var expiresAt: Date

    public func validate(into check: inout Validator) {
        check.require(codeHash.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil, "codeHash", "must be a SHA-256 in hex")
    }
}

/// The payload of `partner-discounts.code_redeemed`: a partner's counter redeemed a claim's code, once.
public struct CodeRedeemed: EventBody {
    public var claimId: ID<Claim>
    public var offerId: ID<Offer>

    public func validate(into check: inout Validator) {}
}
