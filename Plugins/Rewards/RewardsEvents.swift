public import CDTModuleKit
public import Foundation

/// A category a round honours: data, not code (`exemplaryTeam`, `exemplaryMember`, `innovativeModel`, or
/// any other the administrator names).
public struct RoundCategory: Codable, Hashable, Sendable {
    /// A stable key: ASCII letters and digits.
    public var key: String
    public var nameVi: String
    public var nameEn: String
    /// What is nominated in it: `team`, `member` or `practice` (a good practice shared in the log).
    public var subject: String

    public init(key: String, nameVi: String, nameEn: String, subject: String) {
        (self.key, self.nameVi, self.nameEn, self.subject) = (key, nameVi, nameEn, subject)
    }

    func validate(into check: inout Validator) {
        check.require(!key.isEmpty && key.count <= 40 && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "key", "must be 1 to 40 ASCII letters or digits")
        check.text(nameVi, "nameVi")
        check.text(nameEn, "nameEn")
        check.require(Subject(rawValue: subject) != nil, "subject", "must be team, member or practice")
    }
}

/// What a nomination names: a team, a member or a practice (its id is the team's, the member's or the
/// `good-practices.practice_shared` event's).
public enum Nominee {}

/// What a nomination names.
enum Subject: String, Codable, Sendable, CaseIterable {
    case team, member, practice
}

/// At most `limit` nominations of `category` may pass (be endorsed at) each unit of `level`.
public struct Quota: Codable, Hashable, Sendable {
    public var category: String
    public var level: String
    public var limit: Int

    public init(category: String, level: String, limit: Int) {
        (self.category, self.level, self.limit) = (category, level, limit)
    }
}

/// The last day a nomination may reach review at `level`.
public struct LevelDeadline: Codable, Hashable, Sendable {
    public var level: String
    public var date: CalendarDate

    public init(level: String, date: CalendarDate) {
        (self.level, self.date) = (level, date)
    }
}

/// The payload of `rewards.round_opened`: a round opens in a province. The event's unit is the province.
/// A national round opens with one such event in each province where rewards is enabled, each with
/// `scope` `nation` and the national round's id in `roundId` (the id of the first of those events).
public struct RoundOpened: EventBody {
    public var titleVi: String
    public var titleEn: String
    public var periodFrom: CalendarDate
    public var periodUntil: CalendarDate
    public var categories: [RoundCategory]
    public var quotas: [Quota]
    public var deadlines: [LevelDeadline]
    /// The levels that review, bottom-up, as the province's hierarchy had them when the round opened; a
    /// national round's ends with `nation`.
    public var chain: [String]
    /// `nation` for a province's part of a national round; absent (or `province`) for a province's own round.
    public var scope: String?
    /// A national round's id, the same in every province's event; absent for a province's own round, whose
    /// id is the event's.
    public var roundId: ID<DomainEvent>?

    public init(titleVi: String, titleEn: String, periodFrom: CalendarDate, periodUntil: CalendarDate, categories: [RoundCategory], quotas: [Quota],
                deadlines: [LevelDeadline], chain: [String], scope: String? = nil, roundId: ID<DomainEvent>? = nil) {
        (self.titleVi, self.titleEn, self.periodFrom, self.periodUntil) = (titleVi, titleEn, periodFrom, periodUntil)
        (self.categories, self.quotas, self.deadlines, self.chain, self.scope, self.roundId) = (categories, quotas, deadlines, chain, scope, roundId)
    }

    /// Whether this is a province's part of a national round.
    var isNational: Bool { scope == RewardsLevels.nation }

    public func validate(into check: inout Validator) {
        check.text(titleVi, "titleVi")
        check.text(titleEn, "titleEn")
        check.require(periodFrom <= periodUntil, "periodUntil", "must be on or after periodFrom")
        check.require(!categories.isEmpty && categories.count <= 20, "categories", "must name 1 to 20 categories")
        for (index, category) in categories.enumerated() { check.nested("categories[\(index)]") { category.validate(into: &$0) } }
        check.require(Set(categories.map(\.key)).count == categories.count, "categories", "must not repeat a key")
        check.require(scope == nil || scope == "province" || scope == RewardsLevels.nation, "scope", "must be nation or province")
        if isNational {
            check.require(roundId != nil, "roundId", "must be the national round's id")
            check.require(chain.last == RewardsLevels.nation && chain.dropLast().allSatisfy(RewardsLevels.reviewing.contains) && chain.count > 1,
                          "chain", "must list reviewing levels (commune, district, province) and end with nation")
        } else {
            check.require(!chain.isEmpty && chain.allSatisfy(RewardsLevels.reviewing.contains), "chain", "must list reviewing levels (commune, district, province)")
        }
        for (index, quota) in quotas.enumerated() {
            check.require(categories.contains { $0.key == quota.category }, "quotas[\(index)].category", "must be one of the round's categories")
            check.require(chain.contains(quota.level), "quotas[\(index)].level", "must be a level of the review chain")
            check.require((1...10_000).contains(quota.limit), "quotas[\(index)].limit", "must be from 1 to 10000")
        }
        for (index, deadline) in deadlines.enumerated() {
            check.require(chain.contains(deadline.level), "deadlines[\(index)].level", "must be a level of the review chain")
        }
    }
}

/// The payload of `rewards.round_closed`: the round is read-only from now on.
public struct RoundClosed: EventBody {
    public var roundId: ID<DomainEvent>
    public func validate(into check: inout Validator) {}
}

/// The payload of `rewards.nomination_drafted`: a locality names a team, a member or a practice. The
/// event's id is the nomination's; its unit, and that of every later step, is the nominee's (a team's village), where
/// its work is recorded: the nominator, the reviewers above it and the decider may all record there.
public struct NominationDrafted: EventBody {
    public var roundId: ID<DomainEvent>
    public var category: String
    /// `team`, `member` or `practice`.
    public var subjectKind: String
    public var subjectId: ID<Nominee>
    /// The team's or member's name (or the practice's title) when nominated.
    public var subjectName: String
    /// A member's role on their team.
    public var subjectRole: String?
    public var teamId: ID<Team>?
    public var teamName: String?
    /// The reviewing unit at each level of the round's chain (the commune first).
    public var reviewUnits: [ID<AdministrativeUnit>]
    public var citation: String

    public func validate(into check: inout Validator) {
        check.text(citation, "citation", maximumLength: 2000)
        check.text(subjectName, "subjectName")
        check.require(Subject(rawValue: subjectKind) != nil, "subjectKind", "must be team, member or practice")
        check.require(!reviewUnits.isEmpty, "reviewUnits", "must name the reviewing units")
    }
}

/// The payload of `rewards.nomination_submitted`: submitted (or resubmitted after a return) with the
/// evidence frozen as the nominator saw it.
public struct NominationSubmitted: EventBody {
    public var nominationId: ID<DomainEvent>
    public var evidence: [EvidenceFigure]
    public func validate(into check: inout Validator) {}
}

/// The payload of `rewards.nomination_endorsed`, `…_returned`, `…_rejected`, `…_approved` and
/// `…_withdrawn`: one step of the review, at a level of the chain (`fromLevel`, an index), with a note
/// (the reason, for a return, a rejection or a withdrawal).
public struct NominationStep: EventBody {
    public var nominationId: ID<DomainEvent>
    public var fromLevel: Int?
    /// For an endorsement: the next level, or `nil` when the top of the chain endorsed it (it awaits the decision).
    public var toLevel: Int?
    public var note: String

    public func validate(into check: inout Validator) {
        if !note.isEmpty { check.text(note, "note", maximumLength: 2000) }
    }
}

/// The payload of `rewards.nomination_awarded`: the decision that awards it.
public struct NominationAwarded: EventBody {
    public var nominationId: ID<DomainEvent>
    public var decisionNumber: String
    public var decisionDate: CalendarDate
    public var signer: String
    public var awardTitle: String

    public func validate(into check: inout Validator) {
        check.text(decisionNumber, "decisionNumber", maximumLength: 100)
        check.text(signer, "signer")
        check.text(awardTitle, "awardTitle")
    }
}

/// One figure of a nomination's evidence.
public struct EvidenceFigure: Codable, Hashable, Sendable {
    public var key: String
    public var labelVi: String
    public var labelEn: String
    public var value: Double
}

/// The hierarchy's levels that may review, bottom-up.
enum RewardsLevels {
    static let reviewing = ["commune", "district", "province"]
    /// The top of a national round's chain, above every province; reviewed and decided nationally.
    static let nation = "nation"
    /// Every level a chain may name.
    static let all = reviewing + [nation]

    static func name(_ level: String) -> LocalizedName {
        switch level {
        case "commune": LocalizedName(vietnamese: "Cấp xã", english: "Commune")
        case "district": LocalizedName(vietnamese: "Cấp huyện", english: "District")
        case "province": LocalizedName(vietnamese: "Cấp tỉnh", english: "Province")
        case "nation": LocalizedName(vietnamese: "Cấp trung ương", english: "Nation")
        default: LocalizedName(vietnamese: level, english: level)
        }
    }
}
