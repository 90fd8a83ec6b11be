import CDTDomain
import Foundation

extension EventProjection {
    func establish(_ body: TeamEstablished) async throws {
        guard let level = TeamLevel(unitLevel: unit.level) else {
            throw ValidationFailure(field: "unitId", rule: "must name a village-level unit or a commune")
        }
        guard let issuer = try await StoredUnit.load(body.decision.issuingUnitID, session), issuer.contains(unit) else {
            throw ValidationFailure(field: "payload.decision.issuingUnitId", rule: "must name the team's unit or a unit above it")
        }
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
        guard survivor.unitID == event.unitID else {
            throw ValidationFailure(field: "unitId", rule: "must be the unit of the team merged into (\(survivor.unitID))")
        }
        guard survivor.isActive(on: day) else {
            throw ValidationFailure(field: "payload.intoTeamId", rule: "must name a team active on the day the event occurred")
        }
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
        if let province = stored, province != unit.provinceID {
            throw ValidationFailure(field: "payload.memberId", rule: "names a member recorded in another province")
        }
        if let person = body.person {
            // Details come with a new member only: joining never rewrites (or restores, after an erasure) a member's details.
            guard stored == nil else {
                throw ValidationFailure(field: "payload.person", rule: "must be left out when memberId names an existing member")
            }
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
        } else if stored == nil {
            throw ValidationFailure(field: "payload.person", rule: "is required when memberId names a new member")
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
