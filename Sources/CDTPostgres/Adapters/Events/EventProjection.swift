import CDTDomain
import Foundation

/// Applies one event to the tables built from the log, inside the event's savepoint: it checks the
/// domain's rules against what is stored and throws ``ValidationFailure`` (rolling the event back) when
/// one is broken.
struct EventProjection {
    let event: DomainEvent
    let unit: StoredUnit
    let session: PostgresSession

    var day: CalendarDate { event.occurredOn }

    func apply() async throws {
        switch event.payload {
        case .teamEstablished(let body): try await establish(body)
        case .teamDissolved(let body): try await dissolve(body)
        case .teamMerged(let body): try await merge(body)
        case .teamChatLinkChanged(let body): try await changeChatLink(body)
        case .memberJoined(let body): try await join(body)
        case .memberLeft(let body): try await leave(body)
        case .memberRoleChanged(let body): try await changeRole(body)
        case .trainingHeld(let body): try await holdTraining(body)
        case .campaignLaunched(let body): try await launch(body)
        case .campaignClosed(let body): try await close(body)
        case .householdRegistered(let body): try await register(body)
        case .householdUpdated(let body): try await update(body)
        case .householdVisited(let body): try await visit(body)
        case .householdSurveyed(let body): try await survey(body)
        case .module: return  // a module's event changes only what the module builds from it
        case .unitsReorganized: throw ValidationFailure(field: "type", rule: "is recorded by the importer")
        case .villageAdded(let body): try await addVillage(body)
        case .villageRenamed(let body): try await renameVillage(body)
        case .villageMoved(let body): try await moveVillage(body)
        case .villageClosed(let body): try await closeVillage(body)
        }
    }

    // MARK: Shared checks

    /// The team with `id`, locked for this transaction so concurrent changes to its roster queue up.
    func lockedTeam(_ id: ID<Team>, field: String = "payload.teamId") async throws -> Team {
        let rows = try await session.query("""
            SELECT \(unsafeSQL: WorkRecords.teamColumns), t.province_id FROM teams t WHERE t.id = \(id) FOR UPDATE
            """)
        guard let row = rows.first else { throw ValidationFailure(field: field, rule: "must name an existing team") }
        guard try row.decode(ID<AdministrativeUnit>.self, column: "province_id") == unit.provinceID else {
            throw ValidationFailure(field: field, rule: "must name a team of the event unit's province")
        }
        return try WorkRecords.team(from: row)
    }

    /// The team with `id`, which must work in the event's unit.
    func teamOfThisUnit(_ id: ID<Team>) async throws -> Team {
        let team = try await lockedTeam(id)
        guard team.unitID == event.unitID else {
            throw ValidationFailure(field: "unitId", rule: "must be the team's unit (\(team.unitID))")
        }
        return team
    }

    func roster(of team: Team) async throws -> TeamRoster {
        let memberships = try await session.query("""
            SELECT \(unsafeSQL: WorkRecords.membershipColumns) FROM memberships s WHERE s.team_id = \(team.id) ORDER BY s.joined_on
            """).map(WorkRecords.membership(from:))
        return TeamRoster(team: team, memberships: memberships)
    }

    func store(_ changes: [TeamRoster.Change], of team: Team) async throws {
        for change in changes {
            switch change {
            case .start(let membership):
                try await session.execute("""
                    INSERT INTO memberships (team_id, member_id, province_id, role, joined_on)
                    VALUES (\(team.id), \(membership.memberID), \(unit.provinceID), \(membership.role.rawValue), \(membership.joinedOn))
                    """)
            case .end(let memberID, let joinedOn, let leftOn):
                try await session.execute("""
                    UPDATE memberships SET left_on = \(leftOn) WHERE team_id = \(team.id) AND member_id = \(memberID) AND joined_on = \(joinedOn)
                    """)
            }
        }
    }

    /// Throws unless every id names a member of the event unit's province.
    func requireMembers(_ ids: [ID<Member>], field: String) async throws {
        guard !ids.isEmpty else { return }
        let found = Set(try await session.query("""
            SELECT id FROM members WHERE id = ANY(\(ids)) AND province_id = \(unit.provinceID)
            """).decode(ID<Member>.self))
        if let missing = ids.firstIndex(where: { !found.contains($0) }) {
            throw AppendRules.memberOutsideProvince(missing, field: field)
        }
    }
}
