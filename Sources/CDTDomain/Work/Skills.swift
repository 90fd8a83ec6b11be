/// The five basic digital skills official guidance (2024) says at least one person in every household
/// should master.
public enum BasicSkill: String, CaseIterable, Codable, Sendable, Hashable, CodingKeyRepresentable {
    /// Using online public services (the national and provincial portals and apps).
    case onlinePublicServices
    /// Buying and selling online.
    case onlineShopping
    /// Paying without cash: bank apps, e-wallets.
    case onlinePayment
    /// Protecting oneself in cyberspace.
    case cyberSafety
    /// Other digital platforms chosen for local needs.
    case otherPlatforms
}

/// The services a visit helps a household to set up or use.
public enum DigitalService: String, CaseIterable, Codable, Sendable, Hashable, CodingKeyRepresentable {
    /// VNeID, the national electronic identity, activated.
    case vneidActivated
    /// A bank or e-wallet account for cashless payment opened.
    case ePaymentAccountOpened
    /// A household digital store opened (on Voso, Postmart or similar).
    case digitalStoreOpened
    /// An online public service used for a real procedure.
    case onlinePublicServiceUsed
}

/// What came of guiding a household on one skill or service.
public enum GuidanceOutcome: String, CaseIterable, Codable, Sendable, Hashable {
    /// Shown how, not yet able alone.
    case guided
    /// At least one person in the household can now do it alone (or the service is now set up).
    case mastered
    /// Does not apply to this household (no device, already done elsewhere, …).
    case notApplicable
}
