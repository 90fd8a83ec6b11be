public import CDTModuleKit

/// Enterprise partner discounts ("Ưu đãi doanh nghiệp", issue 21): telecom, postal and IT enterprises offer
/// team members preferential prices. A national (or province) administrator registers a partner; the
/// partner drafts offers; each province's administrator approves them there, optionally co-funding each
/// redemption; an eligible member claims an offer and gets a one-time code; the partner's counter redeems
/// it, seeing only the member's given name and the last three digits of their phone.
///
/// Every change is an event of the module's own kinds, recorded by the routes; the tables of partners,
/// offers and claims are projections of them (``PartnerProjection``). docs/partner-discounts.md walks
/// through it.
public struct PartnerDiscountsModule: FeatureModule {
    public init() {}

    /// An administrator registered a partner organisation in its home province.
    public static let partnerRegistered = ModuleEventKind<PartnerRegistered>(
        "partner-discounts.partner_registered", payloadSchema: .object([
            "partnerId": .uuid, "name": .string, "taxCode": .matching("^[0-9]{10}(-[0-9]{3})?$"), "contact": .text(maximumLength: 300),
            "reach": .oneOf(["national", "province"]),
        ], closed: true))
    /// A partner drafted an offer in a province; it awaits the province's approval.
    public static let offerDrafted = ModuleEventKind<OfferDrafted>(
        "partner-discounts.offer_drafted", payloadSchema: .object([
            "offerId": .uuid, "partnerId": .uuid, "partnerName": .string, "title": PartnerDocumentation.bilingual, "terms": PartnerDocumentation.bilingual,
            "benefit": PartnerDocumentation.benefit, "communeIds": .array(of: .uuid), "leadersOnly": .boolean, "trainedOnly": .boolean,
            "validFrom": .date, "validUntil": .date, "quantity": .integer(1...1_000_000), "perMemberLimit": .integer(1...100), "codeValidDays": .integer(1...365),
        ], closed: true))
    /// A province's administrator approved an offer there, with the province's co-funding.
    public static let offerApproved = ModuleEventKind<OfferApproved>(
        "partner-discounts.offer_approved", payloadSchema: .object([
            "offerId": .uuid, "subsidyPerRedemption": .integer(0...100_000_000), "budgetCap": .integer(0...1_000_000_000_000),
        ], closed: true))
    /// The partner withdrew an offer in a province.
    public static let offerWithdrawn = ModuleEventKind<OfferWithdrawn>(
        "partner-discounts.offer_withdrawn", payloadSchema: .object(["offerId": .uuid, "reason": .text(maximumLength: 500)], closed: true))
    /// A member claimed an offer and got a code (only its hash is in the event).
    public static let offerClaimed = ModuleEventKind<OfferClaimed>(
        "partner-discounts.offer_claimed", payloadSchema: .object([
            "claimId": .uuid, "offerId": .uuid, "memberId": .uuid, "teamId": .uuid, "communeId": .uuid,
            "codeHash": APISchema.matching("^[0-9a-f]{64}$").described("The code's SHA-256, never the code."), "expiresAt": .dateTime,
        ], closed: true))
    /// A partner's counter redeemed a code.
    public static let codeRedeemed = ModuleEventKind<CodeRedeemed>(
        "partner-discounts.code_redeemed", payloadSchema: .object(["claimId": .uuid, "offerId": .uuid], closed: true))

    public var manifest: ModuleManifest {
        ModuleManifest(
            id: "partner-discounts",
            name: LocalizedName(vietnamese: "Ưu đãi doanh nghiệp", english: "Enterprise partner discounts"),
            version: ModuleVersion(1, 0, 0),
            consumes: Self.ownTypes,
            events: [Self.partnerRegistered.declaration, Self.offerDrafted.declaration, Self.offerApproved.declaration,
                     Self.offerWithdrawn.declaration, Self.offerClaimed.declaration, Self.codeRedeemed.declaration])
    }

    static var ownTypes: [EventType] {
        Self.partnerRegistered.storedTypes + Self.offerDrafted.storedTypes + Self.offerApproved.storedTypes + Self.offerWithdrawn.storedTypes
            + Self.offerClaimed.storedTypes + Self.codeRedeemed.storedTypes
    }

    public var migrations: [Migration] {
        Migration.embedded(owner: EmbeddedMigrations.owner, files: EmbeddedMigrations.files)
    }

    public var projectionTables: [String] { ["partner_discounts_partners", "partner_discounts_offers", "partner_discounts_claims"] }

    public var settings: SettingsSchema {
        SettingsSchema([
            .integer("lookupsPerMinute", SettingLabel(vietnamese: "Số lần tra mã mỗi phút (mỗi quầy)", english: "Code lookups per minute (per counter)"),
                     range: 5...600, default: 30),
            .integer("missesBeforeLockout", SettingLabel(vietnamese: "Số lần tra sai trước khi khoá", english: "Misses before a lock-out"),
                     range: 3...100, default: 10),
            .integer("lockoutMinutes", SettingLabel(vietnamese: "Thời gian khoá (phút)", english: "Lock-out (minutes)"), range: 1...1440, default: 15),
        ])
    }

    public func addRoutes(to routes: inout ModuleRoutes) {
        PartnerDocumentation.registerSchemas(&routes)
        PartnerAdminRoutes.add(to: &routes)
        OfferRoutes.add(to: &routes)
        ClaimRoutes.add(to: &routes)
        CounterRoutes.add(to: &routes)
        ReportRoutes.add(to: &routes)
        PartnerPages.add(to: &routes)
    }

    public func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
        try await PartnerProjection.apply(event.event, province: event.provinceID, transaction)
    }
}
