import CDTModuleKit
import CDTDomain
import CDTPostgres
import Hummingbird

/// Households, campaigns and trainings, read-only (changes are events); every list also takes
/// `limit` and `cursor`:
/// - `GET /api/v1/households?under=&q=`, `GET /api/v1/households/{id}`: each with its last visit, visit count,
///   what it still lacks and when it last changed (``HouseholdActivity``); `q` matches the label without diacritics
/// - `GET /api/v1/campaigns?under=&activeOn=&from=&until=&q=`, `GET /api/v1/campaigns/{id}`
/// - `GET /api/v1/trainings?under=&from=&until=`, `GET /api/v1/trainings/{id}`
struct FieldWorkController: Sendable {
    let store: any WorkStore
    let visibility: Visibility

    func addRoutes(to api: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        let households = api.group("households"), campaigns = api.group("campaigns"), trainings = api.group("trainings")
        checkpoint.get("", on: households, access: .viewWork, use: listHouseholds)
        checkpoint.get("{id}", on: households, access: .viewWork, use: household)
        checkpoint.get("", on: campaigns, access: .viewWork, use: listCampaigns)
        checkpoint.get("{id}", on: campaigns, access: .viewWork, use: campaign)
        checkpoint.get("", on: trainings, access: .viewWork, use: listTrainings)
        checkpoint.get("{id}", on: trainings, access: .viewWork, use: training)
    }

    /// Households with their visits and changes, read for the whole page at once.
    @Sendable func listHouseholds(_ request: Request, context: AppRequestContext) async throws -> PageResponse<HouseholdResponse> {
        let page = try await workList(request, context, supports: [.under, .q], cursor: [.uuid], fetch: store.households(matching:page:), as: { $0 })
        let activity = try await store.householdActivity(page.items.map(\.id))
        return PageResponse(items: page.items.map { HouseholdResponse($0, activity: activity[$0.id] ?? .none) }, nextCursor: page.nextCursor)
    }

    @Sendable func household(_ request: Request, context: AppRequestContext) async throws -> HouseholdResponse {
        let id = try PathID.parse(context, as: Household.self, name: "household")
        let household = try found(try await store.household(id), "household", id) { $0 }
        try await visibility.requireVisible(household.unitID, to: try context.requireCaller(), notFound: "No household has id \(id).")
        return HouseholdResponse(household, activity: try await store.householdActivity([id])[id] ?? .none)
    }

    @Sendable func listCampaigns(_ request: Request, context: AppRequestContext) async throws -> PageResponse<CampaignResponse> {
        try await workList(request, context, supports: [.under, .activeOn, .from, .until, .q], cursor: [.date, .uuid], fetch: store.campaigns(matching:page:), as: CampaignResponse.init)
    }

    @Sendable func campaign(_ request: Request, context: AppRequestContext) async throws -> CampaignResponse {
        let id = try PathID.parse(context, as: Campaign.self, name: "campaign")
        let campaign = try found(try await store.campaign(id), "campaign", id) { $0 }
        // A campaign concerns the caller when its scope lies in their view or contains part of it.
        let scope = try context.requireCaller().access.scope(for: .view)
        let path = try await visibility.hierarchy.paths(of: [campaign.scopeUnitID])[campaign.scopeUnitID] ?? "-"
        guard scope.contains(path: path) || scope.paths.contains(where: { $0.hasPrefix(path) }) else {
            throw ProblemDetails(status: .notFound, detail: "No campaign has id \(id).")
        }
        return CampaignResponse(campaign)
    }

    @Sendable func listTrainings(_ request: Request, context: AppRequestContext) async throws -> PageResponse<TrainingResponse> {
        try await workList(request, context, supports: [.under, .from, .until], cursor: [.date, .uuid], fetch: store.trainings(matching:page:), as: TrainingResponse.init)
    }

    @Sendable func training(_ request: Request, context: AppRequestContext) async throws -> TrainingResponse {
        let id = try PathID.parse(context, as: Training.self, name: "training")
        let training = try found(try await store.training(id), "training", id) { $0 }
        try await visibility.requireVisible(training.unitID, to: try context.requireCaller(), notFound: "No training has id \(id).")
        return TrainingResponse(training)
    }
}
