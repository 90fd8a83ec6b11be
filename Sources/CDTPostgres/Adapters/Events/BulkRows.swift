import CDTDomain
import Foundation

/// The rows a batch of valid events adds to each table, made in memory and then copied in.
struct BulkRows: Sendable {
    private(set) var events: [[any PostgresEncodable]] = []
    private(set) var eventIDs: [[any PostgresEncodable]] = []
    private(set) var teams: [[any PostgresEncodable]] = []
    private(set) var members: [[any PostgresEncodable]] = []
    private(set) var memberships: [[any PostgresEncodable]] = []
    private(set) var households: [[any PostgresEncodable]] = []
    private(set) var trainings: [[any PostgresEncodable]] = []
    private(set) var attendees: [[any PostgresEncodable]] = []
    private(set) var campaigns: [[any PostgresEncodable]] = []

    init(events source: [DomainEvent], placements: [ID<AdministrativeUnit>: PostgresEventBulkLoader.Placement]) throws {
        let recordedAt = Date()
        for (index, event) in source.enumerated() {
            guard let placement = placements[event.unitID] else {
                throw ValidationFailure(field: "events[\(index)].unitId", rule: "must name an existing unit")
            }
            let province = placement.province
            let day = event.occurredOn
            events.append([event.id, province, event.unitID, event.type.rawValue, event.version, event.authorID,
                           event.occurredAt, recordedAt, try EventPayloadCodec.encode(event.payload)])
            eventIDs.append([event.id, province])
            switch event.payload {
            case .teamEstablished(let body):
                guard let level = TeamLevel(unitLevel: placement.level) else {
                    throw ValidationFailure(field: "events[\(index)].unitId", rule: "must name a village-level unit or a commune")
                }
                teams.append([body.teamId, province, event.unitID, level.rawValue, body.name, VietnameseText.searchKey(body.name),
                              Data(VietnameseText.sortKey(body.name).bytes), body.decision.number, body.decision.date,
                              body.decision.signer, body.decision.issuingUnitID, body.chatLink, body.decision.date])
            case .memberJoined(let body):
                if let person = body.person {
                    let member = person.member(id: body.memberId)
                    members.append([member.id, province, member.name, VietnameseText.searchKey(member.name),
                                    Data(VietnameseText.sortKey(member.name).bytes), member.phone, member.gender.rawValue,
                                    member.birthYear, member.affiliations.map(\.rawValue)])
                }
                memberships.append([body.teamId, body.memberId, province, body.role.rawValue, day])
            case .householdRegistered(let body):
                let household = body.household(in: event.unitID)
                households.append([household.id, province, event.unitID, household.label, household.searchKey, household.size,
                                   try WorkRecords.json(household.residents), household.notApplicable?.rawValue, day])
            case .trainingHeld(let body):
                trainings.append([body.trainingId, province, event.unitID, body.organiser, body.topic, body.format.rawValue, day, body.attendeeIds.count])
                attendees += body.attendeeIds.map { [body.trainingId, $0, province] }
            case .campaignLaunched(let body):
                campaigns.append([body.campaignId, province, event.unitID, body.name, VietnameseText.searchKey(body.name), body.startsOn, body.endsOn,
                                  body.targetSkills.map(\.rawValue), (body.targetServices ?? []).map(\.rawValue), try WorkRecords.json(body.targets ?? [])])
            case .householdVisited, .householdSurveyed, .module:
                break
            default:
                throw ValidationFailure(field: "events[\(index)].type", rule: "\(event.type.rawValue) cannot be bulk loaded; append it to the log")
            }
        }
    }

    /// Copies every table's rows, parents before children.
    func copy(into tx: PostgresSession) async throws {
        let tables: [(String, [String], [[any PostgresEncodable]])] = [
            ("event_ids", ["id", "province_id"], eventIDs),
            ("events", ["id", "province_id", "unit_id", "type", "version", "author_id", "occurred_at", "recorded_at", "payload"], events),
            ("teams", ["id", "province_id", "unit_id", "level", "name", "search_key", "sort_key", "decision_number", "decision_date",
                       "decision_signer", "issuing_unit_id", "chat_link", "established_on"], teams),
            ("members", ["id", "province_id", "name", "search_key", "sort_key", "phone", "gender", "birth_year", "affiliations"], members),
            ("memberships", ["team_id", "member_id", "province_id", "role", "joined_on"], memberships),
            ("households", ["id", "province_id", "unit_id", "label", "search_key", "size", "residents", "not_applicable", "registered_on"], households),
            ("trainings", ["id", "province_id", "unit_id", "organiser", "topic", "format", "held_on", "attendee_count"], trainings),
            ("training_attendees", ["training_id", "member_id", "province_id"], attendees),
            ("campaigns", ["id", "province_id", "scope_unit_id", "name", "search_key", "starts_on", "ends_on", "target_skills",
                           "target_services", "targets"], campaigns),
        ]
        for (table, columns, rows) in tables where !rows.isEmpty {
            try await tx.copy(into: table, columns: columns) { writer in
                for row in rows { try writer.appendRow(row) }
            }
        }
    }
}
