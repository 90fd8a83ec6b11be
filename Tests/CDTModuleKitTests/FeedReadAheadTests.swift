import CDTDomain
@testable import CDTServer
import Foundation
import Testing

/// What the dispatcher's read-ahead hands back: only a full batch, fresh enough, once.
@Suite struct FeedReadAheadTests {
    let key = FeedReadAhead.Key(module: "ledger", province: ID())

    func batch(_ count: Int, from start: Int64) -> FeedReadAhead.Batch {
        let events = (0..<Int64(count)).map { n in
            FeedEvent(event: DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: Date(), payload: .householdRegistered(HouseholdDetails(householdId: ID(), label: "Hộ \(n)", size: 1, residents: [], notApplicable: nil))),
                      provinceID: key.province, feedPosition: FeedPosition(transactionID: 7, position: start + n))
        }
        return (events, events.last?.feedPosition)
    }

    @Test func aFullBatchIsTakenOnceWithWhereItStarts() async {
        let readAhead = FeedReadAhead()
        let after = FeedPosition(transactionID: 7, position: 4)
        let full = batch(4, from: 5)
        readAhead.start(key, after: after) { full }
        let taken = await readAhead.take(key, size: 4)
        #expect(taken?.after == after)
        #expect(taken?.batch.events.map(\.feedPosition.position) == [5, 6, 7, 8])
        #expect(await readAhead.take(key, size: 4) == nil)
    }

    @Test func aShortFailedOrStaleBatchIsNotTaken() async throws {
        let readAhead = FeedReadAhead(maximumAge: .milliseconds(50))
        let after = FeedPosition(transactionID: 7, position: 4)
        let short = batch(3, from: 5)
        readAhead.start(key, after: after) { short }
        #expect(await readAhead.take(key, size: 4) == nil)
        readAhead.start(key, after: after) { throw CancellationError() }
        #expect(await readAhead.take(key, size: 4) == nil)
        let full = batch(4, from: 5)
        readAhead.start(key, after: after) { full }
        try await Task.sleep(for: .milliseconds(80))
        #expect(await readAhead.take(key, size: 4) == nil)
        readAhead.start(key, after: after) { full }
        try await Task.sleep(for: .milliseconds(80))
        readAhead.dropStale()
        #expect(readAhead.count == 0)
        readAhead.start(key, after: after) { full }
        readAhead.cancelAll()
        #expect(readAhead.count == 0)
    }
}
