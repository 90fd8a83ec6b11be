import CDTModuleKit
import Foundation
import Hummingbird

/// A partner's counter (its staff signed in, or its system with a key): look a code up, then redeem it.
/// The answer shows the offer, the code's state and, for a code the counter may honour, only what checks
/// the person in front of it: their given name and the last three digits of their phone. A code of another
/// partner's offer reads exactly as a code that does not exist.
enum CounterRoutes {
    static func add(to routes: inout ModuleRoutes) {
        routes.post("partner/codes/lookup", access: .externalActor, documentation: PartnerDocumentation.lookUp) { request, context in
            try await lookUp(try await context.decode(CodeInput.self, from: request).code, context)
        }
        routes.post("partner/codes/redemption", access: .externalActor, documentation: PartnerDocumentation.redeem) { request, context in
            try await redeem(try await context.decode(CodeInput.self, from: request).code, context)
        }
    }

    struct CodeInput: Codable {
        var code: String
    }

    /// Everything a counter is told about a code. `person` only while the code may be honoured.
    struct CounterAnswer: Codable, Sendable, ResponseEncodable {
        var code: String
        /// `valid`, `redeemed`, `expired`, `withdrawn` or `noLongerEligible`.
        var state: String
        var offer: CounterOffer
        var expiresAt: Date
        var redeemedAt: Date?
        var person: CounterPerson?
    }

    struct CounterOffer: Codable, Sendable {
        var id: ID<Offer>
        var title: BilingualText
        var benefit: Benefit
    }

    struct CounterPerson: Codable, Sendable {
        var givenName: String
        var phoneLast3: String
    }

    /// A code's claim as the counter's checks need it.
    struct Found: Sendable {
        var claimID: ID<Claim>
        var province: ID<AdministrativeUnit>
        var unit: ID<AdministrativeUnit>
        var member: ID<Member>
        var expiresAt: Date
        var redeemedAt: Date?
        var offer: OfferRow
    }

    static let unknown = ProblemDetails.rule("code", "must be a code of one of your offers", status: .notFound, "No code of your offers matches.")

    static func find(_ code: RedemptionCode, partner: ID<Partner>, _ run: @Sendable (PostgresQuery) async throws -> PostgresRows, lock: Bool) async throws -> Found? {
        let claims = try await run("""
            SELECT c.id, c.province_id, c.unit_id, c.member_id, c.expires_at, c.redeemed_at, c.offer_id FROM partner_discounts_claims c
            WHERE c.code_hash = sha256(convert_to(\(code.characters), 'UTF8')) AND c.partner_id = \(partner) \(unsafeSQL: lock ? "FOR UPDATE" : "")
            """).decode((ID<Claim>, ID<AdministrativeUnit>, ID<AdministrativeUnit>, ID<Member>, Date, Date?, ID<Offer>).self)
        guard let claim = claims.first else { return nil }
        let offers = try await run("""
            SELECT \(unsafeSQL: OfferRow.columns) FROM partner_discounts_offers o WHERE o.province_id = \(claim.1) AND o.id = \(claim.6)
            """).decode(as: OfferRow.self)
        guard let offer = offers.first else { return nil }
        return Found(claimID: claim.0, province: claim.1, unit: claim.2, member: claim.3, expiresAt: claim.4, redeemedAt: claim.5, offer: offer)
    }

    /// The state of a found code now, eligibility checked again.
    static func state(of found: Found, _ context: ModuleRequestContext, _ run: @Sendable (PostgresQuery) async throws -> PostgresRows, core: CoreReads) async throws -> String {
        if found.redeemedAt != nil { return "redeemed" }
        if found.offer.status == "withdrawn" { return "withdrawn" }
        if found.expiresAt <= context.module.now() || found.offer.validUntil < context.module.today() { return "expired" }
        let verdict = try await Eligibility.check(found.member, for: found.offer, on: context.module.today(), run, core: core)
        return verdict.place == nil ? "noLongerEligible" : "valid"
    }

    static func answer(_ code: RedemptionCode, _ found: Found, state: String, redeemedAt: Date?, core: CoreReads) async throws -> CounterAnswer {
        var person: CounterPerson?
        if state == "valid" || (state == "redeemed" && redeemedAt != nil && found.redeemedAt == nil) {
            person = try await core.counterIdentity(of: found.member).map { CounterPerson(givenName: $0.givenName, phoneLast3: $0.phoneLast3) }
        }
        return CounterAnswer(code: code.description, state: state,
                             offer: CounterOffer(id: found.offer.id, title: BilingualText(vi: found.offer.titleVi, en: found.offer.titleEn),
                                                 benefit: Benefit(kind: found.offer.benefitKind, amount: found.offer.benefitAmount, unit: found.offer.benefitUnit)),
                             expiresAt: found.expiresAt, redeemedAt: redeemedAt ?? found.redeemedAt, person: person)
    }

    /// The caller's partner, once its counter may look up another code, and the code as typed; a code that
    /// cannot be one counts as a miss (422).
    static func admit(_ typed: String, _ context: ModuleRequestContext) async throws -> (PartnerRecord, RedemptionCode) {
        let partner = try await CounterGuard.admit(context)
        guard let code = RedemptionCode(typed: typed) else {
            try await CounterGuard.note(found: nil, partner, context)
            throw ProblemDetails.rule("code", "must be 10 characters of the code, as XXXX-XXXX-XX")
        }
        return (partner, code)
    }

    static func lookUp(_ typed: String, _ context: ModuleRequestContext) async throws -> CounterAnswer {
        let (partner, code) = try await admit(typed, context)
        let database = context.module.database
        guard let found = try await find(code, partner: partner.id, { try await database.query($0) }, lock: false) else {
            try await CounterGuard.note(found: nil, partner, context)
            throw unknown
        }
        let core = CoreReads(database)
        let state = try await state(of: found, context, { try await database.query($0) }, core: core)
        try await CounterGuard.note(found: found, partner, context, state: state)
        return try await answer(code, found, state: state, redeemedAt: nil, core: core)
    }

    static func redeem(_ typed: String, _ context: ModuleRequestContext) async throws -> CounterAnswer {
        let (partner, code) = try await admit(typed, context)
        let database = context.module.database
        let author = try Authority.author(context)
        let outcome: Result<CounterAnswer, ProblemDetails> = try await database.withTransaction { tx in
            guard let found = try await find(code, partner: partner.id, { try await tx.query($0) }, lock: true) else { return .failure(unknown) }
            let core = CoreReads(tx)
            let state = try await state(of: found, context, { try await tx.query($0) }, core: core)
            guard state == "valid" else {
                let rule = switch state {
                case "redeemed": "must not be redeemed already"
                case "withdrawn": "must be of an offer not withdrawn"
                case "expired": "must not have expired"
                default: "must be held by a member still eligible for the offer (no longer eligible)"
                }
                try await CounterGuard.note(found: found, partner, context, state: state, in: tx)
                return .failure(ProblemDetails.rule("code", rule, status: .conflict, "The code cannot be redeemed: \(state)."))
            }
            let now = context.module.now()
            let event = try PartnerDiscountsModule.codeRedeemed.event(in: found.unit, by: author, at: now, CodeRedeemed(claimId: found.claimID, offerId: found.offer.id))
            try await context.record(event, in: tx)
            try await PartnerProjection.apply(event, province: found.province, tx)
            try await CounterGuard.note(found: found, partner, context, state: "redeemed", in: tx)
            try await context.audit(action: "code.redeemed", unit: found.unit, subject: found.claimID.description, details: ["offer": found.offer.id.description], in: tx)
            let stored = try await tx.query("SELECT redeemed_at FROM partner_discounts_claims WHERE province_id = \(found.province) AND id = \(found.claimID)").decode(Date.self)
            return .success(try await answer(code, found, state: "redeemed", redeemedAt: stored.first ?? now, core: core))
        }
        switch outcome {
        case .success(let answer): return answer
        case .failure(let problem):
            if problem.status == 404 { try await CounterGuard.note(found: nil, partner, context) }
            throw problem
        }
    }
}
