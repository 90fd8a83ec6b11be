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
/// | team leader | its team's unit | its commune (the commune itself when assigned at one) | no | no | in its unit |
/// | member | its village | its village | no | no | no |
/// | auditor | nothing | its unit | no | in its unit | no |
/// | enterprise partner | nothing in the core | nothing in the core (the partner-discounts module adds its own) | no | no | no |
///
/// Merging teams (``Capability/mergeTeams``) is for commune officers and administrators, in their area;
/// how far back each role may date an event is ``backdatingDays``.
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

    /// How many days before today (in Vietnam) an event the role records may have occurred; `nil` for no
    /// bound but the log's own (``DomainEvent/earliestDay``). A phone in a village without signal may sync
    /// days late, so members and team leaders get a month; commune officers enter paper records of a
    /// season; administrators correct history.
    public var backdatingDays: Int? {
        switch self {
        case .nationalAdministrator, .provinceAdministrator: nil
        case .communeOfficer: 180
        case .teamLeader, .member: 30
        case .nationalViewer, .auditor, .enterprisePartner: 0
        }
    }

    /// What the role allows, and how far from the assigned unit.
    public var grants: [Capability: Reach] {
        switch self {
        case .nationalAdministrator, .provinceAdministrator: Grants.administrator
        case .nationalViewer: Grants.viewer
        case .communeOfficer: Grants.communeOfficer
        case .teamLeader: Grants.teamLeader
        case .member: Grants.member
        case .auditor: Grants.auditor
        case .enterprisePartner: [:]
        }
    }

    /// The roles' grants, made once: every request's access and every event's backdating check read them,
    /// and a dictionary built on each read was 1% of the server's CPU for single events.
    private enum Grants {
        static let administrator: [Capability: Reach] = [
            .view: .assigned, .change: .assigned, .mergeTeams: .assigned, .manageAccounts: .assigned, .readAudit: .assigned,
            .seePhoneNumbers: .assigned, .manageUnits: .assigned,
        ]
        static let viewer: [Capability: Reach] = [.view: .assigned]
        static let communeOfficer: [Capability: Reach] = [.view: .province, .change: .assigned, .mergeTeams: .assigned, .seePhoneNumbers: .assigned]
        static let teamLeader: [Capability: Reach] = [.view: .commune, .change: .assigned, .seePhoneNumbers: .assigned]
        static let member: [Capability: Reach] = [.view: .assigned, .change: .assigned]
        static let auditor: [Capability: Reach] = [.view: .assigned, .readAudit: .assigned]
    }
}

/// Something an account may be allowed to do somewhere.
public enum Capability: String, CaseIterable, Codable, Sendable, Hashable {
    /// Read teams, members, households, campaigns, trainings, events and figures.
    case view
    /// Record work and changes (submit events).
    case change
    /// Merge teams (`team.merged`): ending a team and moving its members is a commune officer's act or above.
    case mergeTeams
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
    /// The subtree of the unit's parent.
    case parent
    /// The subtree of the commune the unit is or lies in (a team leader views its commune).
    case commune
    /// The subtree of the unit's province (a commune officer views its province).
    case province
}
