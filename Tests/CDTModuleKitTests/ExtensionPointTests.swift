import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Actors outside the hierarchy, and what modules add to readiness.
@Suite struct ExtensionPointTests {
    @Test func anExternalActorReachesTheModuleWithItsKeyOnly() async throws {
        let harness = try await ModuleTestHarness.make([LedgerModule()])
        let keys = ModuleActorKeys(harness.context(of: "ledger")!)
        let key = try await keys.issue(to: "partner-viettel", label: "Viettel, shop system")
        #expect(key.hasPrefix("cdtk_"))
        let stored = try await harness.owner.query("SELECT count(*) FROM module_api_keys WHERE key_hash = sha256(convert_to(\(key), 'UTF8'))").decode(Int64.self)
        #expect(stored == [1])
        try await harness.withClient(as: []) { anonymous in
            let partner = anonymous.withToken(key)
            // Enabled nowhere: not installed, even with a good key.
            let early = try await partner.get("/api/v1/modules/ledger/partner/whoami")
            #expect(early.status == .notFound)
            try await harness.enable("ledger", in: harness.units.provinceA)
            let answer = try await partner.get("/api/v1/modules/ledger/partner/whoami")
            #expect(answer.status == .ok)
            #expect(answer.json["titles"] as? [String] == ["partner-viettel"])
            #expect(answer.json["pageSize"] as? Int == 1)
            // No key, a wrong key, or a session token of the hierarchy: 401; the key does not open account routes.
            #expect(try await anonymous.get("/api/v1/modules/ledger/partner/whoami").status == .unauthorized)
            #expect(try await anonymous.withToken("cdtk_wrong").get("/api/v1/modules/ledger/partner/whoami").status == .unauthorized)
            #expect(try await partner.get("/api/v1/modules/ledger/entries").status == .unauthorized)
            // Revoked: 401.
            #expect(try await keys.revokeAll(of: "partner-viettel") == 1)
            #expect(try await partner.get("/api/v1/modules/ledger/partner/whoami").status == .unauthorized)
        }
        await harness.close()
    }

    @Test func aModuleThatIsNotReadyMakesTheServerNotReady() async throws {
        let module = LedgerModule()
        let harness = try await ModuleTestHarness.make([module])
        try await harness.withClient(as: []) { client in
            #expect(try await client.get("/readyz").status == .ok)
            module.faults.notReady.withLock { $0 = "its search index is missing" }
            let answer = try await client.get("/readyz")
            #expect(answer.status == .serviceUnavailable)
            // The reason is for the log: the anonymous caller learns only that the server is unavailable.
            #expect(answer.json["status"] as? String == "unavailable" && answer.json["reason"] == nil)
            #expect(!answer.text.contains("search index"))
        }
        await harness.close()
    }
}
