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

    /// Whether `team` is or will be active on `date` or later.
    private static func overlaps(_ team: Team, from date: CalendarDate) -> Bool {
        team.endedOn.map { $0 > date } ?? true
    }
}
