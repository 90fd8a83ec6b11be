import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import Hummingbird
import Synchronization

/// A module for testing delivery: it writes down every `good-practices.practice_shared` event it is given, in the
/// order given, and can be told to fail on a title or to lose its connection once mid-transaction.
struct LedgerModule: FeatureModule {
    /// Titles that make `apply` throw every time, and titles that kill the connection once.
    final class Faults: Sendable {
        let failing = Mutex<Set<String>>([])
        let killOnce = Mutex<Set<String>>([])
        /// Titles that fail as a restarting database does ("the database system is starting up"), that many times.
        let unavailable = Mutex<[String: Int]>([:])
        /// What `readiness` reports when set.
        let notReady = Mutex<String?>(nil)
    }

    var faults = Faults()
    var dependencies: [String] = []
    var id = "ledger"

    var manifest: ModuleManifest {
        ModuleManifest(
            id: id, name: LocalizedName(vietnamese: "Sổ ghi", english: "Ledger"), version: ModuleVersion(1, 0, 0),
            dependencies: dependencies, consumes: [TestEvents.sharedType])
    }

    var table: String { id.replacingOccurrences(of: "-", with: "_") + "_entries" }

    var migrations: [Migration] {
        [Migration(owner: id, name: "0001_entries.sql", sql: """
            CREATE TABLE \(table) (
                entry bigserial,
                province_id uuid NOT NULL,
                event_id uuid NOT NULL,
                title text NOT NULL,
                PRIMARY KEY (province_id, event_id)
            );
            SELECT cdt_tenant_table('\(table)');
            GRANT USAGE ON SEQUENCE \(table)_entry_seq TO cdt_app;
            """)]
    }

    var projectionTables: [String] { [table] }

    var settings: SettingsSchema {
        SettingsSchema([.integer("pageSize", LocalizedName(vietnamese: "Cỡ trang", english: "Page size"), range: 5...100, default: 20)])
    }

    func addRoutes(to routes: inout ModuleRoutes) {
        let table = table
        routes.get("entries", access: .view) { _, context -> EntryList in
            let titles = try await context.module.database.query("SELECT title FROM \(unsafeSQL: table) ORDER BY entry").decode(String.self)
            return EntryList(titles: titles, pageSize: context.provinces.count == 1 ? context.settings(for: context.provinces.first!).integer("pageSize") : nil)
        }
        routes.get("partner/whoami", access: .externalActor) { _, context -> EntryList in
            EntryList(titles: [context.caller.externalActorID ?? "?"], pageSize: context.provinces.count)
        }
    }

    func readiness(context: ModuleContext) async -> ModuleReadiness {
        faults.notReady.withLock { $0 }.map(ModuleReadiness.notReady) ?? .ready
    }

    func apply(_ event: FeedEvent, in transaction: PostgresSession, context: ModuleContext) async throws {
        guard case .module(let shared) = event.event.payload, case .object(let fields) = shared.json,
              case .string(let title)? = fields["title"] else { return }
        try await transaction.execute("""
            INSERT INTO \(unsafeSQL: table) (province_id, event_id, title) VALUES (\(event.provinceID), \(event.event.id), \(title))
            """)
        if faults.failing.withLock({ $0.contains(title) }) {
            throw LedgerError(title: title)
        }
        if faults.unavailable.withLock({ left in
            guard let count = left[title], count > 0 else { return false }
            left[title] = count - 1
            return true
        }) {
            throw PostgresError(code: .server, message: "the database system is starting up", sqlState: SQLState.cannotConnectNow)
        }
        if faults.killOnce.withLock({ $0.remove(title) != nil }) {
            // The process dies between the module's write and the checkpoint: the connection drops mid-transaction.
            _ = try? await transaction.query("SELECT pg_terminate_backend(pg_backend_pid())")
        }
    }
}

struct EntryList: ResponseEncodable {
    var titles: [String]
    var pageSize: Int?
}

struct LedgerError: Error, CustomStringConvertible {
    let title: String
    var description: String { "the ledger refuses '\(title)'" }
}
