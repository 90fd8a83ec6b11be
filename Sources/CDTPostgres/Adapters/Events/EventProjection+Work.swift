import CDTDomain
import Foundation

extension EventProjection {
    func holdTraining(_ body: TrainingHeld) async throws {
        try await requireMembers(body.attendeeIds, field: "payload.attendeeIds")
        let inserted = try await session.execute("""
            INSERT INTO trainings (id, province_id, unit_id, organiser, topic, format, held_on, attendee_count)
            VALUES (\(body.trainingId), \(unit.provinceID), \(unit.id), \(body.organiser), \(body.topic), \(body.format.rawValue),
                    \(day), \(body.attendeeIds.count))
            ON CONFLICT (id) DO NOTHING
            """)
        guard inserted == 1 else { throw ValidationFailure(field: "payload.trainingId", rule: "is already used by another training") }
        try await session.execute("""
            INSERT INTO training_attendees (training_id, member_id, province_id)
            SELECT \(body.trainingId), member_id, \(unit.provinceID) FROM unnest(\(body.attendeeIds)) AS a(member_id)
            """)
    }

    func launch(_ body: CampaignLaunched) async throws {
        let inserted = try await session.execute("""
            INSERT INTO campaigns (id, province_id, scope_unit_id, name, search_key, starts_on, ends_on, target_skills, target_services, targets)
            VALUES (\(body.campaignId), \(unit.provinceID), \(unit.id), \(body.name), \(VietnameseText.searchKey(body.name)),
                    \(body.startsOn), \(body.endsOn), \(body.targetSkills.map(\.rawValue)), \((body.targetServices ?? []).map(\.rawValue)),
                    \(try WorkRecords.json(body.targets ?? []))::jsonb)
            ON CONFLICT (id) DO NOTHING
            """)
        guard inserted == 1 else { throw ValidationFailure(field: "payload.campaignId", rule: "is already used by another campaign") }
    }

    func close(_ body: CampaignClosed) async throws {
        let rows = try await session.query("""
            SELECT \(unsafeSQL: WorkRecords.campaignColumns) FROM campaigns c WHERE c.id = \(body.campaignId) FOR UPDATE
            """)
        guard let campaign = try rows.first.map(WorkRecords.campaign(from:)) else {
            throw ValidationFailure(field: "payload.campaignId", rule: "must name an existing campaign")
        }
        guard campaign.scopeUnitID == unit.id else {
            throw ValidationFailure(field: "unitId", rule: "must be the campaign's scope unit (\(campaign.scopeUnitID))")
        }
        guard campaign.closedOn == nil else { throw ValidationFailure(field: "payload.campaignId", rule: "must name a campaign that is not closed") }
        guard day >= campaign.startsOn else {
            throw ValidationFailure(field: "occurredAt", rule: "must be on or after the campaign's start (\(campaign.startsOn))")
        }
        try await session.execute("UPDATE campaigns SET closed_on = \(day) WHERE id = \(campaign.id)")
    }
}
