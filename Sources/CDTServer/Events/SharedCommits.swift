import CDTDomain
import CDTPostgres

/// Single events sent at the same moment share a transaction, and so a commit (group commit): each
/// `POST /api/v1/events` waits here, and whoever is waiting when a transaction can start goes into it.
///
/// - Nothing waits on purpose: with fewer than `maxInFlight` transactions running, an event starts one
///   at once, alone. Events pile up only while transactions are busy, and the next one takes them all
///   (up to `maxBatch`).
/// - Each event keeps its own outcome and its own audit line (its sender's account and address): the
///   log judges the events of a transaction one by one, as the batch endpoint does.
/// - At most two transactions run at once per row scope: on two cores, four let fewer events share each
///   commit and doubled the in-process benchmark's p99 (docs/benchmarks.md, "Third round").
/// - Events share a transaction only with events sent under the same row scope (the same provinces), so
///   row-level security holds for each of them as if it were alone.
/// - When a shared transaction fails as a whole (a lost connection, say), each of its events is tried
///   again alone, so one event's failure is never another's.
actor SharedCommits {
    /// Appends events with their recorders (and what each may name) in one transaction under the current row scope.
    typealias Append = @Sendable ([DomainEvent], [AuditEntry?], [EventAuthority?]) async throws -> [AppendOutcome]

    private struct Waiting {
        let event: DomainEvent
        let recorder: AuditEntry?
        let authority: EventAuthority?
        let answer: CheckedContinuation<AppendOutcome, any Error>
    }

    private let append: Append
    let maxInFlight: Int
    let maxBatch: Int
    private var waiting: [RowScope: [Waiting]] = [:]
    private var inFlight: [RowScope: Int] = [:]

    init(maxInFlight: Int = 2, maxBatch: Int = 500, append: @escaping Append) {
        self.append = append
        self.maxInFlight = maxInFlight
        self.maxBatch = maxBatch
    }

    init(log: PostgresEventLog, maxInFlight: Int = 2) {
        self.init(maxInFlight: maxInFlight) { events, recorders, authorities in
            try await log.append(events, recordedBy: recorders, authorities: authorities)
        }
    }

    /// Appends `event` under `scope`, in a transaction it may share, and returns its outcome; `authority`
    /// is what its sender may name (`nil` only for the importer).
    func append(_ event: DomainEvent, recordedBy recorder: AuditEntry?, authority: EventAuthority?, scope: RowScope) async throws -> AppendOutcome {
        // Appending touches no account's own rows: senders from the same provinces share a transaction.
        let scope = scope.withoutAccount
        return try await withCheckedThrowingContinuation { answer in
            waiting[scope, default: []].append(Waiting(event: event, recorder: recorder, authority: authority, answer: answer))
            startIfFree(scope)
        }
    }

    /// How many events wait for a transaction under `scope` (for tests).
    func waitingCount(_ scope: RowScope) -> Int { waiting[scope]?.count ?? 0 }

    private func startIfFree(_ scope: RowScope) {
        guard inFlight[scope, default: 0] < maxInFlight, let queue = waiting[scope], !queue.isEmpty else { return }
        let batch = Array(queue.prefix(maxBatch))
        waiting[scope] = Array(queue.dropFirst(batch.count))
        inFlight[scope, default: 0] += 1
        Task { [append] in
            await RowScope.$current.withValue(scope) { await Self.run(batch, append) }
            self.finished(scope)
        }
    }

    private func finished(_ scope: RowScope) {
        inFlight[scope, default: 1] -= 1
        if inFlight[scope] == 0 { inFlight[scope] = nil }
        if waiting[scope]?.isEmpty == true { waiting[scope] = nil }
        startIfFree(scope)
    }

    private static func run(_ batch: [Waiting], _ append: Append) async {
        do {
            let outcomes = try await append(batch.map(\.event), batch.map(\.recorder), batch.map(\.authority))
            for (waiting, outcome) in zip(batch, outcomes) { waiting.answer.resume(returning: outcome) }
        } catch {
            guard batch.count > 1 else {
                batch[0].answer.resume(throwing: error)
                return
            }
            for waiting in batch {
                do {
                    waiting.answer.resume(returning: try await append([waiting.event], [waiting.recorder], [waiting.authority])[0])
                } catch {
                    waiting.answer.resume(throwing: error)
                }
            }
        }
    }
}
