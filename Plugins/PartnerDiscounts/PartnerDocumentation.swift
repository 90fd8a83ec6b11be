import CDTModuleKit
import Hummingbird

/// What `/openapi.json` says about the module's routes.
enum PartnerDocumentation {
    static let bilingual = APISchema.object(["vi": .string, "en": .string], closed: true)
    static let benefit = APISchema.object([
        "kind": .oneOf(Benefit.kinds),
        "amount": APISchema.integer.described("The percentage, the price in đồng, or the free quantity."),
        "unit": APISchema.text(maximumLength: 40).described("What a free quantity counts (\"GB\"); empty otherwise."),
    ], closed: true)

    static func registerSchemas(_ routes: inout ModuleRoutes) {
        routes.schema("Partner", .object([
            "id": .uuid, "provinceId": APISchema.uuid.described("Its home province."), "name": .string, "taxCode": .string, "contact": .string,
            "reach": .oneOf(["national", "province"]), "registeredAt": .dateTime,
        ]))
        routes.schema("Offer", .object([
            "id": .uuid, "provinceId": .uuid, "partnerId": .uuid, "partnerName": .string, "title": bilingual, "terms": bilingual, "benefit": benefit,
            "communeIds": APISchema.array(of: .uuid).described("The communes it is open in; empty: the whole province."),
            "leadersOnly": .boolean, "trainedOnly": .boolean, "validFrom": .date, "validUntil": .date,
            "quantity": APISchema.integer.described("Codes that may be claimed in the province."), "perMemberLimit": .integer, "codeValidDays": .integer,
            "status": .oneOf(["awaitingApproval", "approved", "withdrawn"]),
            "subsidyPerRedemption": APISchema.integer.described("The province's co-funding of each redemption, in đồng."),
            "budgetCap": APISchema.integer.described("The most the province pays in all, in đồng."), "claimed": .integer, "redeemed": .integer,
        ]))
        routes.schema("OfferList", .object(["items": .array(of: .reference("Offer"))]))
        routes.schema("CounterAnswer", .object([
            "code": APISchema.string.described("The code as XXXX-XXXX-XX."),
            "state": .oneOf(["valid", "redeemed", "expired", "withdrawn", "noLongerEligible"]),
            "offer": .object(["id": .uuid, "title": bilingual, "benefit": benefit]),
            "expiresAt": .dateTime, "redeemedAt": .dateTime,
            "person": APISchema.object(["givenName": .string, "phoneLast3": .string]).described("Only while the code may be honoured: enough to check the person, nothing more."),
        ], optional: ["redeemedAt", "person"]))
    }

    static let draftBody = APISchema.object([
        "title": bilingual, "terms": bilingual, "benefit": benefit,
        "areas": APISchema.array(of: .uuid).described("Provinces (all of it) and communes (those communes) where it is open."),
        "leadersOnly": .boolean, "trainedOnly": .boolean, "validFrom": .date, "validUntil": .date,
        "quantity": .integer(1...1_000_000), "perMemberLimit": .integer(1...100), "codeValidDays": .integer(1...365),
    ], closed: true)

    static let partner = [APIParameter.path("id", .uuid, "The partner.")]
    static let offer = [APIParameter.path("id", .uuid, "The offer.")]
    static let provinceQuery = [APIParameter.query("provinceId", .uuid, "The province (the caller's own when they see one).")]
    static let code = APISchema.object(["code": APISchema.string.described("The code as typed: case, spaces and dashes do not matter.")], closed: true)

    static let register = RouteDocumentation(
        summary: "Register a partner organisation", description: "National administrators register national partners; a province's administrator local ones for their province. Recorded as `partner-discounts.partner_registered`.",
        body: .object(["name": .string, "taxCode": .matching("^[0-9]{10}(-[0-9]{3})?$"), "contact": .text(maximumLength: 300), "provinceId": .uuid,
                       "reach": .oneOf(["national", "province"])], closed: true),
        answer: APIAnswer(status: .created, mediaType: "application/json", schema: .reference("Partner"), summary: "The partner."),
        errors: [.forbidden, .conflict, .unprocessableContent])
    static let partners = RouteDocumentation(summary: "The partners an administrator deals with",
                                             description: "Every partner for a national administrator; the national ones and the province's own for a province's administrator.",
                                             answer: .json(.object(["items": .array(of: .reference("Partner"))]), "The partners, in Vietnamese order."), errors: [.forbidden])
    static let issueKey = RouteDocumentation(
        summary: "Issue an API key for a partner's system", description: "The key is shown once; it expires after `validDays`.", parameters: partner,
        body: .object(["label": .string, "validDays": .integer(1...730)], closed: true),
        answer: APIAnswer(status: .created, mediaType: "application/json", schema: .object(["key": .string, "label": .string, "expiresAt": .dateTime]), summary: "The key, once."),
        errors: [.forbidden, .unprocessableContent])
    static let revokeKeys = RouteDocumentation(summary: "Revoke every API key of a partner", parameters: partner, body: .object([:]),
                                               answer: .json(.object(["revoked": .integer]), "How many keys were revoked."), errors: [.forbidden])
    static let staff = APISchema.object(["partnerId": .uuid, "accounts": .array(of: .uuid)])
    static let bindStaff = RouteDocumentation(
        summary: "Bind a staff account to a partner", description: "The account (role `enterprisePartner`) then acts as the partner on its routes and pages.",
        parameters: partner, body: .object(["accountId": .uuid], closed: true), answer: .json(staff, "The partner's staff accounts."),
        errors: [.forbidden, .unprocessableContent])
    static let unbindStaff = RouteDocumentation(summary: "Unbind a staff account", parameters: partner + [.path("accountId", .uuid, "The account.")],
                                                answer: .json(staff, "The partner's staff accounts."), errors: [.forbidden])
    static let ownOffers = RouteDocumentation(summary: "The partner's own offers, per province", answer: .json(.reference("OfferList"), "Its offers, newest first."))
    static let draft = RouteDocumentation(
        summary: "Draft an offer", description: "One `partner-discounts.offer_drafted` event in each province it names; it awaits each province's approval.",
        body: draftBody,
        answer: APIAnswer(status: .created, mediaType: "application/json", schema: .object(["id": .uuid, "provinces": .array(of: .reference("Offer"))]), summary: "The offer in each province."),
        errors: [.forbidden, .unprocessableContent])
    static let withdraw = RouteDocumentation(summary: "Withdraw an offer everywhere", parameters: offer, body: .object(["reason": .text(maximumLength: 500)], closed: true),
                                             answer: .json(.reference("OfferList"), "The offer in each province, withdrawn."), errors: [.unprocessableContent])
    static let approvals = RouteDocumentation(summary: "Offers awaiting approval in the provinces the caller administers",
                                              answer: .json(.reference("OfferList"), "The offers."), errors: [.forbidden])
    static let approve = RouteDocumentation(
        summary: "Approve an offer in a province", description: "By that province's administrator, with its co-funding (both 0: none). Recorded as `partner-discounts.offer_approved`.",
        parameters: offer, body: .object(["provinceId": .uuid, "subsidyPerRedemption": .integer(0...100_000_000), "budgetCap": .integer], closed: true),
        answer: .json(.reference("Offer"), "The offer in the province."), errors: [.forbidden, .conflict, .unprocessableContent])
    static let suspend = RouteDocumentation(
        summary: "Withdraw an offer in a province", description: "By that province's administrator; codes claimed there are no longer honoured. Recorded as `partner-discounts.offer_withdrawn`.",
        parameters: offer, body: .object(["provinceId": .uuid, "reason": .text(maximumLength: 500)], closed: true),
        answer: .json(.reference("Offer"), "The offer in the province, withdrawn."), errors: [.forbidden, .conflict, .unprocessableContent])
    static let offersForMe = RouteDocumentation(
        summary: "The offers open in the caller's provinces",
        answer: .json(.object(["items": .array(of: .object(["offer": .reference("Offer"), "openToMe": .boolean, "reason": .string, "remaining": .integer, "claimedByMe": .integer],
                                                          optional: ["reason"]))]), "Each offer, and whether the caller may claim it (why not, if not)."),
        errors: [.forbidden])
    static let claim = RouteDocumentation(
        summary: "Claim an offer", description: "A one-time code for the caller (a team member, found by the account's phone). Quantity and per-member limits hold under concurrency.",
        parameters: offer, body: .object([:]),
        answer: APIAnswer(status: .created, mediaType: "application/json",
                          schema: .object(["claimId": .uuid, "offerId": .uuid, "code": .string, "expiresAt": .dateTime, "qr": APISchema.string.described("The QR code's path under the module.")]),
                          summary: "The code."),
        errors: [.forbidden, .conflict])
    static let myCodes = RouteDocumentation(
        summary: "The caller's codes",
        answer: .json(.object(["items": .array(of: .object(["claimId": .uuid, "offerId": .uuid, "title": bilingual, "partnerName": .string, "code": .string,
                                                            "claimedAt": .dateTime, "expiresAt": .dateTime, "state": .oneOf(["active", "redeemed", "expired", "withdrawn"]),
                                                            "qr": .string]))]), "Newest first."),
        errors: [.forbidden])
    static let qr = RouteDocumentation(summary: "One of the caller's codes as a QR code", parameters: [.path("id", .uuid, "The claim.")],
                                       answer: .text("image/svg+xml", "The QR code (byte mode, level M)."), errors: [.forbidden])
    static let lookUp = RouteDocumentation(
        summary: "Look a code up at the counter", description: "Rate limited and locked out after repeated misses (429); audited. Another partner's code reads as no code.",
        body: code, answer: .json(.reference("CounterAnswer"), "The code's offer, state and holder."), errors: [.notFound, .tooManyRequests, .unprocessableContent])
    static let redeem = RouteDocumentation(
        summary: "Redeem a code, once", description: "Eligibility is checked again. Recorded as `partner-discounts.code_redeemed`.",
        body: code, answer: .json(.reference("CounterAnswer"), "The code, redeemed."), errors: [.notFound, .conflict, .tooManyRequests, .unprocessableContent])
    static let provinceReport = RouteDocumentation(
        summary: "A province's claims and redemptions per offer and commune, and the co-funding it owes", parameters: provinceQuery,
        answer: .json(.object(["provinceId": .uuid, "province": .string, "totalOwed": .integer,
                               "offers": .array(of: .object(["offerId": .uuid, "title": bilingual, "partnerName": .string, "status": .string, "claims": .integer,
                                                             "redemptions": .integer, "subsidyPerRedemption": .integer, "budgetCap": .integer, "owed": .integer,
                                                             "communes": .array(of: .object(["communeId": .uuid, "commune": .string, "claims": .integer, "redemptions": .integer]))]))]),
                      "The report."),
        errors: [.badRequest, .forbidden])
    static let provinceCSV = RouteDocumentation(summary: "The province's report for Excel", parameters: provinceQuery,
                                                answer: .text("text/csv", "UTF-8 with a byte-order mark, Vietnamese headers."), errors: [.badRequest, .forbidden])
    static let partnerReport = RouteDocumentation(
        summary: "The partner's redemptions per offer and day",
        answer: .json(.object(["items": .array(of: .object(["offerId": .uuid, "title": bilingual, "day": .date, "redemptions": .integer]))]), "Newest day first."))
    static let national = RouteDocumentation(
        summary: "Offers and uptake per province",
        answer: .json(.object(["items": .array(of: .object(["provinceId": .uuid, "province": .string, "offersLive": .integer, "offersAwaitingApproval": .integer,
                                                            "claims": .integer, "redemptions": .integer, "owed": .integer]))]), "Per province, in Vietnamese order."),
        errors: [.forbidden])
}
