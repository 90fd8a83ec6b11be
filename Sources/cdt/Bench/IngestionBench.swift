import CDTDemo
import CDTDomain
import CDTPostgres
import CDTServer
import Foundation
import NIOCore

/// New visits for the ingestion runs, to households already stored, each by a member of the village's
/// team, as the JSON a client sends and as the row COPY writes for the baseline.
struct IngestionEvents {
    struct Event: Sendable {
        let id: UUID, province: UUID, unit: UUID, occurredAt: Date, payload: String
        /// The visiting member, who is the author too (the server takes an author only the sender may change).
        var author: UUID = IngestionEvents.author
        var json: String {
            #"{"id": "\#(id.lowercasedText)", "type": "household.visited", "version": 1, "unitId": "\#(unit.lowercasedText)", "#
                + #""authorId": "\#(author.lowercasedText)", "occurredAt": "\#(IngestionEvents.timestamp(occurredAt))", "payload": \#(payload)}"#
        }
    }

    static let author = UUID(uuidString: "00000000-0000-4000-8000-0000000be4c4")!
    let events: [Event]

    /// `count` visits spread over a sample of the stored households of provinces where coverage is on,
    /// occurring over the last day; fresh ids each time, so every run sends new events.
    static func make(_ count: Int, _ db: PostgresClient, seed: UInt64) async throws -> IngestionEvents {
        let total = try await db.query("SELECT count(*) FROM households").decode(Int.self)[0]
        let percent = min(100, max(0.01, Double(min(count, 50_000)) * 300 / Double(max(total, 1))))
        let targets = try await db.query("""
            SELECT h.id, h.province_id, h.unit_id, s.member_id
            FROM households h TABLESAMPLE BERNOULLI (\(percent))
            JOIN teams t ON t.unit_id = h.unit_id AND t.ended_on IS NULL
            JOIN LATERAL (SELECT member_id FROM memberships WHERE team_id = t.id AND left_on IS NULL ORDER BY member_id LIMIT 1) s ON true
            WHERE h.not_applicable IS NULL AND h.province_id IN (SELECT province_id FROM module_enablements WHERE module_id = 'coverage' AND enabled)
            LIMIT 50000
            """).decode((UUID, UUID, UUID, UUID).self)
        guard !targets.isEmpty else { throw CommandError("no household to visit: load the data set first (cdt bench seed)") }
        var generator = SeededGenerator(seed: seed)
        let now = Date()
        let outcomes = ["guided", "mastered", "notApplicable"]
        let events = (0..<count).map { _ in
            let (household, province, unit, member) = targets.randomElement(using: &generator)!
            let skill = ["onlinePublicServices", "onlineShopping", "onlinePayment", "cyberSafety"].randomElement(using: &generator)!
            let payload = #"{"householdId": "\#(household.lowercasedText)", "memberIds": ["\#(member.lowercasedText)"], "#
                + #""skills": {"\#(skill)": "\#(outcomes.randomElement(using: &generator)!)"}, "services": {"vneidActivated": "\#(outcomes.randomElement(using: &generator)!)"}}"#
            return Event(id: UUID(), province: province, unit: unit,
                         occurredAt: now.addingTimeInterval(-Double(Int.random(in: 600...80_000, using: &generator))), payload: payload, author: member)
        }
        return IngestionEvents(events: events)
    }

    /// As `ISO8601DateFormatter` writes it (`2026-12-06T06:00:00Z`); a formatter made per event took
    /// 6 s of the benchmark's setup for 66,000 events.
    static func timestamp(_ date: Date) -> String {
        date.formatted(timestampStyle)
    }

    private static let timestampStyle = Date.ISO8601FormatStyle()
}

/// The batch ingestion run: the unique events and a tenth of them again (resends of events answered
/// earlier, mixed in), in batches over concurrent clients, retrying a batch the server failed; the caller
/// then checks the counts are exact.
///
/// Each client is one keep-alive connection of its own (``LoopbackHTTP``). Until the eighth round they were
/// `URLSession` tasks, and a system-wide profile of the run found this process taking 35% of the two cores'
/// samples, as much as the server (docs/benchmarks.md, "Eighth round").
struct BatchIngestion {
    let base: String
    let token: String
    let batchSize: Int
    let clients: Int

    struct Result: Codable {
        var unique = 0, resent = 0, accepted = 0, duplicates = 0, conflicts = 0, rejected = 0, retries = 0, batches = 0
        var seconds = 0.0
        var acceptedPerSecond: Double { Double(accepted) / max(seconds, 1e-9) }
    }

    /// Sends `source` with about `resendFraction` of it again: each batch after the first `clients` carries
    /// resends of events from batches at least `clients` earlier, which have been answered by then (a
    /// client retrying what it sent before, not racing its own request).
    func run(_ source: [IngestionEvents.Event], resendFraction: Double, seed: UInt64) async throws -> Result {
        var generator = SeededGenerator(seed: seed ^ 0x2E5E_4D)
        let resendsPerBatch = Int((Double(batchSize) * resendFraction / (1 + resendFraction)).rounded())
        var batches: [[String]] = [], sentUpTo: [Int] = [], next = 0, resent = 0
        while next < source.count {
            let answered = batches.count >= clients ? sentUpTo[batches.count - clients] : 0
            let resends = answered > 0 ? resendsPerBatch : 0
            let fresh = source[next..<min(source.count, next + batchSize - resends)].map(\.json)
            next += fresh.count
            let again = (0..<resends).map { _ in source[Int.random(in: 0..<answered, using: &generator)].json }
            resent += again.count
            batches.append((fresh + again).shuffled(using: &generator))
            sentUpTo.append(next)
        }
        let allocator = ByteBufferAllocator()
        let bodies = batches.map { allocator.buffer(string: "{\"events\": [" + $0.joined(separator: ", ") + "]}") }
        let queue = WorkQueue(bodies)
        var connections: [LoopbackHTTP] = []
        do {
            for _ in 0..<clients { connections.append(try await LoopbackHTTP(base: base)) }
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        let started = ContinuousClock.now
        let totals = try await withThrowingTaskGroup(of: Result.self) { group in
            for first in connections {
                group.addTask {
                    var result = Result(), connection = first
                    defer { Task { [connection] in await connection.close() } }
                    while let body = await queue.next() {
                        var attempt = 0
                        while true {
                            var answer: (status: Int, answer: [String: Any])?
                            do {
                                let got = try await connection.post("/api/v1/events/batch", json: body, token: token)
                                answer = (got.status, try BenchHTTP.jsonObject(got.body))
                            } catch {
                                // The connection failed or was closed on a time limit: the retry gets a new one.
                                await connection.close()
                                connection = try await LoopbackHTTP(base: base)
                            }
                            if let answer, answer.status == 200 {
                                result.accepted += answer.answer["accepted"] as? Int ?? 0
                                result.duplicates += answer.answer["duplicates"] as? Int ?? 0
                                result.conflicts += answer.answer["conflicts"] as? Int ?? 0
                                result.rejected += answer.answer["rejected"] as? Int ?? 0
                                result.batches += 1
                                break
                            }
                            attempt += 1
                            result.retries += 1
                            guard attempt < 5, answer.map({ $0.status >= 500 }) ?? true else {
                                throw CommandError("a batch was refused: \(answer.map { "\($0.status) \($0.answer)" } ?? "no answer") ")
                            }
                            try await Task.sleep(for: .milliseconds(200 * attempt))
                        }
                    }
                    return result
                }
            }
            var sum = Result()
            for try await part in group {
                sum.accepted += part.accepted; sum.duplicates += part.duplicates; sum.conflicts += part.conflicts
                sum.rejected += part.rejected; sum.retries += part.retries; sum.batches += part.batches
            }
            return sum
        }
        var result = totals
        result.seconds = ProgressBar.seconds(ContinuousClock.now - started)
        result.unique = source.count
        result.resent = resent
        return result
    }
}

/// Hands out work items to concurrent clients.
actor WorkQueue<Item: Sendable> {
    private var items: [Item]
    private var position = 0

    init(_ items: [Item]) {
        self.items = items
    }

    func next() -> Item? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}
