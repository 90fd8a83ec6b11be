public import CDTModuleKit
public import Foundation

/// The example data of `cdt demo`, recorded as the module's own events: in each province where the demo
/// enables the module, a local partner, its offer approved by the province with co-funding, and claims by
/// the first three members on an active team (with their codes, for their page).
extension PartnerDiscountsModule: ModuleDemoData {
    public func demoEvents(in province: ID<AdministrativeUnit>, author: UUID, at now: Date, _ owner: PostgresClient) async throws -> [DomainEvent] {
        let existing = try await owner.query("SELECT count(*) FROM partner_discounts_partners WHERE province_id = \(province)").decode(Int.self)[0]
        guard existing == 0, let unit = try await CoreReads(owner).unit(province) else { return [] }
        let today = CalendarDate(now)
        let partner = ID<Partner>(), offer = ID<Offer>()
        let kind = Self.self
        var events = [
            try kind.partnerRegistered.event(in: province, by: author, at: now, PartnerRegistered(
                partnerId: partner, name: "Viễn thông \(unit.name) (ví dụ)", taxCode: "4900100020", contact: "Phòng kinh doanh, 0205 3800 000",
                reach: "province")),
            try kind.offerDrafted.event(in: province, by: partner.rawValue, at: now, OfferDrafted(
                offerId: offer, partnerId: partner, partnerName: "Viễn thông \(unit.name) (ví dụ)",
                title: BilingualText(vi: "Giảm 30% gói cước 4G cho thành viên Tổ Công nghệ số cộng đồng",
                                     en: "30% off a 4G plan for community digital technology team members"),
                terms: BilingualText(vi: "Áp dụng một lần tại các cửa hàng trong tỉnh, xuất trình mã và căn cước.",
                                     en: "Once, at the province's shops, showing the code and an ID card."),
                benefit: Benefit(kind: "percentage", amount: 30), communeIds: [], leadersOnly: false, trainedOnly: false,
                validFrom: today, validUntil: today.adding(days: 90), quantity: 200, perMemberLimit: 1, codeValidDays: 30)),
            try kind.offerApproved.event(in: province, by: author, at: now, OfferApproved(offerId: offer, subsidyPerRedemption: 10000, budgetCap: 1_000_000)),
        ]
        let members = try await owner.query("""
            SELECT s.member_id, s.team_id, t.unit_id,
                   (SELECT a.ancestor_id FROM core_v1.unit_ancestors a JOIN core_v1.units c ON c.id = a.ancestor_id
                    WHERE a.unit_id = t.unit_id AND c.level = 'commune' LIMIT 1)
            FROM core_v1.memberships s JOIN core_v1.teams t ON t.id = s.team_id
            WHERE s.province_id = \(province) AND s.left_on IS NULL AND t.ended_on IS NULL AND s.joined_on <= \(today)
            ORDER BY s.joined_on, s.member_id LIMIT 3
            """).decode((ID<Member>, ID<Team>, ID<AdministrativeUnit>, ID<AdministrativeUnit>?).self)
        for (member, team, teamUnit, commune) in members {
            let code = RedemptionCode.random(), claim = ID<Claim>()
            let hash = try await owner.query("SELECT encode(sha256(convert_to(\(code.characters), 'UTF8')), 'hex')").decode(String.self)[0]
            _ = try await owner.execute("""
                INSERT INTO partner_discounts_codes (province_id, claim_id, code) VALUES (\(province), \(claim), \(code.characters)) ON CONFLICT DO NOTHING
                """)
            events.append(try kind.offerClaimed.event(in: teamUnit, by: author, at: now, OfferClaimed(
                claimId: claim, offerId: offer, memberId: member, teamId: team, communeId: commune ?? teamUnit, codeHash: hash,
                expiresAt: now.addingTimeInterval(30 * 86_400))))
        }
        return events
    }
}
