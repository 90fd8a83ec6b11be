import CDTDemo
import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import Foundation
import Logging

/// Enables every installed module in the provinces of `codes` (comma-separated 2025 codes) where nobody
/// decided about it yet, with the example data of each module that offers some (``ModuleDemoData``); what
/// was decided before (enabled or disabled) stays as it is. For `cdt demo` and `cdt bench`.
func enableInstalledModules(inProvinces codes: String, _ client: PostgresClient, _ logger: Logger) async throws {
    let codes = codes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !codes.isEmpty else { return }
    let registry = try InstalledModules.registry()
    let host = ModuleHost(registry: registry, database: client, logger: logger, today: { CalendarDate(Date()) })
    let administration = ModuleAdministration(host: host, database: client)
    try await RowScope.$current.withValue(.everyProvince) {
        let decided = Set(try await host.enablements.states(of: nil, schemas: { registry.module($0)?.settings ?? SettingsSchema() })
            .map { "\($0.moduleID) \($0.provinceID)" })
        let names = try await provinceNames(client)
        for code in codes {
            let province = try await provinceID(code, client)
            for module in registry.modules where !decided.contains("\(module.manifest.id) \(province)") {
                let id = module.manifest.id
                _ = try await administration.change(id, in: province, ModuleChange(enabled: true), by: ModuleAdministration.Actor(accountID: nil, clientAddress: "cdt"))
                if let demo = module as? any ModuleDemoData {
                    try await demo.addDemoData(in: province, author: DemoSeason.author, client)
                    try await record(try await demo.demoEvents(in: province, author: DemoSeason.author, at: Date(), client), catalog: ModuleEventCatalog(registry), client)
                }
                print("modules: \(id) enabled in \(names[province] ?? code)")
            }
        }
    }
}

/// Enables `moduleID` alone (without example data) in every province in force where it is not on, as an
/// administrator would one province at a time, and returns those provinces. For `cdt bench run`'s drill-down
/// of the nation over every province.
func enableEverywhere(_ moduleID: String, _ client: PostgresClient, _ logger: Logger) async throws -> [ID<AdministrativeUnit>] {
    let registry = try InstalledModules.registry()
    let host = ModuleHost(registry: registry, database: client, logger: logger, today: { CalendarDate(Date()) })
    let administration = ModuleAdministration(host: host, database: client)
    return try await RowScope.$current.withValue(.everyProvince) {
        let off = try await client.query("""
            SELECT u.id FROM administrative_units u
            WHERE u.level = 'province' AND u.valid_until IS NULL
              AND NOT EXISTS (SELECT FROM module_enablements m WHERE m.module_id = \(moduleID) AND m.province_id = u.id AND m.enabled)
            ORDER BY u.code
            """).decode(ID<AdministrativeUnit>.self)
        for province in off {
            _ = try await administration.change(moduleID, in: province, ModuleChange(enabled: true), by: ModuleAdministration.Actor(accountID: nil, clientAddress: "cdt"))
        }
        return off
    }
}

/// Records a module's example events through the log, as `cdt`: each checked by its kind's declaration; one
/// the log refuses stops the demo with the reason.
private func record(_ events: [DomainEvent], catalog: ModuleEventCatalog, _ client: PostgresClient) async throws {
    guard !events.isEmpty else { return }
    try await client.withTransaction { tx in
        for event in events {
            let checked = try catalog.recorded(event)
            let recorder = AuditEntry(accountID: nil, clientAddress: "cdt", action: "event.recorded")
            if case .rejected(let failure) = try await PostgresEventLog.append(checked, recordedBy: recorder, authority: nil, now: Date(), in: tx) {
                throw CommandError("the demo's \(event.payload.type) event was refused: \(failure)")
            }
        }
    }
}
