import CDTDomain
import CDTPostgres
@testable import CDTServer
import Foundation
import Synchronization
import Testing

/// Single events sent while a transaction is busy share the next one; each keeps its own outcome and
/// recorder; a shared transaction that fails is retried event by event.
@Suite struct SharedCommitsTests {
    /// An append that holds each call until released, and remembers what each call held.
    final class HeldAppend: Sendable {
        let calls = Mutex<[[String]]>([])
        let releases = Mutex<[CheckedContinuation<Void, Never>]>([])
        let failWhenShared: Bool

        init(failWhenShared: Bool = false) { self.failWhenShared = failWhenShared }

        func append(_ events: [DomainEvent], _ recorders: [AuditEntry?]) async throws -> [AppendOutcome] {
            calls.withLock { $0.append(recorders.map { $0?.clientAddress ?? "-" }) }
            await withCheckedContinuation { release in releases.withLock { $0.append(release) } }
            if failWhenShared && events.count > 1 { throw PostgresError(code: .connectionClosed, message: "connection lost") }
            return events.map { _ in .accepted(recordedAt: Date(timeIntervalSince1970: 0)) }
        }

        var held: Int { releases.withLock { $0.count } }

        func releaseAll() {
            let waiting = releases.withLock { list in defer { list = [] }; return list }
            for release in waiting { release.resume() }
        }
    }

    static func event() -> DomainEvent {
        DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: Date(timeIntervalSince1970: 1_754_017_200),
                    payload: .householdRegistered(HouseholdDetails(householdId: ID(), label: "Zalo", size: 3)))
    }

    static func recorder(_ name: String) -> AuditEntry {
        AuditEntry(accountID: ID(), clientAddress: name, action: "event.recorded")
    }

    static func waitUntil(_ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<500 where !(await condition()) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await condition())
    }

    @Test func eventsSentWhileATransactionIsBusyShareTheNextOne() async throws {
        let held = HeldAppend()
        let commits = SharedCommits(maxInFlight: 1) { events, recorders, _ in try await held.append(events, recorders) }
        let scope = RowScope.provinces([UUID()])
        let first = Task { try await commits.append(Self.event(), recordedBy: Self.recorder("a"), authority: nil, scope: scope) }
        try await Self.waitUntil { held.held == 1 }
        // The first went alone, at once; five more arrive while it is busy and wait.
        let more = (1...5).map { n in Task { try await commits.append(Self.event(), recordedBy: Self.recorder("b\(n)"), authority: nil, scope: scope) } }
        try await Self.waitUntil { await commits.waitingCount(scope) == 5 }
        held.releaseAll()
        try await Self.waitUntil { held.held == 1 }
        held.releaseAll()
        _ = try await first.value
        for task in more { #expect(try await task.value == .accepted(recordedAt: Date(timeIntervalSince1970: 0))) }
        let calls = held.calls.withLock { $0 }
        #expect(calls.count == 2)
        #expect(calls[0] == ["a"])
        #expect(Set(calls[1]) == Set((1...5).map { "b\($0)" }) && calls[1].count == 5)
    }

    @Test func scopesDoNotShareATransaction() async throws {
        let held = HeldAppend()
        let commits = SharedCommits(maxInFlight: 1) { events, recorders, _ in try await held.append(events, recorders) }
        let one = RowScope.provinces([UUID()]), other = RowScope.provinces([UUID()])
        let tasks = [Task { try await commits.append(Self.event(), recordedBy: Self.recorder("one"), authority: nil, scope: one) },
                     Task { try await commits.append(Self.event(), recordedBy: Self.recorder("other"), authority: nil, scope: other) }]
        // Each scope starts its own transaction: both are held at once.
        try await Self.waitUntil { held.held == 2 }
        held.releaseAll()
        for task in tasks { _ = try await task.value }
        #expect(Set(held.calls.withLock { $0 }) == [["one"], ["other"]])
    }

    @Test func aSharedTransactionThatFailsIsRetriedEventByEvent() async throws {
        let held = HeldAppend(failWhenShared: true)
        let commits = SharedCommits(maxInFlight: 1) { events, recorders, _ in try await held.append(events, recorders) }
        let scope = RowScope.everyProvince
        let first = Task { try await commits.append(Self.event(), recordedBy: Self.recorder("a"), authority: nil, scope: scope) }
        try await Self.waitUntil { held.held == 1 }
        let more = (1...3).map { n in Task { try await commits.append(Self.event(), recordedBy: Self.recorder("b\(n)"), authority: nil, scope: scope) } }
        try await Self.waitUntil { await commits.waitingCount(scope) == 3 }
        // Release every call as it comes: the shared one fails, then each event goes alone and succeeds.
        let releasing = Task {
            while !Task.isCancelled {
                held.releaseAll()
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        _ = try await first.value
        for task in more { #expect(try await task.value == .accepted(recordedAt: Date(timeIntervalSince1970: 0))) }
        releasing.cancel()
        let calls = held.calls.withLock { $0 }
        #expect(calls.map(\.count) == [1, 3, 1, 1, 1])
    }
}
