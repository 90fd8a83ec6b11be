import CDTDomain
import Foundation
import Testing

/// Input sent to hurt the server: numbers that would make a range or a sum trap (and kill the process for
/// everyone), characters the database cannot store, impossible dates. Each is refused with the field
/// named, never a trap; the property tests below try thousands of seeded random values.
@Suite struct HostileInputTests {
    func violations(size: Int, _ residents: [ResidentCount]) -> [Violation] {
        var check = Validator()
        Household.validate(label: nil, size: size, residents: residents, into: &check)
        return check.violations
    }

    @Test func aNegativeResidentCountIsRefusedNotATrap() {
        let found = violations(size: 4, [ResidentCount(ageBand: .working, count: -1, withSmartphone: 0)])
        #expect(found.map(\.field).contains("residents[0].count"))
        let negativeParts = violations(size: 4, [ResidentCount(ageBand: .working, count: 2, withSmartphone: -3, notApplicable: Int.min, notApplicableReason: .refused)])
        #expect(Set(negativeParts.map(\.field)) == ["residents[0].withSmartphone", "residents[0].notApplicable"])
    }

    @Test func residentCountsThatAddPastIntMaxAreRefusedNotATrap() {
        let found = violations(size: 4, [ResidentCount(ageBand: .working, count: Int.max), ResidentCount(ageBand: .elderly, count: Int.max)])
        #expect(found.map(\.field).contains("residents"))
        #expect(found.map(\.field).contains("residents[0].count"))
        let withinBounds = violations(size: 60, [ResidentCount(ageBand: .working, count: 60, withSmartphone: Int.max)])
        #expect(withinBounds.map(\.field) == ["residents[0].withSmartphone"])
    }

    @Test func textHoldingTheNULCharacterIsRefusedWithTheFieldNamed() throws {
        let body = HouseholdVisited(householdId: ID(), memberIds: [ID()], skills: SkillOutcomes(onlinePayment: .guided), note: "ghi chú\u{0}")
        var check = Validator(prefix: "payload")
        body.validate(into: &check)
        #expect(check.violations == [Violation(field: "payload.note", rule: Validator.nulRule)])
        var link = Validator()
        TeamChatLinkChanged(teamId: ID(), chatLink: "https://zalo.me/g/\u{0}").validate(into: &link)
        #expect(link.violations.map(\.field) == ["chatLink"])
    }

    @Test func theNilUUIDIsNotAnEventID() throws {
        let nilID = try #require(ID<DomainEvent>("00000000-0000-0000-0000-000000000000"))
        let event = DomainEvent(id: nilID, unitID: ID(), authorID: UUID(), occurredAt: Date(timeIntervalSince1970: 1_754_017_200),
                                payload: EventPayload.module(ModuleEventPayload(type: EventType(rawValue: "good-practices.practice_shared")!, json: .object(["title": .string("Mô hình"), "summary": .string("Cách làm")]))))
        #expect(throws: ValidationFailure(field: "id", rule: "must not be the nil UUID")) { try event.validate(now: Date(timeIntervalSince1970: 1_800_000_000)) }
    }

    @Test func impossibleInstantsAreRefusedNotRolledOver() {
        for text in ["2025-09-31T09:00:00+07:00", "2025-11-31T09:00:00+07:00", "2025-02-29T09:00:00+07:00", "2025-10-01T23:59:60+07:00",
                     "2025-10-01T24:00:00+07:00", "2025-10-01T09:60:00+07:00", "2025-13-01T09:00:00Z", "2025-00-10T09:00:00Z",
                     "2025-10-01T09:00:00", "2025-10-01T09:00:00+25:00", "2025-10-01 09:00:00Z", "2025-10-01T09:00:00.Z",
                     "2025-10-01T09:00:00.1234567890Z", "+2025-10-01T09:00:00Z", "2025-10-01T09:00:00Zjunk", "", "0000-01-01T00:00:00Z"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
        #expect(Timestamp.parse("2025-10-01T09:00:00+07:00") == Date(timeIntervalSince1970: 1_759_284_000))
        #expect(Timestamp.parse("2025-10-01T02:00:00Z") == Date(timeIntervalSince1970: 1_759_284_000))
        #expect(Timestamp.parse("2025-10-01T09:00:00+0700") == Date(timeIntervalSince1970: 1_759_284_000))
        #expect(Timestamp.parse("2025-10-01T02:00:00.25Z") == Date(timeIntervalSince1970: 1_759_284_000.25))
        #expect(Timestamp.parse("2024-02-29T23:59:59-05:30") != nil)
    }

    // MARK: Properties, over seeded random input

    /// Residents drawn from the values that break naive code: signs, bounds, and the ends of `Int`.
    @Test func householdValidationNeverTrapsAndAcceptsOnlyConsistentCounts() {
        var random = SeededRandom(seed: 18)
        let interesting = [Int.min, Int.min + 1, -61, -1, 0, 1, 2, 30, 59, 60, 61, 1 << 32, Int.max - 1, Int.max]
        func number() -> Int { random.next() % 3 == 0 ? Int(truncatingIfNeeded: random.next()) : interesting[Int(random.next() % UInt64(interesting.count))] }
        for _ in 0..<20_000 {
            let size = number()
            let residents = (0..<Int(random.next() % 4)).map { _ in
                ResidentCount(ageBand: AgeBand.allCases[Int(random.next() % 3)], count: number(), withSmartphone: number(), notApplicable: number(),
                              notApplicableReason: random.next() % 2 == 0 ? .elderly : nil)
            }
            let found = violations(size: size, residents)
            guard found.isEmpty else { continue }
            // Accepted: every count is within its bounds, and they add up to no more than the size.
            #expect((1...Household.maximumSize).contains(size))
            #expect(Set(residents.map(\.ageBand)).count == residents.count)
            for band in residents {
                #expect((0...Household.maximumSize).contains(band.count))
                #expect((0...band.count).contains(band.withSmartphone) && (0...band.count).contains(band.notApplicable))
            }
            #expect(residents.map(\.count).reduce(0, +) <= size)
        }
    }

    /// Any text parses to an instant or to `nil`, never a trap; every real instant written out parses back to itself.
    @Test func timestampParsingIsStrictAndRoundTrips() {
        var random = SeededRandom(seed: 1809)
        let alphabet = Array("0123456789-:T+Z.ẞ \u{0}")
        for _ in 0..<20_000 {
            let text = String((0..<Int(random.next() % 32)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            if let date = Timestamp.parse(text) { #expect(date.timeIntervalSince1970.isFinite) }
        }
        for _ in 0..<5_000 {
            let year = 1 + Int(random.next() % 9999), month = 1 + Int(random.next() % 12), day = 1 + Int(random.next() % 31)
            let hour = Int(random.next() % 25), minute = Int(random.next() % 61), second = Int(random.next() % 61)
            let offset = Int(random.next() % 29) - 14
            func pad(_ value: Int, _ width: Int = 2) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
            let text = "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))\(offset < 0 ? "-" : "+")\(pad(abs(offset))):00"
            let parsed = Timestamp.parse(text)
            guard let date = CalendarDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 60 else {
                #expect(parsed == nil, "\(text)")
                continue
            }
            let expected = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset * 3600
            #expect(parsed == Date(timeIntervalSince1970: TimeInterval(expected)), "\(text)")
        }
    }
}

/// SplitMix64: a small seeded generator, so a failing case can be replayed from its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
