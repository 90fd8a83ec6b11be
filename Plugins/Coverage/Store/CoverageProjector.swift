import CDTModuleKit
import Foundation

/// Applies a batch of a province's events to the module's tables, inside the transaction that moves its
/// checkpoint: the subjects they touch are loaded at once, changed event by event in memory, and saved
/// with the difference in their contributions in a few statements for the whole batch.
struct CoverageProjector {
    let province: ID<AdministrativeUnit>
    let tx: PostgresSession
    private var households = SubjectSet<HouseholdRecord>()
    private var teams = SubjectSet<TeamRecord>()
    private var trainees = SubjectSet<TraineeRecord>()
    private var direct: [Contribution] = []
    private var reach = CampaignLedger.Reach()
    private var levels: [UUID: String] = [:]

    init(province: ID<AdministrativeUnit>, tx: PostgresSession) {
        self.province = province
        self.tx = tx
    }

    /// The event types the module reads.
    static let consumes: [EventType] = [
        .householdRegistered, .householdUpdated, .householdVisited, .teamEstablished, .teamDissolved, .teamMerged,
        .memberJoined, .memberLeft, .trainingHeld, .campaignLaunched, .campaignClosed, .unitsReorganized, .villageMoved, .villageClosed,
    ]

    mutating func apply(_ batch: [FeedEvent]) async throws {
        try await CoverageLedger.followLineage(tx)
        try await load(batch)
        for feed in batch { try await apply(feed) }
        try await flush()
    }

    /// Loads every subject the batch touches, and the levels of the units teams are set up in.
    private mutating func load(_ batch: [FeedEvent]) async throws {
        var householdIDs: Set<UUID> = [], teamIDs: Set<UUID> = [], memberIDs: Set<UUID> = [], teamUnits: Set<UUID> = []
        for feed in batch {
            switch feed.event.payload {
            case .householdRegistered(let details), .householdUpdated(let details): householdIDs.insert(details.householdId.rawValue)
            case .householdVisited(let visit): householdIDs.insert(visit.householdId.rawValue)
            case .teamEstablished(let team):
                teamIDs.insert(team.teamId.rawValue)
                teamUnits.insert(feed.event.unitID.rawValue)
            case .teamDissolved(let team): teamIDs.insert(team.teamId.rawValue)
            case .teamMerged(let merge): teamIDs.formUnion(merge.teamIds.map(\.rawValue) + [merge.intoTeamId.rawValue])
            case .memberJoined(let joined): teamIDs.insert(joined.teamId.rawValue)
            case .memberLeft(let left): teamIDs.insert(left.teamId.rawValue)
            case .trainingHeld(let training): memberIDs.formUnion(training.attendeeIds.map(\.rawValue))
            default: break
            }
        }
        households = try await .load(householdIDs, province: province, tx)
        teams = try await .load(teamIDs, province: province, tx)
        trainees = try await .load(memberIDs, province: province, tx)
        if !teamUnits.isEmpty {
            for unit in try await CoreReads(tx).units(teamUnits.map(ID.init(rawValue:))) { levels[unit.id.rawValue] = unit.level }
        }
    }

    private mutating func apply(_ feed: FeedEvent) async throws {
        let event = feed.event, day = event.occurredOn, unit = event.unitID.rawValue, position = feed.feedPosition.position
        switch event.payload {
        case .householdRegistered(let details), .householdUpdated(let details):
            households.change(details.householdId.rawValue, make: { HouseholdRecord() }) { $0.record(details, unit: unit, day: day, position: position) }
        case .householdVisited(let visit):
            households.change(visit.householdId.rawValue, make: { HouseholdRecord() }) { $0.record(visit, unit: unit, day: day) }
            reach.visit(visit, in: event)
        case .teamEstablished(let team):
            let isVillageLevel = levels[unit] == "village"
            teams.change(team.teamId.rawValue, make: { TeamRecord(unit: unit, isVillageLevel: isVillageLevel, established: day) }) { _ in }
        case .teamDissolved(let dissolved):
            teams.change(dissolved.teamId.rawValue) { $0.end(on: day) }
        case .teamMerged(let merge):
            var carried: Set<UUID> = []
            for team in merge.teamIds.map(\.rawValue) {
                carried.formUnion(teams.subject(team)?.openMemberships(on: day) ?? [])
                teams.change(team) { $0.end(on: day) }
            }
            teams.change(merge.intoTeamId.rawValue) { team in
                for member in carried.sorted(by: { $0.precedesInTextOrder($1) }) { team.join(member, on: day) }
            }
        case .memberJoined(let joined):
            teams.change(joined.teamId.rawValue) { $0.join(joined.memberId.rawValue, on: day) }
        case .memberLeft(let left):
            teams.change(left.teamId.rawValue) { $0.leave(left.memberId.rawValue, on: day) }
        case .trainingHeld(let training):
            direct.append(Contribution(unit: unit, metric: Metric.trainings.key, day: day, value: 1))
            for member in training.attendeeIds.map(\.rawValue) {
                trainees.change(member, make: { TraineeRecord() }) { $0.attended(on: day, position: position, in: unit) }
            }
            reach.training(training, in: event)
        case .campaignLaunched(let campaign):
            try await reach.flush(province: province, tx)
            try await CampaignLedger.launch(campaign, in: feed, tx)
        case .campaignClosed(let closed):
            try await reach.flush(province: province, tx)
            try await CampaignLedger.close(closed, in: feed, tx)
        case .unitsReorganized, .villageMoved, .villageClosed:
            try await flush()
            try await CoverageLedger.followLineage(tx)
        case .villageAdded, .villageRenamed:
            break
        case .memberRoleChanged, .teamChatLinkChanged, .householdSurveyed, .module:
            break
        }
    }

    /// Writes what the events so far changed.
    private mutating func flush() async throws {
        var changes = direct
        direct = []
        changes += try await households.save(province: province, tx)
        changes += try await teams.save(province: province, tx)
        changes += try await trainees.save(province: province, tx)
        try await CoverageLedger.add(changes, province: province, tx)
        try await reach.flush(province: province, tx)
    }
}
