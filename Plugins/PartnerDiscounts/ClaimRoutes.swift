import CDTModuleKit
import Foundation
import Hummingbird

/// A member's side: the offers open to them, claiming one (a one-time code), their codes with a QR code.
/// Who the member is comes from the kit (`callerMembers`): the member records whose phone is the signed-in
/// account's.
enum ClaimRoutes {
    static func add(to routes: inout ModuleRoutes) {
        routes.get("my/offers", access: .view, documentation: PartnerDocumentation.offersForMe) { _, context in
            Items(items: try await offersForMe(context))
        }
        routes.post("offers/{id}/claims", access: .change, documentation: PartnerDocumentation.claim) { _, context in
            EditedResponse(status: .created, response: try await claim(try context.id("id"), context))
        }
        routes.get("my/codes", access: .view, documentation: PartnerDocumentation.myCodes) { _, context in
            Items(items: try await myCodes(context))
        }
        routes.get("my/codes/{id}/qr.svg", access: .view, documentation: PartnerDocumentation.qr) { _, context in
            try await qr(context)
        }
    }

    /// The caller's member records in the provinces they reach, or a 403 when they have none.
    static func members(_ context: ModuleRequestContext) async throws -> [(member: ID<Member>, province: ID<AdministrativeUnit>)] {
        let found = try await context.callerMembers().filter { context.provinces.contains($0.provinceID) }
        guard !found.isEmpty else {
            throw ProblemDetails(status: .forbidden, detail: "Your account is not a team member's (no member has your account's phone number here).")
        }
        var seen = Set<ID<Member>>()
        return found.compactMap { seen.insert($0.memberID).inserted ? ($0.memberID, $0.provinceID) : nil }
    }

    static let noneLeft = "none left"
    static let limitReached = "you have claimed all you may"

    struct OfferForMe: Codable, Sendable {
        var offer: OfferView
        var openToMe: Bool
        /// Why not, when it is not.
        var reason: String?
        var remaining: Int
        var claimedByMe: Int
    }

    static func offersForMe(_ context: ModuleRequestContext) async throws -> [OfferForMe] {
        let mine = try await members(context)
        let database = context.module.database
        let today = context.module.today()
        let core = CoreReads(database)
        var answers: [OfferForMe] = []
        for province in Set(mine.map(\.province)) {
            let offers = try await OfferRow.select(where: "o.province_id = \(province) AND o.status = 'approved' AND o.valid_from <= \(today) AND o.valid_until >= \(today)", database)
            let members = mine.filter { $0.province == province }.map(\.member)
            for offer in offers {
                var verdict = Eligibility.Verdict.ineligible(Eligibility.notOnTeam)
                for member in members {
                    verdict = try await Eligibility.check(member, for: offer, on: today, { try await database.query($0) }, core: core)
                    if verdict.place != nil { break }
                }
                let claimedByMe = try await database.query("""
                    SELECT count(*) FROM partner_discounts_claims WHERE province_id = \(province) AND offer_id = \(offer.id) AND member_id = ANY(\(members))
                    """).decode(Int.self)[0]
                let remaining = max(0, offer.quantity - offer.claimed)
                let open = verdict.place != nil && remaining > 0 && claimedByMe < offer.perMemberLimit
                let reason = verdict.rule ?? (remaining == 0 ? noneLeft : claimedByMe >= offer.perMemberLimit ? limitReached : nil)
                answers.append(OfferForMe(offer: offer.view, openToMe: open, reason: open ? nil : reason, remaining: remaining, claimedByMe: claimedByMe))
            }
        }
        return answers.sorted { VietnameseText.areInIncreasingOrder($0.offer.title.vi, $1.offer.title.vi) }
    }

    struct Claimed: Codable, Sendable, ResponseEncodable {
        var claimId: ID<Claim>
        var offerId: ID<Offer>
        var code: String
        var expiresAt: Date
        var qr: String
    }

    /// Claims offer `id` for the caller. The offer's row is locked for the transaction, so claims of one
    /// offer in a province go one at a time; the claims made before are counted after the lock is taken (a
    /// statement of its own), so the quantity and the member's limit are never exceeded, however many claim
    /// at once.
    static func claim(_ id: ID<Offer>, _ context: ModuleRequestContext) async throws -> Claimed {
        let mine = try await members(context)
        let database = context.module.database
        let today = context.module.today(), now = context.module.now()
        let author = try Authority.author(context)
        let code = RedemptionCode.random()
        return try await database.withTransaction { tx in
            let provinces = Array(Set(mine.map(\.province)))
            let locked = try await tx.query("""
                SELECT \(unsafeSQL: OfferRow.columns) FROM partner_discounts_offers o
                WHERE o.id = \(id) AND o.province_id = ANY(\(provinces)) ORDER BY o.province_id FOR UPDATE OF o
                """).decode(as: OfferRow.self)
            guard !locked.isEmpty else { throw ProblemDetails(status: .notFound, detail: "No such offer in your province.") }
            guard let offer = locked.first(where: { $0.isOpen(on: today) }) else {
                throw ProblemDetails.rule("id", "must be an approved offer within its dates", status: .conflict, "The offer is not open.")
            }
            let core = CoreReads(tx)
            var chosen: (ID<Member>, Eligibility.Place)?
            var refusal = Eligibility.notOnTeam
            for member in mine where member.province == offer.provinceId {
                switch try await Eligibility.check(member.member, for: offer, on: today, { try await tx.query($0) }, core: core) {
                case .eligible(let place): chosen = (member.member, place)
                case .ineligible(let rule): refusal = rule
                }
                if chosen != nil { break }
            }
            guard let (member, place) = chosen else { throw ProblemDetails.rule("id", refusal, status: .forbidden, "The offer is not open to you.") }
            // Counted again now that the row is ours: the locking statement's own count was read from its
            // snapshot, taken before it waited for the claim that held the lock (READ COMMITTED).
            let claimed = try await tx.query("""
                SELECT count(*) FROM partner_discounts_claims WHERE province_id = \(offer.provinceId) AND offer_id = \(id)
                """).decode(Int.self)[0]
            guard claimed < offer.quantity else {
                throw ProblemDetails.rule("id", "must have codes left (all \(offer.quantity) are claimed)", status: .conflict, "None left.")
            }
            let members = mine.map(\.member)
            let mineClaimed = try await tx.query("""
                SELECT count(*) FROM partner_discounts_claims WHERE province_id = \(offer.provinceId) AND offer_id = \(id) AND member_id = ANY(\(members))
                """).decode(Int.self)[0]
            guard mineClaimed < offer.perMemberLimit else {
                throw ProblemDetails.rule("id", "must be within your limit of \(offer.perMemberLimit) for this offer", status: .conflict, "You have claimed all you may.")
            }
            let hash = try await tx.query("SELECT encode(sha256(convert_to(\(code.characters), 'UTF8')), 'hex')").decode(String.self)[0]
            let claimID = ID<Claim>()
            let expires = now.addingTimeInterval(Double(offer.codeValidDays) * 86_400)
            let payload = OfferClaimed(claimId: claimID, offerId: id, memberId: member, teamId: place.teamID, communeId: place.communeID,
                                       codeHash: hash, expiresAt: expires)
            let event = try PartnerDiscountsModule.offerClaimed.event(in: place.unitID, by: author, at: now, payload)
            try await context.record(event, in: tx)
            try await PartnerProjection.apply(event, province: offer.provinceId, tx)
            try await tx.execute("""
                INSERT INTO partner_discounts_codes (province_id, claim_id, code) VALUES (\(offer.provinceId), \(claimID), \(code.characters))
                """)
            try await context.audit(action: "offer.claimed", unit: place.unitID, subject: claimID.description, details: ["offer": id.description], in: tx)
            // The stored instant, to the microsecond, as the list of codes answers it.
            let stored = try await tx.query("SELECT expires_at FROM partner_discounts_claims WHERE province_id = \(offer.provinceId) AND id = \(claimID)").decode(Date.self)
            return Claimed(claimId: claimID, offerId: id, code: code.description, expiresAt: stored.first ?? expires, qr: "my/codes/\(claimID)/qr.svg")
        }
    }

    struct MyCode: Codable, Sendable {
        var claimId: ID<Claim>
        var offerId: ID<Offer>
        var title: BilingualText
        var partnerName: String
        var code: String
        var claimedAt: Date
        var expiresAt: Date
        /// `active`, `redeemed`, `expired` or `withdrawn`.
        var state: String
        var qr: String
    }

    static func myCodes(_ context: ModuleRequestContext) async throws -> [MyCode] {
        let members = try await members(context).map(\.member)
        let now = context.module.now()
        let rows = try await context.module.database.query("""
            SELECT c.id, c.offer_id, o.title_vi, o.title_en, o.partner_name, k.code, c.claimed_at, c.expires_at, c.redeemed_at IS NOT NULL, o.status
            FROM partner_discounts_claims c
            JOIN partner_discounts_offers o ON o.province_id = c.province_id AND o.id = c.offer_id
            JOIN partner_discounts_codes k ON k.province_id = c.province_id AND k.claim_id = c.id
            WHERE c.member_id = ANY(\(members)) ORDER BY c.claimed_at DESC, c.id
            """).decode((ID<Claim>, ID<Offer>, String, String, String, String, Date, Date, Bool, String).self)
        return rows.map { row in
            let state = row.8 ? "redeemed" : row.9 == "withdrawn" ? "withdrawn" : row.7 <= now ? "expired" : "active"
            return MyCode(claimId: row.0, offerId: row.1, title: BilingualText(vi: row.2, en: row.3), partnerName: row.4,
                          code: RedemptionCode(typed: row.5)?.description ?? row.5, claimedAt: row.6, expiresAt: row.7, state: state,
                          qr: "my/codes/\(row.0)/qr.svg")
        }
    }

    static func qr(_ context: ModuleRequestContext) async throws -> Response {
        let id: ID<Claim> = try context.id("id")
        guard let code = try await myCodes(context).first(where: { $0.claimId == id }) else {
            throw ProblemDetails(status: .notFound, detail: "No such code of yours.")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/svg+xml"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: try QRCode(text: code.code).svg(moduleSize: 8))))
    }
}
