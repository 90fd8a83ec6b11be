import CDTDomain
import CDTPostgres
import CDTTesting
import Foundation

/// A generated data set for checking the module against plain SQL: two provinces, one reorganized on
/// 2025-07-01 (two communes merged, one split without village-level detail for one of its villages),
/// a season of work on both sides of the reorganization, then late events and resent duplicates.
struct CoverageScenario {
    let reform = CalendarDate("2025-07-01")!
    let start = CalendarDate("2020-01-01")!

    let langSon = ID<AdministrativeUnit>(), caoBang = ID<AdministrativeUnit>()
    // Before the reform.
    let hoangDong = ID<AdministrativeUnit>(), maiPha = ID<AdministrativeUnit>(), tanThanh = ID<AdministrativeUnit>()
    let dongTan = ID<AdministrativeUnit>(), poMo = ID<AdministrativeUnit>(), khonPat = ID<AdministrativeUnit>()
    let banLan = ID<AdministrativeUnit>(), naLau = ID<AdministrativeUnit>()
    // After it.
    let luongVanTri = ID<AdministrativeUnit>(), tanTien = ID<AdministrativeUnit>(), tanVan = ID<AdministrativeUnit>()
    let khoiDongTan = ID<AdministrativeUnit>(), khoiKhonPat = ID<AdministrativeUnit>(), banLanMoi = ID<AdministrativeUnit>(), naLau2 = ID<AdministrativeUnit>()
    // Unchanged.
    let hoaAn = ID<AdministrativeUnit>(), banGiang = ID<AdministrativeUnit>(), naMat = ID<AdministrativeUnit>()

    var oldVillages: [ID<AdministrativeUnit>] { [dongTan, poMo, khonPat, banLan, naLau] }
    var newVillages: [ID<AdministrativeUnit>] { [khoiDongTan, khoiKhonPat, banLanMoi, naLau2] }
    var steadyVillages: [ID<AdministrativeUnit>] { [banGiang, naMat] }

    /// The village a household of an old village is visited in after the reform (none for Nà Lầu, whose
    /// split left no village-level successor).
    var successorVillage: [ID<AdministrativeUnit>: ID<AdministrativeUnit>] {
        [dongTan: khoiDongTan, poMo: khoiDongTan, khonPat: khoiKhonPat, banLan: banLanMoi]
    }

    /// Where each unit's figures go under today's units, with the share (by construction, not by the module).
    var todayMapping: [ID<AdministrativeUnit>: [(ID<AdministrativeUnit>, Double)]] {
        [
            dongTan: [(khoiDongTan, 1), (luongVanTri, 1), (langSon, 1)],
            poMo: [(khoiDongTan, 1), (luongVanTri, 1), (langSon, 1)],
            khonPat: [(khoiKhonPat, 1), (luongVanTri, 1), (langSon, 1)],
            banLan: [(banLanMoi, 1), (tanTien, 1), (langSon, 1)],
            naLau: [(tanTien, 0.5), (tanVan, 0.5), (langSon, 1)],
            hoangDong: [(luongVanTri, 1), (langSon, 1)],
            maiPha: [(luongVanTri, 1), (langSon, 1)],
            tanThanh: [(tanTien, 0.5), (tanVan, 0.5), (langSon, 1)],
        ]
    }

    func units() throws -> [AdministrativeUnit] {
        let old = try ValidityPeriod(from: start, until: reform), new = try ValidityPeriod(from: reform), always = try ValidityPeriod(from: start)
        func unit(_ id: ID<AdministrativeUnit>, _ code: String, _ name: String, _ level: UnitLevel, _ type: String, _ parent: ID<AdministrativeUnit>?, _ validity: ValidityPeriod) throws -> AdministrativeUnit {
            try AdministrativeUnit(id: id, code: code, name: name, kind: UnitKind(level: level, type: type), parentID: parent, validity: validity)
        }
        return [
            try unit(langSon, "20", "Tỉnh Lạng Sơn", .province, "Tỉnh", nil, always),
            try unit(caoBang, "04", "Tỉnh Cao Bằng", .province, "Tỉnh", nil, always),
            try unit(hoangDong, "06001", "Xã Hoàng Đồng", .commune, "Xã", langSon, old),
            try unit(maiPha, "06002", "Xã Mai Pha", .commune, "Xã", langSon, old),
            try unit(tanThanh, "06003", "Xã Tân Thành", .commune, "Xã", langSon, old),
            try unit(luongVanTri, "06012", "Phường Lương Văn Tri", .commune, "Phường", langSon, new),
            try unit(tanTien, "06031", "Xã Tân Tiến", .commune, "Xã", langSon, new),
            try unit(tanVan, "06032", "Xã Tân Văn", .commune, "Xã", langSon, new),
            try unit(hoaAn, "01279", "Xã Hoà An", .commune, "Xã", caoBang, always),
            try unit(dongTan, "06001.1", "Thôn Đồng Tân", .village, "Thôn", hoangDong, old),
            try unit(poMo, "06001.2", "Thôn Pò Mỏ", .village, "Thôn", hoangDong, old),
            try unit(khonPat, "06002.1", "Thôn Khòn Pát", .village, "Thôn", maiPha, old),
            try unit(banLan, "06003.1", "Thôn Bản Lạn", .village, "Thôn", tanThanh, old),
            try unit(naLau, "06003.2", "Thôn Nà Lầu", .village, "Thôn", tanThanh, old),
            try unit(khoiDongTan, "06012.1", "Khối Đồng Tân", .village, "Khối", luongVanTri, new),
            try unit(khoiKhonPat, "06012.2", "Khối Khòn Pát", .village, "Khối", luongVanTri, new),
            try unit(banLanMoi, "06031.1", "Thôn Bản Lạn", .village, "Thôn", tanTien, new),
            try unit(naLau2, "06032.1", "Thôn Nà Lầu 2", .village, "Thôn", tanVan, new),
            try unit(banGiang, "01279.1", "Xóm Bản Giàng", .village, "Xóm", hoaAn, always),
            try unit(naMat, "01279.2", "Xóm Nà Mạt", .village, "Xóm", hoaAn, always),
        ]
    }

    func addUnits(to owner: PostgresClient) async throws {
        try await PostgresHierarchyStore(client: owner).add(try units())
    }

    /// Adds the reorganization: village links directly, commune links through the importer, which
    /// records `units.reorganized` in the log.
    /// The lineage of the reorganization, written straight into the tables as a database reorganized before
    /// the importer refused to orphan work would hold it: Nà Lầu's households stay in a closed village with
    /// no village-level successor (its commune split), which `cdt import` now refuses without a village map.
    /// The figures must still apportion such work between the split commune's successors.
    func addReorganization(to owner: PostgresClient) async throws {
        for (old, new, kind) in [(dongTan, khoiDongTan, "merged"), (poMo, khoiDongTan, "merged"), (khonPat, khoiKhonPat, "renamed"), (banLan, banLanMoi, "moved"),
                                 (hoangDong, luongVanTri, "merged"), (maiPha, luongVanTri, "merged"), (tanThanh, tanTien, "split"), (tanThanh, tanVan, "split")] {
            try await owner.execute("INSERT INTO unit_lineage (predecessor_id, successor_id, kind, effective) VALUES (\(old), \(new), \(kind), \(reform))")
        }
    }

    /// The events, in two parts: the season as recorded, then late events and resent duplicates.
    func events() -> (season: [DomainEvent], late: [DomainEvent]) {
        var random = SplitMix(seed: 20251122)
        var season: [DomainEvent] = [], late: [DomainEvent] = []
        let author = UUID()
        func at(_ day: CalendarDate, _ unit: ID<AdministrativeUnit>, _ payload: EventPayload) -> DomainEvent {
            let instant = Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + 3 * 3600 + Int(random.next() % 3600)))
            return DomainEvent(id: ID(), unitID: unit, authorID: author, occurredAt: instant, payload: payload)
        }
        func day(_ text: String, plus days: Int = 0) -> CalendarDate { CalendarDate(text)!.adding(days: days) }
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        var members: [ID<AdministrativeUnit>: [ID<Member>]] = [:]
        var memberNumber = 0

        func team(in village: ID<AdministrativeUnit>, issuer: ID<AdministrativeUnit>, on established: CalendarDate, dissolvedOn: CalendarDate?) {
            let team = ID<Team>()
            season.append(at(established, village, .teamEstablished(TeamEstablished(
                teamId: team, name: "Tổ CNSCĐ \(memberNumber)", decision: EstablishmentDecision(number: "\(memberNumber)/QĐ-UBND", date: established, signer: "Nguyễn Văn An", issuingUnitID: issuer)))))
            for seat in 0..<(3 + Int(random.next() % 3)) {
                memberNumber += 1
                let member = ID<Member>()
                let joined = established.adding(days: Int(random.next() % 10))
                season.append(at(joined, village, .memberJoined(MemberJoined(
                    teamId: team, memberId: member, role: seat == 0 ? .head : .member,
                    person: PersonDetails(name: "Thành viên \(memberNumber)", phone: String(format: "09%08d", memberNumber), gender: pick(Gender.allCases), birthYear: 1970 + memberNumber % 30)))))
                members[village, default: []].append(member)
                if seat > 0, chance(20) {
                    season.append(at(joined.adding(days: 30 + Int(random.next() % 60)), village, .memberLeft(MemberLeft(teamId: team, memberId: member))))
                }
            }
            if let dissolvedOn { season.append(at(dissolvedOn, village, .teamDissolved(TeamDissolved(teamId: team)))) }
        }
        let parent: [ID<AdministrativeUnit>: ID<AdministrativeUnit>] = [
            dongTan: hoangDong, poMo: hoangDong, khonPat: maiPha, banLan: tanThanh, naLau: tanThanh,
            khoiDongTan: luongVanTri, khoiKhonPat: luongVanTri, banLanMoi: tanTien, naLau2: tanVan, banGiang: hoaAn, naMat: hoaAn,
        ]
        for village in oldVillages {
            // Teams of merged villages stop with the reform; the split commune's keep going.
            let ends = [dongTan, poMo, khonPat].contains(village) ? reform.adding(days: -1) : nil
            team(in: village, issuer: parent[village]!, on: day("2024-03-01", plus: Int(random.next() % 20)), dissolvedOn: ends)
        }
        for village in [khoiDongTan, khoiKhonPat, naLau2] { team(in: village, issuer: parent[village]!, on: day("2025-07-01", plus: Int(random.next() % 10)), dissolvedOn: nil) }
        for village in steadyVillages { team(in: village, issuer: hoaAn, on: day("2024-05-01", plus: Int(random.next() % 20)), dissolvedOn: nil) }

        // Households, with updates and visits on both sides of the reform.
        func outcome() -> GuidanceOutcome? { chance(40) ? nil : pick([.guided, .mastered, .mastered, .notApplicable]) }
        func visit(_ household: ID<Household>, in village: ID<AdministrativeUnit>, on date: CalendarDate) -> DomainEvent {
            var skillOutcomes = SkillOutcomes(), serviceOutcomes = ServiceOutcomes()
            skillOutcomes.onlinePublicServices = outcome(); skillOutcomes.onlineShopping = outcome(); skillOutcomes.onlinePayment = outcome()
            skillOutcomes.cyberSafety = outcome(); skillOutcomes.otherPlatforms = chance(10) ? .mastered : nil
            serviceOutcomes.vneidActivated = outcome(); serviceOutcomes.ePaymentAccountOpened = outcome()
            serviceOutcomes.digitalStoreOpened = chance(15) ? .mastered : nil; serviceOutcomes.onlinePublicServiceUsed = outcome()
            if skillOutcomes.outcomes.isEmpty && serviceOutcomes.outcomes.isEmpty { skillOutcomes.onlinePayment = .guided }
            // Members recorded before any household was, in the household's province.
            let guides = (steadyVillages.contains(village) ? steadyVillages : oldVillages).flatMap { members[$0] ?? [] }
            let member = pick(guides)
            return at(date, village, .householdVisited(HouseholdVisited(householdId: household, memberIds: [member], skills: skillOutcomes, services: serviceOutcomes)))
        }
        func details(_ household: ID<Household>) -> HouseholdDetails {
            let size = 1 + Int(random.next() % 6)
            var residents: [ResidentCount]?
            if chance(60) {
                let elderly = Int(random.next() % UInt64(min(size, 2) + 1)), children = Int(random.next() % UInt64(size - elderly + 1))
                residents = [ResidentCount(ageBand: .children, count: children), ResidentCount(ageBand: .working, count: size - elderly - children),
                             ResidentCount(ageBand: .elderly, count: elderly, notApplicable: elderly > 1 ? 1 : 0, notApplicableReason: elderly > 1 ? .elderly : nil)]
            }
            return HouseholdDetails(householdId: household, size: size, residents: residents, notApplicable: chance(8) ? pick(NotApplicableReason.allCases) : nil)
        }
        func households(in village: ID<AdministrativeUnit>, count: Int, from first: CalendarDate, visitsUntil last: CalendarDate) {
            for _ in 0..<count {
                let household = ID<Household>()
                let registered = first.adding(days: Int(random.next() % 60))
                season.append(at(registered, village, .householdRegistered(details(household))))
                if chance(25) { season.append(at(registered.adding(days: 40 + Int(random.next() % 100)), village, .householdUpdated(details(household)))) }
                var date = registered
                for _ in 0..<Int(random.next() % 4) {
                    date = date.adding(days: 5 + Int(random.next() % 120))
                    guard date <= last else { break }
                    let place = date < reform || !oldVillages.contains(village) ? village : successorVillage[village]
                    guard let place else { break }
                    season.append(visit(household, in: place, on: date))
                }
                if chance(10), registered > day("2024-06-01") {
                    // Recorded late: a visit on an earlier day than the ones already recorded.
                    late.append(visit(household, in: village, on: registered.adding(days: 1)))
                }
                if chance(8) {
                    // An update recorded late, dated before a later one.
                    late.append(at(registered.adding(days: 20), village, .householdUpdated(details(household))))
                }
            }
        }
        for village in oldVillages { households(in: village, count: 10, from: day("2024-04-01"), visitsUntil: day("2025-11-10")) }
        for village in newVillages where village != banLanMoi { households(in: village, count: 6, from: day("2025-07-25"), visitsUntil: day("2025-11-10")) }
        for village in steadyVillages { households(in: village, count: 12, from: day("2024-06-01"), visitsUntil: day("2025-11-10")) }

        // Trainings at commune level, before and after the reform.
        func training(_ unit: ID<AdministrativeUnit>, on date: CalendarDate, villages: [ID<AdministrativeUnit>]) -> DomainEvent {
            let pool = villages.flatMap { members[$0] ?? [] }
            let attendees = Array(Set((0..<min(6, pool.count)).map { _ in pick(pool) }))
            return at(date, unit, .trainingHeld(TrainingHeld(trainingId: ID(), organiser: "Sở KH&CN", topic: "Kỹ năng số cơ bản", format: .onSite, attendeeIds: attendees)))
        }
        season.append(training(hoangDong, on: day("2024-09-10"), villages: [dongTan, poMo]))
        season.append(training(tanThanh, on: day("2024-10-02"), villages: [banLan, naLau]))
        season.append(training(luongVanTri, on: day("2025-08-20"), villages: [khoiDongTan, khoiKhonPat]))
        season.append(training(hoaAn, on: day("2025-08-25"), villages: steadyVillages))
        late.append(training(hoaAn, on: day("2024-07-15"), villages: steadyVillages))

        // Campaigns: one recorded on time and closed early, one recorded after the work it covers.
        let early = ID<Campaign>()
        season.insert(at(day("2024-09-30"), caoBang, .campaignLaunched(CampaignLaunched(
            campaignId: early, name: "Ngày hội chuyển đổi số Cao Bằng", startsOn: day("2024-10-01"), endsOn: day("2025-12-31"),
            targetSkills: [.onlinePayment], targets: [CampaignTarget(metric: .householdsVisited, value: 20)]))), at: 0)
        season.append(at(day("2025-09-15"), caoBang, .campaignClosed(CampaignClosed(campaignId: early))))
        late.append(at(day("2025-07-20"), luongVanTri, .campaignLaunched(CampaignLaunched(
            campaignId: ID(), name: "Đi từng ngõ, gõ từng nhà", startsOn: day("2025-08-01"), endsOn: day("2025-10-31"),
            targetSkills: [.onlinePayment, .onlinePublicServices], targets: [CampaignTarget(metric: .householdsWithTargetSkill, value: 10)]))))
        let ordered = season.enumerated().sorted { ($0.element.occurredOn, $0.offset) < ($1.element.occurredOn, $1.offset) }.map(\.element)
        return (ordered, late)
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
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
