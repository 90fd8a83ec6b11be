import CDTModuleKit
import Foundation

/// The module's state tables built from its own events: `partner_discounts_partners`, `…_offers` and
/// `…_claims`. The routes call ``apply(_:province:_:)`` with the event they record, in its transaction, so
/// the rows are there at once (a claim counts against the quantity before the next claim locks the
/// offer); the handler calls it again on delivery and on a rebuild. Every write is idempotent, and what it
/// writes depends on the event alone (its payload, unit, author and time), so a replay reaches the same state.
enum PartnerProjection {
    static func apply(_ event: DomainEvent, province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws {
        let kind = PartnerDiscountsModule.self
        if let registered = try kind.partnerRegistered.payload(of: event) {
            try await tx.execute("""
                INSERT INTO partner_discounts_partners (province_id, id, name, tax_code, contact, reach, registered_at, registered_by)
                VALUES (\(province), \(registered.partnerId), \(registered.name), \(registered.taxCode), \(registered.contact), \(registered.reach),
                        \(event.occurredAt), \(event.authorID))
                ON CONFLICT DO NOTHING
                """)
        } else if let drafted = try kind.offerDrafted.payload(of: event) {
            try await tx.execute("""
                INSERT INTO partner_discounts_offers (province_id, id, partner_id, partner_name, title_vi, title_en, terms_vi, terms_en,
                    benefit_kind, benefit_amount, benefit_unit, commune_ids, leaders_only, trained_only, valid_from, valid_until, quantity,
                    per_member_limit, code_valid_days, drafted_at, status)
                VALUES (\(province), \(drafted.offerId), \(drafted.partnerId), \(drafted.partnerName), \(drafted.title.vi), \(drafted.title.en),
                    \(drafted.terms.vi), \(drafted.terms.en), \(drafted.benefit.kind), \(drafted.benefit.amount), \(drafted.benefit.unit),
                    \(drafted.communeIds), \(drafted.leadersOnly), \(drafted.trainedOnly), \(drafted.validFrom), \(drafted.validUntil),
                    \(drafted.quantity), \(drafted.perMemberLimit), \(drafted.codeValidDays), \(event.occurredAt), 'awaitingApproval')
                ON CONFLICT DO NOTHING
                """)
        } else if let approved = try kind.offerApproved.payload(of: event) {
            try await tx.execute("""
                UPDATE partner_discounts_offers SET status = 'approved', approved_at = \(event.occurredAt), approved_by = \(event.authorID),
                    subsidy_per_redemption = \(approved.subsidyPerRedemption), budget_cap = \(approved.budgetCap)
                WHERE province_id = \(province) AND id = \(approved.offerId) AND status = 'awaitingApproval'
                """)
        } else if let withdrawn = try kind.offerWithdrawn.payload(of: event) {
            try await tx.execute("""
                UPDATE partner_discounts_offers SET status = 'withdrawn', withdrawn_at = \(event.occurredAt), withdrawal_reason = \(withdrawn.reason)
                WHERE province_id = \(province) AND id = \(withdrawn.offerId) AND status <> 'withdrawn'
                """)
        } else if let claimed = try kind.offerClaimed.payload(of: event) {
            try await tx.execute("""
                INSERT INTO partner_discounts_claims (province_id, id, offer_id, partner_id, member_id, team_id, unit_id, commune_id, code_hash,
                    claimed_at, expires_at)
                SELECT \(province), \(claimed.claimId), o.id, o.partner_id, \(claimed.memberId), \(claimed.teamId), \(event.unitID),
                    \(claimed.communeId), decode(\(claimed.codeHash), 'hex'), \(event.occurredAt), \(claimed.expiresAt)
                FROM partner_discounts_offers o WHERE o.province_id = \(province) AND o.id = \(claimed.offerId)
                ON CONFLICT DO NOTHING
                """)
        } else if let redeemed = try kind.codeRedeemed.payload(of: event) {
            try await tx.execute("""
                UPDATE partner_discounts_claims SET redeemed_at = \(event.occurredAt)
                WHERE province_id = \(province) AND id = \(redeemed.claimId) AND redeemed_at IS NULL
                """)
        }
    }
}
