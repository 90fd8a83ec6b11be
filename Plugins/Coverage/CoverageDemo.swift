public import CDTModuleKit
public import Foundation

/// Targets for the demo data (`cdt demo`), so the dashboard shows progress and pace from the first run:
/// 80% of eligible households visited and every village with a team by the end of 2026, half of the
/// households mastering cashless payment by mid-2027.
extension CoverageModule: ModuleDemoData {
    public func addDemoData(in province: ID<AdministrativeUnit>, author: UUID, _ owner: PostgresClient) async throws {
        let targets: [(String, Double, String)] = [
            (Metric.householdsVisitedShare.key, 0.8, "2026-12-31"),
            (Metric.villagesWithTeamShare.key, 1.0, "2026-12-31"),
            (Metric.share(BasicSkill.onlinePayment).key, 0.5, "2027-06-30"),
        ]
        for (metric, value, deadline) in targets {
            try await owner.execute("""
                INSERT INTO coverage_targets (province_id, id, unit_id, metric, value, deadline, set_by)
                VALUES (\(province), \(UUID()), \(province), \(metric), \(value), \(CalendarDate(deadline)!), \(author))
                ON CONFLICT (unit_id, metric, deadline) DO NOTHING
                """)
        }
    }
}
