public import CDTDomain
public import Foundation

/// A unit as `core_v1.units` shows it.
public struct CoreUnit: Sendable, Hashable, Codable {
    public let id: ID<AdministrativeUnit>
    /// The official code (reused across periods: the id is the identity).
    public let code: String
    public let name: String
    /// `nation`, `province`, `district`, `commune` or `village`.
    public let level: String
    /// The kind word of the name (`Xã`, `Phường`, …).
    public let type: String
    public let parentID: ID<AdministrativeUnit>?
    /// The province it lies in: its own id for a province, `nil` for the nation.
    public let provinceID: ID<AdministrativeUnit>?
    /// Ids from the top down, `/<province>/<district>/<commune>/`: a subtree is a prefix.
    public let path: String
    public let validFrom: CalendarDate
    /// The first day it is no longer in force; `nil` while it is.
    public let validUntil: CalendarDate?

    init(_ row: CoreReads.UnitRow) {
        (id, code, name, level, type, parentID, provinceID, path, validFrom, validUntil) = row
    }

    /// The ids on its path, province first, itself last.
    public var pathIDs: [ID<AdministrativeUnit>] {
        path.split(separator: "/").compactMap { UUID(uuidString: String($0)).map(ID.init(rawValue:)) }
    }

    /// Whether it is in force at the end of `day`.
    public func isInForce(on day: CalendarDate) -> Bool {
        validFrom <= day && (validUntil.map { $0 > day } ?? true)
    }
}

/// One reorganization link: from `effectiveOn` the predecessor carries on as (part of) the successor.
public struct UnitLineageLink: Sendable, Hashable, Codable {
    public let predecessorID: ID<AdministrativeUnit>
    public let successorID: ID<AdministrativeUnit>
    /// `merged`, `split`, `renamed` or `moved`.
    public let kind: String
    /// The part of the predecessor a split carries over, when known.
    public let share: Double?
    public let effectiveOn: CalendarDate
}

/// A team as `core_v1.teams` shows it (no decision signer, no chat link).
public struct CoreTeam: Sendable, Hashable, Codable {
    public let id: ID<Team>
    public let provinceID: ID<AdministrativeUnit>
    public let unitID: ID<AdministrativeUnit>
    /// `village` or `commune`.
    public let level: String
    public let name: String
    public let establishedOn: CalendarDate
    public let endedOn: CalendarDate?
    public let mergedIntoTeamID: ID<Team>?
}

/// A member on a team, without personal data (no phone, gender, birth year or affiliations).
public struct CoreTeamMember: Sendable, Hashable, Codable {
    public let memberID: ID<Member>
    public let name: String
    /// `head`, `deputyHead` or `member`.
    public let role: String
    public let joinedOn: CalendarDate
}

/// What a counter may see of a member (`core_v1.member_counter_identity`): the given name, the last word
/// of the name, and the last three digits of the phone. Never the full phone, birth year or address.
public struct CoreCounterIdentity: Sendable, Hashable, Codable {
    public let givenName: String
    public let phoneLast3: String
}

/// A household as `core_v1.households` shows it (no label).
public struct CoreHousehold: Sendable, Hashable, Codable {
    public let id: ID<Household>
    public let provinceID: ID<AdministrativeUnit>
    public let unitID: ID<AdministrativeUnit>
    public let size: Int
    /// Why the whole household is out of scope (`elderly`, `noDevice`, `refused`, `movedAway`), if it is.
    public let notApplicable: String?
    public let registeredOn: CalendarDate
}

/// An event as `core_v1.events` shows it; `payload` is its JSON (docs/api.md names each type's fields).
public struct CoreEvent: Sendable, Hashable {
    public let position: Int64
    public let id: ID<DomainEvent>
    public let type: String
    public let version: Int
    public let unitID: ID<AdministrativeUnit>
    public let provinceID: ID<AdministrativeUnit>
    public let occurredAt: Date
    public let recordedAt: Date
    public let payload: Data
}

/// A campaign as `core_v1.campaigns` shows it.
public struct CoreCampaign: Sendable, Hashable, Codable {
    public let id: ID<Campaign>
    public let provinceID: ID<AdministrativeUnit>
    /// The unit whose subtree the campaign covers.
    public let scopeUnitID: ID<AdministrativeUnit>
    public let name: String
    public let startsOn: CalendarDate
    public let endsOn: CalendarDate
    /// The day it was closed early, if it was.
    public let closedOn: CalendarDate?
}

/// A training as `core_v1.trainings` shows it.
public struct CoreTraining: Sendable, Hashable, Codable {
    public let id: ID<Training>
    public let provinceID: ID<AdministrativeUnit>
    public let unitID: ID<AdministrativeUnit>
    public let topic: String
    /// `onSite` or `online`.
    public let format: String
    public let heldOn: CalendarDate
    public let attendees: Int
}

/// The signed-in caller as a member of a team (``ModuleRequestContext/callerMembers()``): the member record
/// whose phone number is the account's, and one team it belongs to today. Names only, like `core_v1.members`.
public struct CallerMember: Sendable, Hashable, Codable {
    public let memberID: ID<Member>
    public let name: String
    public let teamID: ID<Team>
    /// The team's unit: its village (or commune, for a commune-level team).
    public let teamUnitID: ID<AdministrativeUnit>
    /// `head`, `deputyHead` or `member`.
    public let role: String
    public let provinceID: ID<AdministrativeUnit>
    /// The day the membership began.
    public let joinedOn: CalendarDate

    public init(memberID: ID<Member>, name: String, teamID: ID<Team>, teamUnitID: ID<AdministrativeUnit>, role: String,
                provinceID: ID<AdministrativeUnit>, joinedOn: CalendarDate) {
        self.memberID = memberID
        self.name = name
        self.teamID = teamID
        self.teamUnitID = teamUnitID
        self.role = role
        self.provinceID = provinceID
        self.joinedOn = joinedOn
    }

    /// Whether the caller leads the team (its head or deputy head).
    public var leadsTeam: Bool { role == "head" || role == "deputyHead" }
}
