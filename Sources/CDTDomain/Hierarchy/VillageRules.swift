/// The rules for the village events (`village.added|renamed|moved|closed`): a province's villages change
/// through the event log, and none of their work may be orphaned. The log's adapter gives the facts it
/// reads in the event's transaction; the rules decide.
public enum VillageRules {
    /// A village opens under a commune, with a code no village of the commune holds that day or later.
    public static func checkOpening(under unit: AdministrativeUnit, codeTaken: Bool, idTaken: Bool) throws(ValidationFailure) {
        guard unit.kind.level == .commune else { throw ValidationFailure(field: "unitId", rule: "must name the commune the village opens under") }
        guard !idTaken else { throw ValidationFailure(field: "payload.villageId", rule: "must be a new id") }
        guard !codeTaken else {
            throw ValidationFailure(field: "payload.code", rule: "must differ from the codes of the commune's villages in force that day or later")
        }
    }

    /// The event's unit, which must be a village.
    public static func village(_ unit: AdministrativeUnit) throws(ValidationFailure) -> AdministrativeUnit {
        guard unit.kind.level == .village else { throw ValidationFailure(field: "unitId", rule: "must name a village") }
        return unit
    }

    /// The event's unit, which must be a village not closed or moved already, opened before `day`.
    public static func openVillage(_ unit: AdministrativeUnit, changingOn day: CalendarDate) throws(ValidationFailure) -> AdministrativeUnit {
        let village = try village(unit)
        if let until = village.validity.until {
            throw ValidationFailure(field: "unitId", rule: "must name a village still open (it closed on \(until))")
        }
        guard day > village.validity.from else {
            throw ValidationFailure(field: "occurredAt", rule: "must be after the day the village opened (\(village.validity.from))")
        }
        return village
    }

    /// A renaming changes the name or the type, and comes after the village's last one.
    public static func checkRenaming(from before: AdministrativeUnit, to after: AdministrativeUnit, renamedLater: Bool) throws(ValidationFailure) {
        guard after.name != before.name || after.kind != before.kind else {
            throw ValidationFailure(field: "payload.name", rule: "must differ from the village's name")
        }
        guard !renamedLater else { throw ValidationFailure(field: "occurredAt", rule: "must be after the village's last renaming") }
    }

    /// A move goes to another commune of the same province, in force that day, under a new id.
    /// - Parameter commune: the target as stored (`nil` when there is none), with its province.
    public static func checkMove(of village: AdministrativeUnit, to commune: (unit: AdministrativeUnit, provinceID: ID<AdministrativeUnit>)?,
                                 villageProvince: ID<AdministrativeUnit>, on day: CalendarDate, newIDTaken: Bool) throws(ValidationFailure) {
        guard let commune, commune.unit.kind.level == .commune, commune.unit.validity.contains(day), commune.provinceID == villageProvince else {
            throw ValidationFailure(field: "payload.communeId", rule: "must name a commune of the village's province in force that day")
        }
        guard commune.unit.id != village.parentID else { throw ValidationFailure(field: "payload.communeId", rule: "must be another commune than the village's") }
        guard !newIDTaken else { throw ValidationFailure(field: "payload.newVillageId", rule: "must be a new id") }
    }

    /// A closing with a successor: another village of the province, in force that day, and not both with an
    /// active team (merge the teams first).
    public static func checkSuccessor(of village: AdministrativeUnit, _ successor: (unit: AdministrativeUnit, provinceID: ID<AdministrativeUnit>)?,
                                      villageProvince: ID<AdministrativeUnit>, on day: CalendarDate, activeTeams: Int) throws(ValidationFailure) {
        guard let successor, successor.unit.id != village.id, successor.unit.kind.level == .village, successor.unit.validity.contains(day),
              successor.provinceID == villageProvince else {
            throw ValidationFailure(field: "payload.successorId", rule: "must name another village of the province in force that day")
        }
        guard activeTeams < 2 else {
            throw ValidationFailure(field: "payload.successorId", rule: "has an active team too: merge the two teams first (team.merged)")
        }
    }

    /// A closing without a successor: the village holds nothing that closing would orphan.
    public static func checkClosingAlone(teams: Int, households: Int, roles: Int) throws(ValidationFailure) {
        guard teams + households + roles == 0 else {
            throw ValidationFailure(field: "payload.successorId", rule:
                "is required: the village holds \(teams) active teams, \(households) households and \(roles) role assignments, which closing must not orphan")
        }
    }
}
