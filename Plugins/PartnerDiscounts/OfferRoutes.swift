import CDTModuleKit
import Foundation
import Hummingbird

/// A partner drafts and withdraws its offers; each province's administrator approves them there.
enum OfferRoutes {
    static func add(to routes: inout ModuleRoutes) {
        routes.get("partner/offers", access: .externalActor, documentation: PartnerDocumentation.ownOffers) { _, context in
            try await own(context)
        }
        routes.post("partner/offers", access: .externalActor, documentation: PartnerDocumentation.draft) { request, context in
            try await draft(request, context)
        }
        routes.post("partner/offers/{id}/withdrawal", access: .externalActor, documentation: PartnerDocumentation.withdraw) { request, context in
            try await withdraw(request, context)
        }
        routes.get("approvals", access: .change, documentation: PartnerDocumentation.approvals) { _, context in
            try await awaiting(context)
        }
        routes.post("offers/{id}/approval", access: .change, documentation: PartnerDocumentation.approve) { request, context in
            try await approve(request, context)
        }
        routes.post("offers/{id}/suspension", access: .change, documentation: PartnerDocumentation.suspend) { request, context in
            try await suspend(request, context)
        }
    }

    static func own(_ context: ModuleRequestContext) async throws -> Items<OfferView> {
        let partner = try Authority.partner(context)
        return Items(items: try await OfferRow.select(where: "o.partner_id = \(partner)", context.module.database).map(\.view))
    }

    struct Draft: Codable {
        var title: BilingualText
        var terms: BilingualText
        var benefit: Benefit
        /// Provinces (the whole province) and communes (those communes) where the offer is open.
        var areas: [ID<AdministrativeUnit>]
        var leadersOnly: Bool
        var trainedOnly: Bool
        var validFrom: CalendarDate
        var validUntil: CalendarDate
        var quantity: Int
        var perMemberLimit: Int
        var codeValidDays: Int
    }

    struct Drafted: ResponseEncodable {
        var id: ID<Offer>
        var provinces: [OfferView]
    }

    static func draft(_ request: Request, _ context: ModuleRequestContext) async throws -> EditedResponse<Drafted> {
        let body = try await context.decode(Draft.self, from: request)
        let partnerID = try Authority.partner(context)
        let database = context.module.database
        guard let partner = try await PartnerRecord.find(partnerID, database) else {
            throw ProblemDetails(status: .forbidden, detail: "Your partner is not registered where the module is enabled.")
        }
        var check = Validator()
        check.require(!body.areas.isEmpty && body.areas.count <= 200, "areas", "must name 1 to 200 provinces or communes")
        check.require(body.validUntil >= context.module.today(), "validUntil", "must not be in the past")
        // Each area is a province or a commune in force, in a province where the module is enabled (a local
        // partner's own province only); communes are grouped under their province.
        let core = CoreReads(database)
        var communes: [ID<AdministrativeUnit>: [ID<AdministrativeUnit>]] = [:]
        var wholeProvinces: Set<ID<AdministrativeUnit>> = []
        for (index, area) in body.areas.enumerated() {
            guard let unit = try await core.unit(area), unit.validUntil == nil, unit.level == "province" || unit.level == "commune",
                  let province = unit.provinceID, context.provinces.contains(province) else {
                check.record("areas[\(index)]", "must be a province or commune where the module is enabled")
                continue
            }
            guard partner.reach == "national" || province == partner.provinceId else {
                check.record("areas[\(index)]", "must be in your own province: you are a local partner")
                continue
            }
            if unit.level == "province" { wholeProvinces.insert(province) } else { communes[province, default: []].append(unit.id) }
        }
        let offerID = ID<Offer>()
        var payloads: [(ID<AdministrativeUnit>, OfferDrafted)] = []
        for province in wholeProvinces.union(communes.keys).sorted(by: { $0.rawValue.precedesInTextOrder($1.rawValue) }) {
            let payload = OfferDrafted(
                offerId: offerID, partnerId: partnerID, partnerName: partner.name, title: body.title, terms: body.terms, benefit: body.benefit,
                communeIds: wholeProvinces.contains(province) ? [] : communes[province] ?? [], leadersOnly: body.leadersOnly,
                trainedOnly: body.trainedOnly, validFrom: body.validFrom, validUntil: body.validUntil, quantity: body.quantity,
                perMemberLimit: body.perMemberLimit, codeValidDays: body.codeValidDays)
            if payloads.isEmpty { payload.validate(into: &check) }
            payloads.append((province, payload))
        }
        try check.finishOr422()
        let author = try Authority.author(context)
        try await database.withTransaction { tx in
            for (province, payload) in payloads {
                let event = try PartnerDiscountsModule.offerDrafted.event(in: province, by: author, at: context.module.now(), payload)
                try await context.record(event, in: tx)
                try await PartnerProjection.apply(event, province: province, tx)
                try await context.audit(action: "offer.drafted", unit: province, subject: offerID.description, details: ["title": body.title.vi], in: tx)
            }
        }
        let views = try await OfferRow.select(where: "o.id = \(offerID)", database).map(\.view)
        return EditedResponse(status: .created, response: Drafted(id: offerID, provinces: views))
    }

    struct Withdrawal: Codable {
        var reason: String
    }

    static func withdraw(_ request: Request, _ context: ModuleRequestContext) async throws -> Items<OfferView> {
        let body = try await context.decode(Withdrawal.self, from: request)
        var check = Validator()
        check.text(body.reason, "reason", maximumLength: 500)
        try check.finishOr422()
        let partner = try Authority.partner(context)
        let id: ID<Offer> = try context.id("id")
        let database = context.module.database
        let author = try Authority.author(context)
        try await database.withTransaction { tx in
            let live = try await tx.query("""
                SELECT province_id FROM partner_discounts_offers WHERE id = \(id) AND partner_id = \(partner) AND status <> 'withdrawn' FOR UPDATE
                """).decode(ID<AdministrativeUnit>.self)
            guard !live.isEmpty else { throw ProblemDetails(status: .notFound, detail: "No offer of yours by that id is still open.") }
            for province in live {
                let event = try PartnerDiscountsModule.offerWithdrawn.event(in: province, by: author, at: context.module.now(),
                                                                             OfferWithdrawn(offerId: id, reason: body.reason))
                try await context.record(event, in: tx)
                try await PartnerProjection.apply(event, province: province, tx)
                try await context.audit(action: "offer.withdrawn", unit: province, subject: id.description, details: ["reason": body.reason], in: tx)
            }
        }
        return Items(items: try await OfferRow.select(where: "o.id = \(id) AND o.partner_id = \(partner)", database).map(\.view))
    }

    static func awaiting(_ context: ModuleRequestContext) async throws -> Items<OfferView> {
        let provinces = context.provinces.filter { Authority.administers($0, context) }
        guard !provinces.isEmpty else { throw ProblemDetails(status: .forbidden, detail: "Only a province's administrator approves offers.") }
        return Items(items: try await OfferRow.select(where: "o.status = 'awaitingApproval' AND o.province_id = ANY(\(Array(provinces)))",
                                                      context.module.database).map(\.view))
    }

    struct Approval: Codable {
        var provinceId: ID<AdministrativeUnit>
        var subsidyPerRedemption: Int
        var budgetCap: Int
    }

    static func approve(_ request: Request, _ context: ModuleRequestContext) async throws -> OfferView {
        try await approve(try context.id("id"), try await context.decode(Approval.self, from: request), context)
    }

    /// Approves offer `id` in `body.provinceId` for its administrator, with the province's co-funding.
    static func approve(_ id: ID<Offer>, _ body: Approval, _ context: ModuleRequestContext) async throws -> OfferView {
        let payload = OfferApproved(offerId: id, subsidyPerRedemption: body.subsidyPerRedemption, budgetCap: body.budgetCap)
        var check = Validator()
        payload.validate(into: &check)
        try check.finishOr422()
        return try await decide(id, in: body.provinceId, "approves", context) { current in
            guard current == "awaitingApproval" else { throw ProblemDetails.rule("id", "must be an offer awaiting approval (it is \(current))", status: .conflict) }
        } event: { author in
            try PartnerDiscountsModule.offerApproved.event(in: body.provinceId, by: author, at: context.module.now(), payload)
        } audit: { ("offer.approved", ["subsidyPerRedemption": String(body.subsidyPerRedemption), "budgetCap": String(body.budgetCap)]) }
    }

    struct Suspension: Codable {
        var provinceId: ID<AdministrativeUnit>
        var reason: String
    }

    /// A province's administrator withdraws an offer in their province (approved or awaiting approval): the
    /// same `offer_withdrawn` event as the partner's, recorded in that province only.
    static func suspend(_ request: Request, _ context: ModuleRequestContext) async throws -> OfferView {
        let body = try await context.decode(Suspension.self, from: request)
        let id: ID<Offer> = try context.id("id")
        var check = Validator()
        check.text(body.reason, "reason", maximumLength: 500)
        try check.finishOr422()
        return try await decide(id, in: body.provinceId, "withdraws", context) { current in
            guard current != "withdrawn" else { throw ProblemDetails.rule("id", "must be an offer not withdrawn already", status: .conflict) }
        } event: { author in
            try PartnerDiscountsModule.offerWithdrawn.event(in: body.provinceId, by: author, at: context.module.now(), OfferWithdrawn(offerId: id, reason: body.reason))
        } audit: { ("offer.withdrawn", ["reason": body.reason]) }
    }

    /// A province administrator's decision on offer `id` in `province`: in one transaction, the offer's row
    /// there locked, `allowed` checking its status, the decision's event recorded and applied, the audit
    /// entry written; then the offer as it is now. Refused (403) outside the provinces the caller administers.
    private static func decide(
        _ id: ID<Offer>, in province: ID<AdministrativeUnit>, _ verb: String, _ context: ModuleRequestContext,
        allowed: @Sendable (String) throws -> Void, event: @Sendable (UUID) throws -> DomainEvent,
        audit: @Sendable () -> (action: String, details: [String: String])
    ) async throws -> OfferView {
        guard Authority.administers(province, context), context.provinces.contains(province) else {
            throw ProblemDetails.rule("provinceId", "must be a province you administer where the module is enabled", status: .forbidden,
                                      "Only that province's administrator \(verb) an offer there.")
        }
        let database = context.module.database
        let author = try Authority.author(context)
        try await database.withTransaction { tx in
            let status = try await tx.query("""
                SELECT status FROM partner_discounts_offers WHERE province_id = \(province) AND id = \(id) FOR UPDATE
                """).decode(String.self)
            guard let current = status.first else { throw ProblemDetails(status: .notFound, detail: "No such offer in that province.") }
            try allowed(current)
            let decision = try event(author)
            try await context.record(decision, in: tx)
            try await PartnerProjection.apply(decision, province: province, tx)
            let (action, details) = audit()
            try await context.audit(action: action, unit: province, subject: id.description, details: details, in: tx)
        }
        guard let offer = try await OfferRow.select(where: "o.province_id = \(province) AND o.id = \(id)", database).first else {
            throw ProblemDetails(status: .notFound, detail: "No such offer in that province.")
        }
        return offer.view
    }
}
