import CDTDomain
import Foundation

extension EventProjection {
    func establish(_ body: TeamEstablished) async throws {
        let level = try TeamRules.teamLevel(forUnitAt: unit.level)
        try TeamRules.checkIssuer(path: try await StoredUnit.load(body.decision.issuingUnitID, session)?.path, ofTeamAt: unit.path)
        let team = Team(id: body.teamId, name: body.name.trimmingCharacters(in: .whitespacesAndNewlines), unitID: unit.id, level: level,
                        decision: body.decision, chatLink: body.chatLink)
        let existing = try await session.query("""
            SELECT \(unsafeSQL: WorkRecords.teamColumns) FROM teams t WHERE t.unit_id = \(unit.id) OR t.id = \(team.id)
            """).map(WorkRecords.team(from:))
        try TeamRules.checkEstablishment(of: team, in: unit.unit, existing: existing)
        try await session.execute("""
            INSERT INTO teams (id, province_id, unit_id, level, name, search_key, sort_key, decision_number, decision_date,
                               decision_signer, issuing_unit_id, chat_link, established_on)
            VALUES (\(team.id), \(unit.provinceID), \(unit.id), \(level.rawValue), \(team.name), \(VietnameseText.searchKey(team.name)),
                    \(Data(VietnameseText.sortKey(team.name).bytes)), \(body.decision.number), \(body.decision.date),
                    \(body.decision.signer), \(body.decision.issuingUnitID), \(body.chatLink), \(team.establishedOn))
            """)
    }

    func dissolve(_ body: TeamDissolved) async throws {
        let team = try await teamOfThisUnit(body.teamId)
        let ended = try TeamRules.end(team, on: day, as: .dissolved)
        var roster = try await roster(of: team)
        try await store(roster.endAll(on: day), of: team)
        try await saveEnding(of: ended)
    }

    func merge(_ body: TeamMerged) async throws {
        let survivor = try await lockedTeam(body.intoTeamId, field: "payload.intoTeamId")
        try TeamRules.checkMerge(into: survivor, recordedIn: event.unitID, on: day)
        var survivorRoster = try await roster(of: survivor)
        for (index, id) in body.teamIds.enumerated() {
            let field = "payload.teamIds[\(index)]"
            let team = try await lockedTeam(id, field: field)
            let ended = try TeamRules.end(team, on: day, as: .merged(into: survivor.id), field: field)
            var roster = try await roster(of: team)
            let moving = roster.members(on: day)
            try await store(roster.endAll(on: day), of: team)
            try await saveEnding(of: ended)
            for membership in moving where !survivorRoster.members(on: day).contains(where: { $0.memberID == membership.memberID }) {
                try await store(try survivorRoster.join(membership.memberID, as: .member, on: day), of: survivor)
            }
        }
    }

    func changeChatLink(_ body: TeamChatLinkChanged) async throws {
        let team = try await teamOfThisUnit(body.teamId)
        try await session.execute("UPDATE teams SET chat_link = \(body.chatLink) WHERE id = \(team.id)")
    }

    func join(_ body: MemberJoined) async throws {
        let team = try await teamOfThisUnit(body.teamId)
        let stored = try await session.query("SELECT province_id FROM members WHERE id = \(body.memberId) FOR UPDATE")
            .decode(ID<AdministrativeUnit>.self).first
        try TeamRules.checkJoining(body, storedIn: stored, teamProvince: unit.provinceID)
        if let person = body.person {
            let member = person.member(id: body.memberId)
            let inserted = try await session.execute("""
                INSERT INTO members (id, province_id, name, search_key, sort_key, phone, gender, birth_year, affiliations)
                VALUES (\(member.id), \(unit.provinceID), \(member.name), \(VietnameseText.searchKey(member.name)),
                        \(Data(VietnameseText.sortKey(member.name).bytes)), \(member.phone), \(member.gender.rawValue),
                        \(member.birthYear), \(member.affiliations.map(\.rawValue)))
                ON CONFLICT (id) DO NOTHING
                """)
            // Taken meanwhile, or in a province this transaction cannot see.
            guard inserted == 1 else { throw ValidationFailure(field: "payload.memberId", rule: "is already used by another member") }
        }
        var roster = try await roster(of: team)
        try await store(try roster.join(body.memberId, as: body.role, on: day), of: team)
    }

    func leave(_ body: MemberLeft) async throws {
        let team = try await teamOfThisUnit(body.teamId)
        var roster = try await roster(of: team)
        try await store(try roster.leave(body.memberId, on: day), of: team)
    }

    func changeRole(_ body: MemberRoleChanged) async throws {
        let team = try await teamOfThisUnit(body.teamId)
        var roster = try await roster(of: team)
        try await store(try roster.changeRole(of: body.memberId, to: body.role, on: day), of: team)
    }

    private func saveEnding(of team: Team) async throws {
        let (ending, mergedInto): (String, ID<Team>?) = switch team.ending {
        case .merged(let into): ("merged", into)
        default: ("dissolved", nil)
        }
        try await session.execute("""
            UPDATE teams SET ended_on = \(team.endedOn), ending = \(ending), merged_into = \(mergedInto) WHERE id = \(team.id)
            """)
    }
}
