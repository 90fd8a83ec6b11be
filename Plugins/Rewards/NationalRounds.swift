import CDTModuleKit
import Foundation
import Hummingbird

/// National rounds (scope `nation`): the nation honours some of what the provinces put forward. A national
/// administrator opens one; it becomes a row in each province where rewards is enabled at that moment, each
/// the projection of that province's own `rewards.round_opened` event (same round id, `scope` `nation`), so
/// a province's callers see their part of it and nothing of the others', and a rebuild replays it. Each
/// province's chain is its hierarchy's levels with `nation` on top: commune → province → nation. The
/// hierarchy has no unit standing for the nation, so the nation level is reviewed and decided by national
/// administrators (and by whoever holds `rewards.reviewer` / `rewards.decider` nationwide); its quotas count
/// every province's nominations. A province that enables rewards later does not join a round already open.
enum NationalRounds {
    /// Whether the caller acts for the nation: a national administrator.
    static func isNationalAdministrator(_ context: ModuleRequestContext) -> Bool {
        context.roles.contains { $0.role == .nationalAdministrator }
    }

    /// Whether the caller holds `permission` for the nation level of a national round.
    static func holdsNationally(_ permission: String, _ context: ModuleRequestContext) -> Bool {
        isNationalAdministrator(context) || context.scope(for: permission).isNationwide
    }

    /// Opens a national round in every province where rewards is enabled: one event per province in one
    /// transaction (all or none). Categories default to all three; quotas, when given, apply in each
    /// province at the levels its chain has (`nation` counts across provinces); without them, each
    /// province's settings give its levels' quotas and the nation level has none.
    static func open(_ input: RoundRoutes.OpenInput, _ context: ModuleRequestContext) async throws -> Round {
        guard isNationalAdministrator(context), let account = context.caller.accountID else {
            throw ProblemDetails(status: .forbidden, detail: "Only national administrators open a national round.",
                                 errors: [.init(field: "scope", rule: "nation: only national administrators open a national round")])
        }
        guard input.provinceId == nil else {
            throw ProblemDetails.unprocessable(ValidationFailure(
                field: "provinceId", rule: "must be absent for a national round: it opens in every province where rewards is enabled"))
        }
        let database = context.module.database, today = context.module.today(), now = context.module.now()
        let provinces = context.provinces.sorted { $0.rawValue.precedesInTextOrder($1.rawValue) }
        var chains: [ID<AdministrativeUnit>: [String]] = [:]
        for province in provinces {
            chains[province] = try await RoundRoutes.reviewChain(of: province, on: today, database) + [RewardsLevels.nation]
        }
        let levels = RewardsLevels.all.filter { level in chains.values.contains { $0.contains(level) } }
        let categories = input.categories ?? RoundDefaults.categories
        let roundID = ID<DomainEvent>()
        let whole = RoundOpened(titleVi: input.titleVi, titleEn: input.titleEn, periodFrom: input.periodFrom, periodUntil: input.periodUntil,
                                categories: categories, quotas: input.quotas ?? [], deadlines: input.deadlines ?? [], chain: levels,
                                scope: RewardsLevels.nation, roundId: roundID)
        try RoundRoutes.validate(whole, input, today: today)
        var events: [(ID<AdministrativeUnit>, DomainEvent)] = []
        for (index, province) in provinces.enumerated() {
            let chain = chains[province] ?? [RewardsLevels.nation]
            let quotas = input.quotas.map { $0.filter { chain.contains($0.level) } }
                ?? RoundRoutes.defaultQuotas(categories, chain: chain, context.settings(for: province))
            var part = whole
            (part.chain, part.quotas, part.deadlines) = (chain, quotas, whole.deadlines.filter { chain.contains($0.level) })
            // The first province's event carries the round's own id, as a province's round's does.
            let event = try RewardsModule.roundOpened.event(id: index == 0 ? roundID : ID(), in: province, by: account.rawValue, at: now, part)
            events.append((province, event))
        }
        try await database.withTransaction { tx in
            for (province, event) in events {
                try await context.record(event, in: tx)
                try await RewardsProjection.apply(event, province: province, tx)
                try await context.audit(action: "round.opened", unit: province, subject: roundID.description,
                                        details: ["title": input.titleVi, "scope": RewardsLevels.nation], in: tx)
            }
        }
        return try await RoundRoutes.visibleRound(context, id: roundID)
    }

    /// Closes a national round in every province: one `rewards.round_closed` per province, in one transaction.
    static func close(_ round: Round, _ context: ModuleRequestContext) async throws -> Round {
        guard isNationalAdministrator(context), let account = context.caller.accountID else {
            throw ProblemDetails(status: .forbidden, detail: "Only national administrators close a national round.",
                                 errors: [.init(field: "scope", rule: "nation: only national administrators close a national round")])
        }
        let now = context.module.now()
        try await context.module.database.withTransaction { tx in
            let open = try await tx.query("""
                SELECT province_id FROM rewards_rounds WHERE id = \(round.id) AND state = 'open' ORDER BY province_id FOR UPDATE
                """).decode(ID<AdministrativeUnit>.self)
            guard !open.isEmpty else {
                throw ProblemDetails(status: .conflict, detail: "The round is closed already.", errors: [.init(field: "state", rule: "must be open")])
            }
            for province in open {
                let event = try RewardsModule.roundClosed.event(in: province, by: account.rawValue, at: now, RoundClosed(roundId: round.id))
                try await context.record(event, in: tx)
                try await RewardsProjection.apply(event, province: province, tx)
                try await context.audit(action: "round.closed", unit: province, subject: round.id.description,
                                        details: ["scope": RewardsLevels.nation], in: tx)
            }
        }
        return try await RoundRoutes.visibleRound(context, id: round.id)
    }
}
