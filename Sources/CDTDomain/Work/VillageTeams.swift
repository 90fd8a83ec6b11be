/// The rules for setting up and ending teams in one unit: at most one active village-level team per
/// village at a time; a team ends (dissolved or merged) after the day it was established.
public enum TeamRules {
    /// Checks that `team` may be established, given the teams already recorded for its unit.
    /// - Parameters:
    ///   - unit: the unit the team is for, as it was on the decision's date (`nil` when it did not exist then).
    public static func checkEstablishment(of team: Team, in unit: AdministrativeUnit?, existing: [Team]) throws(ValidationFailure) {
        var check = Validator()
        if let unit {
            check.require(TeamLevel(unitLevel: unit.kind.level) == team.level, "unitId", "must name a village-level unit or a commune")
            check.require(unit.validity.contains(team.establishedOn), "payload.decision.date", "must fall in the unit's validity \(unit.validity)")
        } else {
            check.record("unitId", "must name an existing unit")
        }
        if existing.contains(where: { $0.id == team.id }) {
            check.record("payload.teamId", "is already used by another team")
        }
        if team.level == .village, let clash = existing.first(where: {
            $0.level == .village && $0.id != team.id && overlaps($0, from: team.establishedOn)
        }) {
            check.record("unitId", "the village already has an active team (\(clash.name)) on or after \(team.establishedOn); a village has one team at a time")
        }
        try check.finish()
    }

    /// Ends `team` on `date`, dissolved or merged.
    public static func end(_ team: Team, on date: CalendarDate, as ending: TeamEnding, field: String = "payload.teamId") throws(ValidationFailure) -> Team {
        guard team.endedOn == nil else { throw ValidationFailure(field: field, rule: "must name a team that has not been dissolved or merged") }
        guard team.establishedOn < date else {
            throw ValidationFailure(field: "occurredAt", rule: "must be after the day the team was established (\(team.establishedOn))")
        }
        var ended = team
        ended.endedOn = date
        ended.ending = ending
        return ended
    }

    /// The level of a team for a unit at `level`: a village-level unit's or a commune's.
    public static func teamLevel(forUnitAt level: UnitLevel) throws(ValidationFailure) -> TeamLevel {
        guard let teamLevel = TeamLevel(unitLevel: level) else {
            throw ValidationFailure(field: "unitId", rule: "must name a village-level unit or a commune")
        }
        return teamLevel
    }

    /// Checks that the unit issuing a team's decision is the team's unit or above it (`issuerPath` and
    /// `unitPath` are the units' paths in the tree; `nil` for an issuer that does not exist).
    public static func checkIssuer(path issuerPath: String?, ofTeamAt unitPath: String) throws(ValidationFailure) {
        guard let issuerPath, unitPath.hasPrefix(issuerPath) else {
            throw ValidationFailure(field: "payload.decision.issuingUnitId", rule: "must name the team's unit or a unit above it")
        }
    }

    /// Checks that `survivor` may take in other teams on `date`: a `team.merged` is recorded in the
    /// survivor's unit, and the survivor is active that day.
    public static func checkMerge(into survivor: Team, recordedIn unit: ID<AdministrativeUnit>, on date: CalendarDate) throws(ValidationFailure) {
        guard survivor.unitID == unit else {
            throw ValidationFailure(field: "unitId", rule: "must be the unit of the team merged into (\(survivor.unitID))")
        }
        guard survivor.isActive(on: date) else {
            throw ValidationFailure(field: "payload.intoTeamId", rule: "must name a team active on the day the event occurred")
        }
    }

    /// Checks a `member.joined`: a new member comes with their details, an existing one without (joining
    /// never rewrites or restores a member's details), and only within the province they were recorded in.
    /// - Parameters:
    ///   - storedIn: the province of the member already recorded with this id, `nil` for a new member.
    public static func checkJoining(_ body: MemberJoined, storedIn: ID<AdministrativeUnit>?, teamProvince: ID<AdministrativeUnit>) throws(ValidationFailure) {
        if let province = storedIn, province != teamProvince {
            throw ValidationFailure(field: "payload.memberId", rule: "names a member recorded in another province")
        }
        if body.person != nil, storedIn != nil {
            throw ValidationFailure(field: "payload.person", rule: "must be left out when memberId names an existing member")
        }
        if body.person == nil, storedIn == nil {
            throw ValidationFailure(field: "payload.person", rule: "is required when memberId names a new member")
        }
    }

    /// Whether `team` is or will be active on `date` or later.
    private static func overlaps(_ team: Team, from date: CalendarDate) -> Bool {
        team.endedOn.map { $0 > date } ?? true
    }
}
