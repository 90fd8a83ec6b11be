import CDTPostgres
import Foundation
import Hummingbird
import Logging
import Testing
@testable import CDTModuleKit

/// Where a route may record a module's event: the unit must lie where the caller records work or holds one
/// of the module's permissions; for an external actor, in a province where the module is enabled.
@Suite struct RecordingReachTests {
    let province = ID<AdministrativeUnit>(), other = ID<AdministrativeUnit>()

    func context(caller: ModuleCaller, change: AccessScope, permissions: [String: AccessScope]) -> ModuleRequestContext {
        let client = PostgresClient(configuration: .init(conninfo: "postgresql://localhost/none"))
        let module = ModuleContext(
            moduleID: "follow-ups", database: client,
            services: ModuleServices(requester: "follow-ups", allowedProviders: [], directory: ServiceDirectory()),
            logger: Logger(label: "test"), today: { CalendarDate("2026-11-18")! })
        return ModuleRequestContext(module: module, caller: caller, provinces: [province], viewScope: .nowhere, changeScope: change,
                                    permissionScopes: permissions, parameters: Parameters(), settingsByProvince: [:])
    }

    func unit(_ path: String, in province: ID<AdministrativeUnit>) -> CoreUnit {
        CoreUnit((ID(), "00004.1", "Thôn Đông", "village", "Thôn", ID(), province, path, CalendarDate("2025-07-01")!, nil))
    }

    @Test func anAccountReachesWhereItRecordsWorkOrHoldsTheModulesPermission() {
        let officer = context(caller: .account(ID(), displayName: "Cán bộ"), change: AccessScope(paths: ["/p/c1/"], provinceIDs: [province]),
                              permissions: ["follow-ups.review": AccessScope(paths: ["/p/c2/"], provinceIDs: [province])])
        #expect(officer.reaches(unit("/p/c1/v1/", in: province)))
        #expect(officer.reaches(unit("/p/c2/v1/", in: province)))
        #expect(!officer.reaches(unit("/p/c3/v1/", in: province)))
        #expect(!officer.reaches(unit("/q/c1/v1/", in: other)))
    }

    @Test func anExternalActorReachesTheProvincesWhereTheModuleIsEnabled() {
        let partner = context(caller: .externalActor("partner-1"), change: .nowhere, permissions: [:])
        #expect(partner.reaches(unit("/p/c1/v1/", in: province)))
        #expect(!partner.reaches(unit("/q/c1/v1/", in: other)))
    }
}
