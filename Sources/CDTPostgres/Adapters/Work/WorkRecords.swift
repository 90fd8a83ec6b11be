import CDTDomain
import Foundation

/// How teams, members, memberships, households, campaigns and trainings are read from their rows.
enum WorkRecords {
    static let teamColumns = """
        t.id, t.name, t.unit_id, t.level, t.decision_number, t.decision_date, t.decision_signer, t.issuing_unit_id,
        t.chat_link, t.ended_on, t.ending, t.merged_into
        """

    static func team(from row: PostgresRow) throws -> Team {
        let (id, name, unitID, level, number, date, signer, issuer, chatLink, endedOn, ending, mergedInto) = try row.decode(
            (ID<Team>, String, ID<AdministrativeUnit>, String, String, CalendarDate, String, ID<AdministrativeUnit>,
             String?, CalendarDate?, String?, ID<Team>?).self)
        guard let teamLevel = TeamLevel(rawValue: level) else { throw corrupt("team \(id) has level \(level)", column: "level") }
        let teamEnding: TeamEnding? = switch (ending, mergedInto) {
        case ("dissolved", _): .dissolved
        case ("merged", let into?): .merged(into: into)
        default: nil
        }
        return Team(
            id: id, name: name, unitID: unitID, level: teamLevel,
            decision: EstablishmentDecision(number: number, date: date, signer: signer, issuingUnitID: issuer),
            chatLink: chatLink, endedOn: endedOn, ending: teamEnding)
    }

    static let memberColumns = "m.id, m.name, m.phone, m.gender, m.birth_year, m.affiliations"

    static func member(from row: PostgresRow) throws -> Member {
        let (id, name, phone, gender, birthYear, affiliations) = try row.decode((ID<Member>, String, String, String, Int, [String]).self)
        guard let memberGender = Gender(rawValue: gender) else { throw corrupt("member \(id) has gender \(gender)", column: "gender") }
        return Member(id: id, name: name, phone: phone, gender: memberGender, birthYear: birthYear, affiliations: affiliations.compactMap(Affiliation.init(rawValue:)))
    }

    static let membershipColumns = "s.team_id, s.member_id, s.role, s.joined_on, s.left_on"

    static func membership(from row: PostgresRow) throws -> Membership {
        let (teamID, memberID, role, joinedOn, leftOn) = try row.decode((ID<Team>, ID<Member>, String, CalendarDate, CalendarDate?).self)
        guard let teamRole = TeamRole(rawValue: role) else { throw corrupt("membership of \(memberID) has role \(role)", column: "role") }
        return Membership(teamID: teamID, memberID: memberID, role: teamRole, joinedOn: joinedOn, leftOn: leftOn)
    }

    static let householdColumns = "h.id, h.unit_id, h.label, h.size, h.residents::text, h.not_applicable"

    static func household(from row: PostgresRow) throws -> Household {
        let (id, unitID, label, size, residents, notApplicable) = try row.decode((ID<Household>, ID<AdministrativeUnit>, String?, Int, String, String?).self)
        return Household(
            id: id, unitID: unitID, label: label, size: size,
            residents: try JSONDecoder().decode([ResidentCount].self, from: Data(residents.utf8)),
            notApplicable: notApplicable.flatMap(NotApplicableReason.init(rawValue:)))
    }

    static let campaignColumns = "c.id, c.name, c.scope_unit_id, c.starts_on, c.ends_on, c.target_skills, c.target_services, c.targets::text, c.closed_on"

    static func campaign(from row: PostgresRow) throws -> Campaign {
        let (id, name, scope, startsOn, endsOn, skills, services, targets, closedOn) = try row.decode(
            (ID<Campaign>, String, ID<AdministrativeUnit>, CalendarDate, CalendarDate, [String], [String], String, CalendarDate?).self)
        return Campaign(
            id: id, name: name, scopeUnitID: scope, startsOn: startsOn, endsOn: endsOn,
            targetSkills: skills.compactMap(BasicSkill.init(rawValue:)), targetServices: services.compactMap(DigitalService.init(rawValue:)),
            targets: try JSONDecoder().decode([CampaignTarget].self, from: Data(targets.utf8)), closedOn: closedOn)
    }

    static let trainingColumns = """
        g.id, g.unit_id, g.organiser, g.topic, g.format, g.held_on,
        ARRAY(SELECT a.member_id FROM training_attendees a WHERE a.training_id = g.id ORDER BY a.member_id) AS attendees
        """

    static func training(from row: PostgresRow) throws -> Training {
        let (id, unitID, organiser, topic, format, heldOn, attendees) = try row.decode(
            (ID<Training>, ID<AdministrativeUnit>, String, String, String, CalendarDate, [ID<Member>]).self)
        guard let trainingFormat = TrainingFormat(rawValue: format) else { throw corrupt("training \(id) has format \(format)", column: "format") }
        return Training(id: id, unitID: unitID, organiser: organiser, topic: topic, format: trainingFormat, heldOn: heldOn, attendeeIDs: attendees)
    }

    /// JSON for a `jsonb` column, with the payload codec's encoder.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try EventPayloadCodec.encoder.encode(value), as: UTF8.self)
    }

    private static func corrupt(_ message: String, column: String) -> PostgresError {
        PostgresError(code: .decoding, message: "stored \(message), which this build does not know", column: column)
    }
}
