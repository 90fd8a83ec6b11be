import CDTDomain
@testable import CDTPostgres
import Foundation
import Testing

/// The session cache's own rules, without a database: what is kept, when it is served, and that a lookup
/// racing a change is never kept.
@Suite struct SessionCacheRulesTests {
    static let hash = Data(repeating: 7, count: 32)

    static func entry(at start: ContinuousClock.Instant = .now, expiresIn: Duration = .seconds(3600), seenAgo: Duration = .zero,
                      fieldDay: Bool = false, requiresTwoFactor: Bool = false) -> SessionCache.Entry {
        let account = Account(id: ID(), username: "can-bo", phone: nil, displayName: "Cán bộ", assignments: [], isDisabled: false, hasTwoFactor: false)
        let lookup = PostgresAccountStore.SessionLookup(account: account, placedAssignments: [], expiresAt: Date() + 3600, isEnrollmentOnly: false)
        return SessionCache.Entry(lookup: lookup, storedAt: start, expiresBy: start + expiresIn, lastSeen: start - seenAgo,
                                  isFieldDay: fieldDay, requiresTwoFactor: requiresTwoFactor)
    }

    /// A cache whose listener is connected, emptied by `changes` (its own: other tests' revocations in this
    /// process do not reach it).
    static func listening(timeToLive: Duration = .seconds(5), capacity: Int = 50_000, changes: SessionChanges = SessionChanges()) -> SessionCache {
        let cache = SessionCache(timeToLive: timeToLive, capacity: capacity, changes: changes)
        cache.listenerConnected()
        return cache
    }

    @Test func aLookupIsKeptOnlyIfNothingChangedWhileItRan() throws {
        let changes = SessionChanges()
        let cache = Self.listening(changes: changes)
        let raced = try #require(cache.ticket())
        cache.flush()  // a notice arrives while the lookup reads the database
        #expect(!cache.store(Self.entry(), for: Self.hash, ticket: raced))
        #expect(cache.lookup(Self.hash, idleTimeout: 3600) == nil)

        let racedHere = try #require(cache.ticket())
        changes.note()  // a revocation by this process while the lookup runs
        #expect(!cache.store(Self.entry(), for: Self.hash, ticket: racedHere))

        let racedReconnect = try #require(cache.ticket())
        cache.listenerDisconnected()
        cache.listenerConnected()
        #expect(!cache.store(Self.entry(), for: Self.hash, ticket: racedReconnect))

        let calm = try #require(cache.ticket())
        #expect(cache.store(Self.entry(), for: Self.hash, ticket: calm))
        #expect(cache.lookup(Self.hash, idleTimeout: 3600) != nil)
    }

    @Test func aChangeInThisProcessEmptiesEveryCache() throws {
        let changes = SessionChanges()
        let first = Self.listening(changes: changes), second = Self.listening(changes: changes)
        for cache in [first, second] {
            #expect(cache.store(Self.entry(), for: Self.hash, ticket: try #require(cache.ticket())))
        }
        changes.note()
        #expect(first.lookup(Self.hash, idleTimeout: 3600) == nil && second.lookup(Self.hash, idleTimeout: 3600) == nil)
    }

    @Test func withoutItsListenerNothingIsKeptOrServed() throws {
        let cache = SessionCache(changes: SessionChanges())
        #expect(cache.ticket() == nil && !cache.isActive)
        cache.listenerConnected()
        #expect(cache.store(Self.entry(), for: Self.hash, ticket: try #require(cache.ticket())))
        cache.listenerDisconnected()
        #expect(cache.lookup(Self.hash, idleTimeout: 3600) == nil && cache.count == 0 && cache.ticket() == nil)
        cache.listenerConnected()
        #expect(cache.lookup(Self.hash, idleTimeout: 3600) == nil)  // nothing from before the loss comes back
    }

    @Test func expiryIdleTimeoutAndTimeToLiveAreCheckedOnEveryHit() throws {
        let start = ContinuousClock.now
        let cache = Self.listening(timeToLive: .seconds(5))
        func served(_ entry: SessionCache.Entry, after: Duration, idle: TimeInterval = 600) throws -> Bool {
            cache.flush()
            #expect(cache.store(entry, for: Self.hash, ticket: try #require(cache.ticket())))
            return cache.lookup(Self.hash, idleTimeout: idle, now: start + after) != nil
        }
        #expect(try served(Self.entry(at: start), after: .seconds(1)))
        #expect(try !served(Self.entry(at: start), after: .seconds(5)))  // past its time to live
        #expect(try !served(Self.entry(at: start, expiresIn: .seconds(2)), after: .seconds(3)))  // the session expired
        #expect(try !served(Self.entry(at: start, seenAgo: .seconds(599)), after: .seconds(2)))  // idle too long
        // A field-day session is not under the idle timeout, unless the account's roles require two-factor sign-in.
        #expect(try served(Self.entry(at: start, seenAgo: .seconds(599), fieldDay: true), after: .seconds(2)))
        #expect(try !served(Self.entry(at: start, seenAgo: .seconds(599), fieldDay: true, requiresTwoFactor: true), after: .seconds(2)))
    }

    @Test func theOldestEntriesGoFirstWhenItIsFull() throws {
        let cache = Self.listening(capacity: 2)
        let hashes = (1...3).map { Data(repeating: UInt8($0), count: 32) }
        for hash in hashes { #expect(cache.store(Self.entry(), for: hash, ticket: try #require(cache.ticket()))) }
        #expect(cache.count == 2)
        #expect(cache.lookup(hashes[0], idleTimeout: 3600) == nil)
        #expect(cache.lookup(hashes[1], idleTimeout: 3600) != nil && cache.lookup(hashes[2], idleTimeout: 3600) != nil)
        // Stored again, a key takes a new place: the other one is now the oldest.
        #expect(cache.store(Self.entry(), for: hashes[1], ticket: try #require(cache.ticket())))
        #expect(cache.store(Self.entry(), for: hashes[0], ticket: try #require(cache.ticket())))
        #expect(cache.lookup(hashes[2], idleTimeout: 3600) == nil && cache.lookup(hashes[1], idleTimeout: 3600) != nil)
        for round in 0..<10_000 { cache.store(Self.entry(), for: hashes[round % 3], ticket: try #require(cache.ticket())) }
        #expect(cache.count == 2)
    }

    /// Near the end of an entry's time one caller, and only one, is sent to refresh it; the others are still
    /// served. An entry the database no longer finds live is dropped.
    @Test func oneCallerRefreshesAnEntryNearItsEndAndARefusalDropsIt() throws {
        let start = ContinuousClock.now
        let cache = Self.listening(timeToLive: .seconds(5))
        #expect(cache.store(Self.entry(at: start), for: Self.hash, ticket: try #require(cache.ticket())))
        #expect(cache.lookup(Self.hash, idleTimeout: 3600, now: start + .seconds(3)) != nil)
        #expect(cache.lookup(Self.hash, idleTimeout: 3600, now: start + .seconds(4.5)) == nil)  // this one refreshes
        #expect(cache.lookup(Self.hash, idleTimeout: 3600, now: start + .seconds(4.6)) != nil)
        #expect(cache.lookup(Self.hash, idleTimeout: 3600, now: start + .seconds(4.7)) != nil)
        cache.forget(Self.hash)
        #expect(cache.lookup(Self.hash, idleTimeout: 3600, now: start + .seconds(4.8)) == nil && cache.count == 0)
    }

    @Test func entriesPastTheirTimeGoAtTheNextStore() throws {
        let cache = Self.listening(timeToLive: .seconds(5))
        let old = Data(repeating: 1, count: 32), new = Data(repeating: 2, count: 32)
        #expect(cache.store(Self.entry(at: .now - .seconds(10)), for: old, ticket: try #require(cache.ticket())))
        #expect(cache.store(Self.entry(), for: new, ticket: try #require(cache.ticket())))
        #expect(cache.count == 1 && cache.lookup(new, idleTimeout: 3600) != nil)
    }
}
