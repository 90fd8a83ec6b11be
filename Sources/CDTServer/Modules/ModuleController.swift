import CDTDomain
import CDTModuleKit
import CDTPostgres
import Foundation
import Hummingbird

/// Module administration under `/api/v1/modules`:
/// - `GET /api/v1/modules`: the installed modules, each with its state in the provinces the caller views.
/// - `POST /api/v1/modules/{id}/provinces/{provinceId}` `{"enabled"?, "settings"?, "provinceMayManage"?}`:
///   enables, disables or configures a module for one province. National administrators may change any
///   province; a province administrator only their own, only where national administrators allowed it,
///   and never that permission itself (403). A province outside the caller's view is 404.
/// - `GET /api/v1/modules/{id}/status`: delivery per province (checkpoint, events pending, parked
///   events), for national administrators.
///
/// A caller who does not view the whole country sees only the modules enabled in a province they view,
/// or that such a province may manage itself: any other module is, on every route here, exactly an
/// unknown one (absent from the list, 404 "No such module is installed."), so a province that did not
/// turn a module on cannot tell it is installed.
struct ModuleController: Sendable {
    let administration: ModuleAdministration

    var host: ModuleHost { administration.host }

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.get("", on: group, access: .viewWork, use: list)
        checkpoint.post("{id}/provinces/{provinceId}", on: group, access: .manageModules, use: change)
        checkpoint.get("{id}/status", on: group, access: .manageModules, use: status)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ModuleList {
        let caller = try context.requireCaller()
        let states = try await host.enablements.states(of: nil) { host.registry.module($0)?.settings ?? SettingsSchema() }
        let byModule = Dictionary(grouping: states, by: \.moduleID)
        let nationwide = caller.access.scope(for: .view).isNationwide
        return ModuleList(items: host.registry.modules.compactMap { module in
            let provinces = byModule[module.manifest.id] ?? []
            guard nationwide || Self.discoverable(in: provinces) else { return nil }
            return ModuleResponse(module, provinces: provinces)
        })
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> ProvinceStateResponse {
        let caller = try context.requireCaller()
        let module = try await installedModule(context, caller)
        guard let province = context.parameters.get("provinceId").flatMap(ID<AdministrativeUnit>.init) else {
            throw ProblemDetails(status: .badRequest, detail: "The province id is malformed.", errors: [.init(field: "provinceId", rule: "must be a UUID")])
        }
        let body = try await JSONBody.decode(ModuleChange.self, from: request, limit: 16 * 1024)
        let manage = caller.access.scope(for: .manageAccounts)
        if !manage.isNationwide {
            guard caller.access.scope(for: .view).contains(path: AccessScope.provincePath(province)) else {
                throw ProblemDetails(status: .notFound, detail: "No province has id \(province) in your area.")
            }
            let current = try await host.enablements.states(of: module.manifest.id) { _ in module.settings }.first { $0.provinceID == province }
            guard manage.covers(subtree: AccessScope.provincePath(province)), current?.provinceMayManage == true, body.provinceMayManage == nil else {
                throw ProblemDetails(status: .forbidden, detail: body.provinceMayManage != nil
                    ? "Only national administrators decide whether a province manages a module itself."
                    : "Only national administrators manage this module for your province; ask them to allow your province to.")
            }
        }
        do {
            let state = try await administration.change(
                module.manifest.id, in: province, body, by: .init(accountID: caller.account.id, clientAddress: caller.clientAddress))
            return ProvinceStateResponse(state)
        } catch let failure as ValidationFailure {
            throw ProblemDetails.unprocessable(failure)
        }
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> ModuleDeliveryReport {
        let caller = try context.requireCaller()
        let module = try await installedModule(context, caller)
        guard caller.access.scope(for: .manageAccounts).isNationwide else {
            throw ProblemDetails(status: .forbidden, detail: "Delivery status is for national administrators.")
        }
        return try await ModuleDeliveryReport.load(module.manifest.id, consuming: module.manifest.consumes, host.enablements.database)
    }

    /// The module in the path, if it is installed and the caller may know it: national viewers know every
    /// module, others those ``discoverable(in:)`` in the provinces they view (row-level security limits
    /// the states read to those). Otherwise the same 404 as for an unknown module.
    private func installedModule(_ context: AppRequestContext, _ caller: Caller) async throws -> any FeatureModule {
        let unknown = ProblemDetails(status: .notFound, detail: "No such module is installed.")
        guard let id = context.parameters.get("id"), let module = host.registry.module(id) else { throw unknown }
        if !caller.access.scope(for: .view).isNationwide {
            let states = try await host.enablements.states(of: id) { _ in module.settings }
            guard Self.discoverable(in: states) else { throw unknown }
        }
        return module
    }

    /// Whether these province states show the module: enabled in one, or one may manage it itself.
    static func discoverable(in states: [ProvinceModuleState]) -> Bool {
        states.contains { $0.enabled || $0.provinceMayManage }
    }
}
