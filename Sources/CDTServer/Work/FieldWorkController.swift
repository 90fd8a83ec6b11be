import CDTDomain
import Hummingbird

/// Households, campaigns and trainings, read-only (changes are events); every list also takes
/// `limit` and `cursor`:
/// - `GET /api/v1/households?under=`, `GET /api/v1/households/{id}`
/// - `GET /api/v1/campaigns?under=&activeOn=&from=&until=&q=`, `GET /api/v1/campaigns/{id}`
/// - `GET /api/v1/trainings?under=&from=&until=`, `GET /api/v1/trainings/{id}`
struct FieldWorkController: Sendable {
    let store: any WorkStore

    func addRoutes(to api: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        let households = api.group("households"), campaigns = api.group("campaigns"), trainings = api.group("trainings")
        checkpoint.get("", on: households, access: .viewWork, use: listHouseholds)
        checkpoint.get("{id}", on: households, access: .viewWork, use: household)
        checkpoint.get("", on: campaigns, access: .viewWork, use: listCampaigns)
        checkpoint.get("{id}", on: campaigns, access: .viewWork, use: campaign)
        checkpoint.get("", on: trainings, access: .viewWork, use: listTrainings)
        checkpoint.get("{id}", on: trainings, access: .viewWork, use: training)
    }

    @Sendable func listHouseholds(_ request: Request, context: AppRequestContext) async throws -> PageResponse<HouseholdResponse> {
        try await workList(request, supports: [.under], cursor: [.uuid], fetch: store.households(matching:page:), as: HouseholdResponse.init)
    }

    @Sendable func household(_ request: Request, context: AppRequestContext) async throws -> HouseholdResponse {
        let id = try PathID.parse(context, as: Household.self, name: "household")
        return try found(try await store.household(id), "household", id, HouseholdResponse.init)
    }

    @Sendable func listCampaigns(_ request: Request, context: AppRequestContext) async throws -> PageResponse<CampaignResponse> {
        try await workList(request, supports: [.under, .activeOn, .from, .until, .q], cursor: [.date, .uuid], fetch: store.campaigns(matching:page:), as: CampaignResponse.init)
    }

    @Sendable func campaign(_ request: Request, context: AppRequestContext) async throws -> CampaignResponse {
        let id = try PathID.parse(context, as: Campaign.self, name: "campaign")
        return try found(try await store.campaign(id), "campaign", id, CampaignResponse.init)
    }

    @Sendable func listTrainings(_ request: Request, context: AppRequestContext) async throws -> PageResponse<TrainingResponse> {
        try await workList(request, supports: [.under, .from, .until], cursor: [.date, .uuid], fetch: store.trainings(matching:page:), as: TrainingResponse.init)
    }

    @Sendable func training(_ request: Request, context: AppRequestContext) async throws -> TrainingResponse {
        let id = try PathID.parse(context, as: Training.self, name: "training")
        return try found(try await store.training(id), "training", id, TrainingResponse.init)
    }
}
