import Foundation

/// `member.joined`: a person joins a team with a role from the day the event occurred. `person` is
/// required the first time a member id is used and refused afterwards (it never rewrites a member's details).
public struct MemberJoined: EventBody {
    public var teamId: ID<Team>
    public var memberId: ID<Member>
    public var role: TeamRole
    public var person: PersonDetails?

    public init(teamId: ID<Team>, memberId: ID<Member>, role: TeamRole, person: PersonDetails? = nil) {
        self.teamId = teamId
        self.memberId = memberId
        self.role = role
        self.person = person
    }

    public func validate(into check: inout Validator) {
        if let person { check.nested("person") { person.validate(into: &$0) } }
    }
}

/// What the platform keeps about a member: nothing more than the work needs.
public struct PersonDetails: Hashable, Codable, Sendable {
    public var name: String
    public var phone: String
    public var gender: Gender
    public var birthYear: Int
    public var affiliations: [Affiliation]

    public init(name: String, phone: String, gender: Gender, birthYear: Int, affiliations: [Affiliation] = []) {
        self.name = name
        self.phone = phone
        self.gender = gender
        self.birthYear = birthYear
        self.affiliations = affiliations
    }

    /// The youngest and oldest members accepted, by birth year.
    public static let birthYears = 1920...2012

    public func validate(into check: inout Validator) {
        check.text(name, "name")
        check.require(Member.normalizedPhone(phone) != nil, "phone", "must be a Vietnamese phone number (0 and 9 digits, or +84)")
        check.require(Self.birthYears.contains(birthYear), "birthYear", "must be from \(Self.birthYears.lowerBound) to \(Self.birthYears.upperBound)")
        check.require(Set(affiliations).count == affiliations.count, "affiliations", "must not repeat an affiliation")
    }

    /// The member these details describe.
    public func member(id: ID<Member>) -> Member {
        Member(id: id, name: name.trimmingCharacters(in: .whitespacesAndNewlines), phone: Member.normalizedPhone(phone) ?? phone,
               gender: gender, birthYear: birthYear, affiliations: affiliations)
    }
}

/// `member.left`: a member leaves a team on the day the event occurred.
public struct MemberLeft: EventBody {
    public var teamId: ID<Team>
    public var memberId: ID<Member>
    public var reason: String?

    public init(teamId: ID<Team>, memberId: ID<Member>, reason: String? = nil) {
        self.teamId = teamId
        self.memberId = memberId
        self.reason = reason
    }

    public func validate(into check: inout Validator) {
        check.text(reason, "reason", required: false, maximumLength: 500)
    }
}

/// `member.role_changed`: a member takes a new role on the team from the day the event occurred.
public struct MemberRoleChanged: EventBody {
    public var teamId: ID<Team>
    public var memberId: ID<Member>
    public var role: TeamRole

    public init(teamId: ID<Team>, memberId: ID<Member>, role: TeamRole) {
        self.teamId = teamId
        self.memberId = memberId
        self.role = role
    }

    public func validate(into check: inout Validator) {}
}
