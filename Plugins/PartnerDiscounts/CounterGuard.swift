import CDTModuleKit
import Foundation
import Hummingbird

/// Keeps counters from guessing codes. Every lookup (and redemption) is a row in
/// `partner_discounts_lookups` (kept for a day) and an audit entry naming who looked up which claim. A counter (a staff
/// account, or the partner's keys together) gets `lookupsPerMinute` lookups a minute, and after
/// `missesBeforeLockout` codes not found within `lockoutMinutes` it is locked out until that many minutes
/// have passed since its last miss; the refusal is audited. The settings are those of the partner's home
/// province.
enum CounterGuard {
    /// Who is counted: the bound staff account, or the partner's keys.
    static func caller(_ context: ModuleRequestContext) -> String {
        context.caller.accountID.map { "account:\($0)" } ?? "key"
    }

    /// The caller's partner, once its counter may look up another code; a 429 otherwise.
    static func admit(_ context: ModuleRequestContext) async throws -> PartnerRecord {
        let id = try Authority.partner(context)
        guard let partner = try await PartnerRecord.find(id, context.module.database) else {
            throw ProblemDetails(status: .forbidden, detail: "Your partner is not registered where the module is enabled.")
        }
        let settings = context.settings(for: partner.provinceId)
        let now = context.module.now()
        let lockout = Double(settings.integer("lockoutMinutes")) * 60
        let (recent, misses, lastMiss) = try await context.module.database.query("""
            SELECT count(*) FILTER (WHERE looked_up_at > \(now.addingTimeInterval(-60))),
                   count(*) FILTER (WHERE NOT found AND looked_up_at > \(now.addingTimeInterval(-lockout))),
                   max(looked_up_at) FILTER (WHERE NOT found)
            FROM partner_discounts_lookups
            WHERE partner_id = \(partner.id) AND caller = \(caller(context)) AND looked_up_at > \(now.addingTimeInterval(-max(lockout, 60)))
            """).decode((Int, Int, Date?).self)[0]
        if misses >= settings.integer("missesBeforeLockout"), let lastMiss {
            let seconds = Int((lastMiss.addingTimeInterval(lockout).timeIntervalSince(now)).rounded(.up))
            try await context.audit(action: "counter.locked_out", unit: partner.provinceId, subject: partner.id.description,
                                    details: ["caller": caller(context), "misses": String(misses)])
            throw ProblemDetails(status: .tooManyRequests, detail: "Too many codes not found: lookups are locked for \(max(seconds, 1)) seconds.")
        }
        if recent >= settings.integer("lookupsPerMinute") {
            throw ProblemDetails(status: .tooManyRequests, detail: "Too many lookups: at most \(settings.integer("lookupsPerMinute")) a minute.")
        }
        return partner
    }

    /// Notes a lookup: found (with the code's state) or not, in the partner's home province, and audits it.
    static func note(found: CounterRoutes.Found?, _ partner: PartnerRecord, _ context: ModuleRequestContext, state: String = "unknown",
                     in transaction: PostgresSession? = nil) async throws {
        let insert: PostgresQuery = """
            INSERT INTO partner_discounts_lookups (province_id, id, partner_id, caller, looked_up_at, found)
            VALUES (\(partner.provinceId), \(UUID()), \(partner.id), \(caller(context)), \(context.module.now()), \(found != nil))
            """
        // What the limits no longer read goes (the audit log keeps every lookup).
        let prune: PostgresQuery = """
            DELETE FROM partner_discounts_lookups WHERE partner_id = \(partner.id) AND looked_up_at < \(context.module.now().addingTimeInterval(-86_400))
            """
        for query in [insert, prune] {
            if let transaction { _ = try await transaction.execute(query) } else { _ = try await context.module.database.execute(query) }
        }
        try await context.audit(action: found == nil ? "code.lookup_missed" : "code.looked_up", unit: found?.unit ?? partner.provinceId,
                                subject: found?.claimID.description, details: ["state": state], in: transaction)
    }
}
