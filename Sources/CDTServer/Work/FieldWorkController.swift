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
        var parameters = QueryParameters(request)
        let filter = parameters.workFilter([.under])
        let page = parameters.page(cursor: [.uuid])
        try parameters.validate()
        let result = try await store.households(matching: filter, page: page)
        return PageResponse(items: result.items.map(HouseholdResponse.init), nextCursor: result.next?.token)
    }

    @Sendable func household(_ request: Request, context: AppRequestContext) async throws -> HouseholdResponse {
        let id = try PathID.parse(context, as: Household.self, name: "household")
        return try found(try await store.household(id), "household", id, HouseholdResponse.init)
    }

    @Sendable func listCampaigns(_ request: Request, context: AppRequestContext) async throws -> PageResponse<CampaignResponse> {
        var parameters = QueryParameters(request)
        let filter = parameters.workFilter([.under, .activeOn, .from, .until, .q])
        let page = parameters.page(cursor: [.date, .uuid])
        try parameters.validate()
        let result = try await store.campaigns(matching: filter, page: page)
        return PageResponse(items: result.items.map(CampaignResponse.init), nextCursor: result.next?.token)
    }

    @Sendable func campaign(_ request: Request, context: AppRequestContext) async throws -> CampaignResponse {
        let id = try PathID.parse(context, as: Campaign.self, name: "campaign")
        return try found(try await store.campaign(id), "campaign", id, CampaignResponse.init)
    }

    @Sendable func listTrainings(_ request: Request, context: AppRequestContext) async throws -> PageResponse<TrainingResponse> {
        var parameters = QueryParameters(request)
        let filter = parameters.workFilter([.under, .from, .until])
        let page = parameters.page(cursor: [.date, .uuid])
        try parameters.validate()
        let result = try await store.trainings(matching: filter, page: page)
        return PageResponse(items: result.items.map(TrainingResponse.init), nextCursor: result.next?.token)
    }

    @Sendable func training(_ request: Request, context: AppRequestContext) async throws -> TrainingResponse {
        let id = try PathID.parse(context, as: Training.self, name: "training")
        return try found(try await store.training(id), "training", id, TrainingResponse.init)
    }
}
