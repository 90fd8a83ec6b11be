/// What an account may do, assigned at a unit of the hierarchy (or at the nation): the assignment
/// covers the unit's whole subtree.
///
/// | role | changes (records work, edits) | views | manages accounts | reads the audit log | sees phone numbers |
/// | --- | --- | --- | --- | --- | --- |
/// (National and province administrators also manage the villages of their area: ``Capability/manageUnits``.)
/// | national administrator | everything | everything | everywhere | everywhere | yes |
/// | national viewer | nothing | everything | no | no | no |
/// | province administrator | its province | its province | in its province | in its province | yes |
/// | commune officer | its commune | its whole province | no | no | in its commune |
/// | team leader | its team's unit | its commune | no | no | in its unit |
/// | member | its village | its village | no | no | no |
/// | auditor | nothing | its unit | no | in its unit | no |
/// | enterprise partner | nothing in the core | nothing in the core (the partner-discounts module adds its own) | no | no | no |
public enum Role: String, CaseIterable, Codable, Sendable, Hashable {
    case nationalAdministrator
    case nationalViewer
    case provinceAdministrator
    case communeOfficer
    case teamLeader
    case member
    case auditor
    case enterprisePartner

    /// Whether the role is assigned at the nation (no unit) rather than at a unit.
    public var isNational: Bool { self == .nationalAdministrator || self == .nationalViewer }

    /// The levels of unit the role may be assigned at; empty for national roles.
    public var assignableLevels: Set<UnitLevel> {
        switch self {
        case .nationalAdministrator, .nationalViewer: []
        case .provinceAdministrator: [.province]
        case .communeOfficer: [.commune]
        case .teamLeader: [.commune, .village]
        case .member: [.village]
        case .auditor, .enterprisePartner: [.province, .district, .commune, .village]
        }
    }

    /// Whether holders must use two-factor authentication to sign in.
    public var requiresTwoFactor: Bool { self == .nationalAdministrator || self == .provinceAdministrator }

    /// What the role allows, and how far from the assigned unit.
    public var grants: [Capability: Reach] {
        switch self {
        case .nationalAdministrator:
            [.view: .assigned, .change: .assigned, .manageAccounts: .assigned, .readAudit: .assigned, .seePhoneNumbers: .assigned,
             .manageUnits: .assigned]
        case .nationalViewer: [.view: .assigned]
        case .provinceAdministrator:
            [.view: .assigned, .change: .assigned, .manageAccounts: .assigned, .readAudit: .assigned, .seePhoneNumbers: .assigned,
             .manageUnits: .assigned]
        case .communeOfficer: [.view: .province, .change: .assigned, .seePhoneNumbers: .assigned]
        case .teamLeader: [.view: .parent, .change: .assigned, .seePhoneNumbers: .assigned]
        case .member: [.view: .assigned, .change: .assigned]
        case .auditor: [.view: .assigned, .readAudit: .assigned]
        case .enterprisePartner: [:]
        }
    }
}

/// Something an account may be allowed to do somewhere.
public enum Capability: String, CaseIterable, Codable, Sendable, Hashable {
    /// Read teams, members, households, campaigns, trainings, events and figures.
    case view
    /// Record work and changes (submit events).
    case change
    /// Create, disable and reset accounts and assign roles.
    case manageAccounts
    /// Read the audit log.
    case readAudit
    /// See members' phone numbers in full.
    case seePhoneNumbers
    /// Add, rename, move and close villages (the official units above them come from imports).
    case manageUnits
}

/// How far from its unit an assignment reaches for one capability.
public enum Reach: Sendable, Hashable {
    /// The assigned unit's subtree.
    case assigned
    /// The subtree of the unit's parent (a team leader views its commune).
    case parent
    /// The subtree of the unit's province (a commune officer views its province).
    case province
}
