import CDTModuleKit
import Foundation

/// The subjects of one kind a batch of events touches: loaded in one statement, changed in memory event
/// by event, saved in one statement with the difference in their contributions (worked out from their
/// state as loaded and as saved).
struct SubjectSet<Subject: CoverageSubject> {
    private var stored: [UUID: [Contribution]] = [:]
    private var subjects: [UUID: Subject] = [:]
    private var changed: Set<UUID> = []

    static func load(_ ids: Set<UUID>, province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws -> SubjectSet {
        var set = SubjectSet()
        guard !ids.isEmpty else { return set }
        let rows = try await tx.query("""
            SELECT id, state FROM coverage_subjects
            WHERE province_id = \(province) AND kind = \(Subject.kind) AND id = ANY(\(Array(ids))::uuid[])
            """).decode((UUID, Data).self)
        for (id, state) in rows {
            let subject = try Subject(storedBytes: [UInt8](state))
            set.subjects[id] = subject
            set.stored[id] = subject.contributions
        }
        return set
    }

    func subject(_ id: UUID) -> Subject? { subjects[id] }

    /// Changes the subject `id` (made with `make` when there is none yet; left alone when that gives `nil`).
    mutating func change(_ id: UUID, make: () -> Subject? = { nil }, _ body: (inout Subject) -> Void) {
        guard var subject = subjects[id] ?? make() else { return }
        body(&subject)
        subjects[id] = subject
        changed.insert(id)
    }

    /// Saves the changed subjects and returns the difference their contributions make.
    mutating func save(province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws -> [Contribution] {
        guard !changed.isEmpty else { return [] }
        var ids: [UUID] = [], states: [Data] = []
        ids.reserveCapacity(changed.count)
        states.reserveCapacity(changed.count)
        // The difference of every changed subject's contributions, summed in place (what a subject's
        // contributions have in common before and after adds nothing; every value is a whole number, so the
        // order of the sums does not change them).
        var sums: [Contribution.Key: Double] = [:]
        for id in changed {
            let subject = subjects[id]!, now = subject.contributions, before = stored[id] ?? []
            Contribution.add(difference: before, to: now, into: &sums)
            stored[id] = now
            ids.append(id)
            states.append(Data(try subject.storedBytes()))
        }
        changed = []
        try await tx.execute("""
            INSERT INTO coverage_subjects (province_id, kind, id, state)
            SELECT \(province), \(Subject.kind), * FROM unnest(\(ids)::uuid[], \(states)::bytea[])
            ON CONFLICT (province_id, kind, id) DO UPDATE SET state = excluded.state
            """)
        return Contribution.changes(summed: sums)
    }
}
