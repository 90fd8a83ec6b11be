import CDTModuleKit
import Foundation

/// The figures a nomination's evidence is made of: the work recorded in the round's period, read from
/// the event log through `core_v1` (never typed by the nominator).
enum EvidenceMetric: String, CaseIterable, Codable, Sendable {
    case householdsRegistered, householdsVisited, visits, skillsMastered, servicesMastered, trainingsHeld, trainingsAttended, campaignsReached

    var label: LocalizedName {
        switch self {
        case .householdsRegistered: LocalizedName(vietnamese: "Hộ đã đăng ký", english: "Households registered")
        case .householdsVisited: LocalizedName(vietnamese: "Hộ đã đến hướng dẫn", english: "Households visited")
        case .visits: LocalizedName(vietnamese: "Lượt đến hộ", english: "Visits")
        case .skillsMastered: LocalizedName(vietnamese: "Kỹ năng số thành thạo", english: "Skills mastered")
        case .servicesMastered: LocalizedName(vietnamese: "Dịch vụ số thành thạo", english: "Services mastered")
        case .trainingsHeld: LocalizedName(vietnamese: "Lớp tập huấn đã tổ chức", english: "Trainings held")
        case .trainingsAttended: LocalizedName(vietnamese: "Lượt dự tập huấn", english: "Trainings attended")
        case .campaignsReached: LocalizedName(vietnamese: "Chiến dịch tham gia", english: "Campaigns reached")
        }
    }

    /// The metrics that mean something for a subject: a household's registration names no member.
    static func measured(for subject: Subject) -> [EvidenceMetric] {
        subject == .member ? allCases.filter { $0 != .householdsRegistered && $0 != .trainingsHeld } : allCases
    }
}

/// What evidence is taken about: a team (the work recorded in its unit), a member (the visits that name
/// them and the trainings they attended) or a practice (the work of the unit that shared it).
struct EvidenceSubject: Sendable {
    var kind: Subject
    var unit: CoreUnit
    var team: ID<Team>?
    var member: ID<Member>?
}

enum Evidence {
    /// The figures for `subject` over `from`…`until` (days in Vietnam), in the order of ``EvidenceMetric``.
    static func figures(for subject: EvidenceSubject, from: CalendarDate, until: CalendarDate, _ db: PostgresClient) async throws -> [EvidenceFigure] {
        let member = subject.member?.rawValue.lowercasedText
        let (registered, households, visits, skills, services) = try await db.query("""
            SELECT count(*) FILTER (WHERE e.type = 'household.registered')::int,
                   count(DISTINCT e.payload ->> 'householdId') FILTER (WHERE e.type = 'household.visited')::int,
                   count(*) FILTER (WHERE e.type = 'household.visited')::int,
                   coalesce(sum((SELECT count(*) FROM jsonb_each_text(e.payload -> 'skills') s WHERE s.value = 'mastered'))
                            FILTER (WHERE e.type = 'household.visited'), 0)::int,
                   coalesce(sum((SELECT count(*) FROM jsonb_each_text(e.payload -> 'services') s WHERE s.value = 'mastered'))
                            FILTER (WHERE e.type = 'household.visited'), 0)::int
            FROM core_v1.events e JOIN core_v1.units u ON u.id = e.unit_id
            WHERE e.province_id = \(subject.unit.provinceID ?? subject.unit.id) AND u.path LIKE \(subject.unit.path + "%")
              AND e.type IN ('household.registered', 'household.visited')
              AND (e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN \(from) AND \(until)
              AND (\(member)::text IS NULL OR e.payload -> 'memberIds' ? \(member)::text)
            """).decode((Int, Int, Int, Int, Int).self)[0]
        let core = CoreReads(db)
        let held = try await core.trainings(under: subject.unit.id, from: from, until: until).count
        var attended = 0
        if let member = subject.member {
            attended = try await core.trainings(attendedBy: member, from: from, until: until).count
        } else if let team = subject.team {
            for teammate in try await core.members(ofTeam: team, on: until) {
                attended += try await core.trainings(attendedBy: teammate.memberID, from: from, until: until).count
            }
        }
        let campaigns = try await core.campaigns(reaching: subject.unit.id, from: from, until: until).count
        let values: [EvidenceMetric: Int] = [
            .householdsRegistered: registered, .householdsVisited: households, .visits: visits, .skillsMastered: skills,
            .servicesMastered: services, .trainingsHeld: held, .trainingsAttended: attended, .campaignsReached: campaigns,
        ]
        return EvidenceMetric.measured(for: subject.kind).map {
            EvidenceFigure(key: $0.rawValue, labelVi: $0.label.vietnamese, labelEn: $0.label.english, value: Double(values[$0] ?? 0))
        }
    }
}

extension Evidence {
    /// The figures other modules give about the subject's unit, where they are enabled in its province:
    /// coverage's headline figures for every subject, good-practices' for a practice; each keyed
    /// `<module>.<key>`. Read through the kit's ``UnitFigures`` service of those optional dependencies.
    static func fromOtherModules(for subject: EvidenceSubject, _ module: ModuleContext) async throws -> [EvidenceFigure] {
        guard let province = subject.unit.provinceID else { return [] }
        let providers = subject.kind == .practice ? ["coverage", "good-practices"] : ["coverage"]
        var figures: [EvidenceFigure] = []
        for provider in providers where try await module.isEnabled(provider, in: province) {
            guard let service = try? module.services.service((any UnitFigures).self, from: provider) else { continue }
            for figure in try await service.figures(for: subject.unit.id) {
                figures.append(EvidenceFigure(key: "\(provider).\(figure.key)", labelVi: figure.label.vietnamese, labelEn: figure.label.english, value: figure.value))
            }
        }
        return figures
    }
}

/// A subject a nominator names, found in the core and placed in the hierarchy.
struct FoundSubject: Sendable {
    var kind: Subject
    var id: UUID
    var name: String
    var role: String?
    var team: CoreTeam?
    /// Where its work is recorded (the team's unit, the member's team's unit, the practice's unit).
    var unit: CoreUnit

    var evidenceSubject: EvidenceSubject {
        EvidenceSubject(kind: kind, unit: unit, team: team?.id, member: kind == .member ? ID(rawValue: id) : nil)
    }
}

enum Subjects {
    /// The team, member or practice `id`, if the request's provinces hold it; a member with the team they
    /// are on at the end of `day` (their latest team if they left every one).
    static func find(_ kind: Subject, _ id: UUID, on day: CalendarDate, _ db: PostgresClient) async throws -> FoundSubject? {
        let core = CoreReads(db)
        switch kind {
        case .team:
            guard let team = try await core.team(ID(rawValue: id)), let unit = try await core.unit(team.unitID) else { return nil }
            return FoundSubject(kind: .team, id: id, name: team.name, team: team, unit: unit)
        case .member:
            guard let (name, teamID, role) = try await db.query("""
                SELECT m.name, s.team_id, s.role FROM core_v1.members m JOIN core_v1.memberships s ON s.member_id = m.id
                WHERE m.id = \(id) AND s.joined_on <= \(day)
                ORDER BY (s.left_on IS NULL OR s.left_on > \(day)) DESC, s.joined_on DESC LIMIT 1
                """).decode((String, ID<Team>, String).self).first,
                  let team = try await core.team(teamID), let unit = try await core.unit(team.unitID) else { return nil }
            return FoundSubject(kind: .member, id: id, name: name, role: role, team: team, unit: unit)
        case .practice:
            guard let (unitID, title) = try await db.query("""
                SELECT e.unit_id, e.payload ->> 'title' FROM core_v1.events e
                WHERE e.id = \(id) AND e.type IN ('good-practices.practice_shared', 'practice.shared')
                """).decode((ID<AdministrativeUnit>, String).self).first,
                  let unit = try await core.unit(unitID) else { return nil }
            return FoundSubject(kind: .practice, id: id, name: title, unit: unit)
        }
    }

    /// The candidates of `kind` in `unit`'s subtree: teams active at the end of `day`, or their members.
    static func candidates(_ kind: Subject, under unit: CoreUnit, on day: CalendarDate, _ db: PostgresClient) async throws -> [FoundSubject] {
        let teams = try await db.query("""
            SELECT t.id FROM core_v1.teams t JOIN core_v1.units u ON u.id = t.unit_id
            WHERE u.path LIKE \(unit.path + "%") AND t.established_on <= \(day) AND (t.ended_on IS NULL OR t.ended_on > \(day))
            """).decode(ID<Team>.self)
        let core = CoreReads(db)
        var found: [FoundSubject] = []
        for teamID in teams {
            guard let team = try await core.team(teamID), let place = try await core.unit(team.unitID) else { continue }
            switch kind {
            case .team: found.append(FoundSubject(kind: .team, id: team.id.rawValue, name: team.name, team: team, unit: place))
            case .member:
                for member in try await core.members(ofTeam: team.id, on: day) {
                    found.append(FoundSubject(kind: .member, id: member.memberID.rawValue, name: member.name, role: member.role, team: team, unit: place))
                }
            case .practice: break
            }
        }
        return found
    }
}
