import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Logging
import Testing

/// The enablements held in memory (`ModuleEnablementCache`): kept only while a listener hears every change,
/// never across a change, and emptied by a change made anywhere.
@Suite struct ModuleEnablementCacheTests {
    static let province = ID<AdministrativeUnit>()
    static let read: [ID<AdministrativeUnit>: ModuleSettings] = [province: SettingsSchema().defaults]

    @Test func aReadIsKeptOnlyWhileListeningAndNeverAcrossAnEmptying() {
        let cache = ModuleEnablementCache(timeToLive: .seconds(600))
        #expect(cache.ticket() == nil, "not listening: nothing may be kept")
        cache.keep(Self.read, of: "ledger", ticket: nil)
        #expect(cache.provinces(of: "ledger") == nil)
        cache.listenerConnected()
        cache.keep(Self.read, of: "ledger", ticket: cache.ticket())
        #expect(cache.provinces(of: "ledger") == Self.read)
        #expect(cache.provinces(of: "other") == nil)
        // A read that began before the cache was emptied is not kept: it may have seen the state before.
        let before = cache.ticket()
        cache.flush()
        cache.keep(Self.read, of: "ledger", ticket: before)
        #expect(cache.provinces(of: "ledger") == nil)
        // Once the listener is gone, nothing is served.
        cache.keep(Self.read, of: "ledger", ticket: cache.ticket())
        cache.listenerDisconnected()
        #expect(cache.provinces(of: "ledger") == nil && cache.ticket() == nil)
    }

    @Test func anEntryIsServedForItsTimeToLiveAtMost() async throws {
        let cache = ModuleEnablementCache(timeToLive: .milliseconds(100))
        cache.listenerConnected()
        cache.keep(Self.read, of: "ledger", ticket: cache.ticket())
        #expect(cache.provinces(of: "ledger") == Self.read)
        try await Task.sleep(for: .milliseconds(150))
        #expect(cache.provinces(of: "ledger") == nil)
    }

    /// Another process enables and disables the module in plain SQL: the notice empties the cache, long
    /// before its time to live (ten minutes here).
    @Test func aChangeMadeElsewhereReachesItThroughTheNotice() async throws {
        let harness = try await ModuleTestHarness.make([LedgerModule()])
        defer { Task { await harness.close() } }
        let cache = ModuleEnablementCache(timeToLive: .seconds(600))
        let enablements = ModuleEnablements(database: harness.application, cache: cache)
        let listener = ModuleEnablementListener(cache: cache, conninfo: harness.database.applicationConninfo, logger: Logger(label: "test"))
        let listening = Task { try await listener.run() }
        defer { listening.cancel() }
        #expect(try await eventually { cache.isActive }, "the listener connects")
        let schema = LedgerModule().settings, provinceA = harness.units.provinceA
        #expect(try await enablements.enabledProvinces(of: "ledger", schema: schema).isEmpty)
        #expect(cache.provinces(of: "ledger") == [:], "the read is kept")

        try await RowScope.$current.withValue(.everyProvince) {
            _ = try await harness.owner.execute("INSERT INTO module_enablements (module_id, province_id, enabled) VALUES ('ledger', \(provinceA), true)")
        }
        #expect(try await eventually { try await enablements.enabledProvinces(of: "ledger", schema: schema).keys.map(\.self) == [provinceA] })
        try await RowScope.$current.withValue(.everyProvince) {
            _ = try await harness.owner.execute("UPDATE module_enablements SET enabled = false WHERE module_id = 'ledger'")
        }
        #expect(try await eventually { try await enablements.enabledProvinces(of: "ledger", schema: schema).isEmpty })

        listening.cancel()
        #expect(try await eventually { !cache.isActive }, "the listener stops")
        _ = try await enablements.enabledProvinces(of: "ledger", schema: schema)
        #expect(cache.provinces(of: "ledger") == nil, "nothing kept without the listener")
    }

    /// Through the server, with the cache on: a module disabled by an administrator stops answering on the
    /// very next request, and answers again once enabled.
    @Test func aModuleDisabledThroughTheAPIStopsAnsweringAtOnce() async throws {
        let harness = try await ModuleTestHarness.make([LedgerModule()])
        defer { Task { await harness.close() } }
        let cache = harness.dependencies.modules.enablements.cache
        let listener = ModuleEnablementListener(cache: cache, conninfo: harness.database.applicationConninfo, logger: Logger(label: "test"))
        let listening = Task { try await listener.run() }
        defer { listening.cancel() }
        #expect(try await eventually { cache.isActive }, "the listener connects")
        let units = harness.units
        try await harness.enable("ledger", in: units.provinceA)
        let officer = [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]
        let admin = [RoleAssignment(role: .nationalAdministrator, unitID: nil)]
        try await harness.withClient(as: officer) { officerA in
            #expect(try await officerA.get("/api/v1/modules/ledger/entries").status == .ok)
            #expect(cache.provinces(of: "ledger")?.keys.map(\.self) == [units.provinceA], "served from memory from now on")
            try await harness.withClient(as: admin) { admin in
                let disabled = try await admin.post("/api/v1/modules/ledger/provinces/\(units.provinceA)", #"{"enabled": false}"#)
                #expect(disabled.status == .ok)
            }
            #expect(try await officerA.get("/api/v1/modules/ledger/entries").status == .notFound)
            try await harness.enable("ledger", in: units.provinceA)
            #expect(try await officerA.get("/api/v1/modules/ledger/entries").status == .ok)
        }
    }
}
