public import CDTModuleKit
public import Foundation

/// The example round `cdt demo` opens in each province it enables the module in (Lạng Sơn and Cao Bằng by
/// default): "Tập thể, cá nhân tiêu biểu chuyển đổi số cộng đồng năm 2025", with nominations of the
/// province's first village teams at different stages: a draft, one under review at the commune, one
/// returned, one under review at the province, one awaiting the decision, one approved and one awarded.
/// The province also takes part in the example national round ("… toàn quốc năm 2025", the same round id
/// in every province the demo enables), its first team's nomination under review at the nation. They are
/// the module's own events, so a rebuild keeps them; their ids come from the province's, so a second run
/// records nothing new.
extension RewardsModule: ModuleDemoData {
    public func demoEvents(in province: ID<AdministrativeUnit>, author: UUID, at now: Date, _ owner: PostgresClient) async throws -> [DomainEvent] {
        let at = Date(timeIntervalSince1970: 1_794_794_400)  // 2026-11-10 09:00 in Vietnam
        let from = CalendarDate("2025-07-01")!, until = CalendarDate("2026-06-30")!
        let chain = try await RoundRoutes.reviewChain(of: province, on: CalendarDate(at), owner)
        let teams = try await owner.query("""
            SELECT t.id FROM core_v1.teams t JOIN core_v1.units u ON u.id = t.unit_id
            WHERE t.province_id = \(province) AND t.ended_on IS NULL AND u.level = 'village'
            ORDER BY u.path, t.id LIMIT 7
            """).decode(ID<Team>.self)
        guard !teams.isEmpty, chain.first == "commune" else { return [] }
        let settings = settings.defaults
        let categories = RoundDefaults.categories
        let quotas = categories.flatMap { category in
            chain.map { Quota(category: category.key, level: $0, limit: settings.integer($0 == "commune" ? "quotaPerCommune" : $0 == "district" ? "quotaPerDistrict" : "quotaPerProvince")) }
        }
        var serial: UInt8 = 0
        func nextID() -> ID<DomainEvent> {
            serial += 1
            return ID(rawValue: Self.demoID(province, serial))
        }
        let round = nextID()
        var events = [try Self.roundOpened.event(id: round, in: province, by: author, at: at, RoundOpened(
            titleVi: "Tập thể, cá nhân tiêu biểu chuyển đổi số cộng đồng năm 2025", titleEn: "Exemplary community digital teams and members, 2025",
            periodFrom: from, periodUntil: until, categories: categories, quotas: quotas,
            deadlines: chain.enumerated().map { LevelDeadline(level: $1, date: CalendarDate("2026-12-15")!.adding(days: 15 * $0)) }, chain: chain))]
        // Each team's stage: the steps taken after drafting.
        let stages: [[ReviewAction]] = [[], [.submit], [.submit, .return], [.submit, .endorse], Array(repeating: .endorse, count: chain.count),
                                        Array(repeating: .endorse, count: chain.count) + [.approve], Array(repeating: .endorse, count: chain.count) + [.approve, .award]]
        let core = CoreReads(owner)
        for (team, stage) in zip(teams, stages) {
            guard let subject = try await Subjects.find(.team, team.rawValue, on: until, owner) else { continue }
            let places = try await core.ancestors(of: subject.unit.id) + [subject.unit]
            let reviewUnits = chain.compactMap { level in places.first { $0.level == level }?.id }
            guard reviewUnits.count == chain.count else { continue }
            let id = nextID()
            let place = subject.unit.id
            events.append(try Self.nominationDrafted.event(id: id, in: place, by: author, at: at, NominationDrafted(
                roundId: round, category: "exemplaryTeam", subjectKind: "team", subjectId: ID(rawValue: team.rawValue), subjectName: subject.name,
                subjectRole: nil, teamId: team, teamName: subject.name, reviewUnits: reviewUnits,
                citation: "Tổ đã đến từng hộ hướng dẫn cài đặt VNeID, thanh toán không dùng tiền mặt và nhận biết lừa đảo trực tuyến.")))
            let steps = stage.first == .endorse ? [.submit] + stage : stage
            var level = 0
            for step in steps {
                let event: DomainEvent
                switch step {
                case .submit:
                    let evidence = try await Evidence.figures(for: subject.evidenceSubject, from: from, until: until, owner)
                    event = try Self.nominationSubmitted.event(id: nextID(), in: place, by: author, at: at, NominationSubmitted(nominationId: id, evidence: evidence))
                case .endorse:
                    let next = level + 1 < chain.count ? level + 1 : nil
                    event = try Self.nominationEndorsed.event(id: nextID(), in: place, by: author, at: at,
                                                              NominationStep(nominationId: id, fromLevel: level, toLevel: next, note: "Đồng ý đề nghị"))
                    level += 1
                case .return:
                    event = try Self.nominationReturned.event(id: nextID(), in: place, by: author, at: at,
                                                              NominationStep(nominationId: id, fromLevel: 0, note: "Đề nghị bổ sung hình ảnh hoạt động"))
                case .approve:
                    event = try Self.nominationApproved.event(id: nextID(), in: place, by: author, at: at, NominationStep(nominationId: id, note: ""))
                default:
                    event = try Self.nominationAwarded.event(id: nextID(), in: place, by: author, at: at, NominationAwarded(
                        nominationId: id, decisionNumber: "2150/QĐ-UBND", decisionDate: CalendarDate("2026-11-10")!,
                        signer: "Chủ tịch Uỷ ban nhân dân tỉnh", awardTitle: "Bằng khen của Chủ tịch Uỷ ban nhân dân tỉnh"))
                }
                events.append(event)
            }
        }
        return events + (try await nationalDemoEvents(in: province, chain: chain, team: teams[0], author: author, at: at, owner))
    }

    /// The example national round's id: the same in every province.
    static let demoNationalRound = ID<DomainEvent>(rawValue: UUID(uuidString: "DE705A70-2025-4000-8000-00000000A710")!)

    /// The province's part of the example national round, and its first team nominated, endorsed at each of
    /// the province's levels and under review at the nation.
    func nationalDemoEvents(in province: ID<AdministrativeUnit>, chain provinceChain: [String], team: ID<Team>, author: UUID, at: Date,
                            _ owner: PostgresClient) async throws -> [DomainEvent] {
        let from = CalendarDate("2025-07-01")!, until = CalendarDate("2026-06-30")!
        let chain = provinceChain + [RewardsLevels.nation]
        guard let subject = try await Subjects.find(.team, team.rawValue, on: until, owner) else { return [] }
        let places = try await CoreReads(owner).ancestors(of: subject.unit.id) + [subject.unit]
        let reviewUnits = provinceChain.compactMap { level in places.first { $0.level == level }?.id }
        guard reviewUnits.count == provinceChain.count else { return [] }
        let categories = RoundDefaults.categories
        let quotas = categories.flatMap { category in
            chain.map { Quota(category: category.key, level: $0, limit: $0 == RewardsLevels.nation ? 10 : 5) }
        }
        let round = Self.demoNationalRound, place = subject.unit.id, nomination = ID<DomainEvent>(rawValue: Self.demoID(province, 0xA1))
        var events = [try Self.roundOpened.event(id: ID(rawValue: Self.demoID(province, 0xA0)), in: province, by: author, at: at, RoundOpened(
            titleVi: "Tập thể tiêu biểu chuyển đổi số cộng đồng toàn quốc năm 2025", titleEn: "National exemplary community digital teams, 2025",
            periodFrom: from, periodUntil: until, categories: categories, quotas: quotas, deadlines: [], chain: chain,
            scope: RewardsLevels.nation, roundId: round))]
        events.append(try Self.nominationDrafted.event(id: nomination, in: place, by: author, at: at, NominationDrafted(
            roundId: round, category: "exemplaryTeam", subjectKind: "team", subjectId: ID(rawValue: team.rawValue), subjectName: subject.name,
            subjectRole: nil, teamId: team, teamName: subject.name, reviewUnits: reviewUnits,
            citation: "Tổ tiêu biểu của tỉnh: hướng dẫn người dân dùng dịch vụ công trực tuyến, VNeID và thanh toán số.")))
        let evidence = try await Evidence.figures(for: subject.evidenceSubject, from: from, until: until, owner)
        events.append(try Self.nominationSubmitted.event(id: ID(rawValue: Self.demoID(province, 0xA2)), in: place, by: author, at: at,
                                                         NominationSubmitted(nominationId: nomination, evidence: evidence)))
        for level in provinceChain.indices {
            events.append(try Self.nominationEndorsed.event(id: ID(rawValue: Self.demoID(province, 0xA3 + UInt8(level))), in: place, by: author, at: at,
                                                            NominationStep(nominationId: nomination, fromLevel: level, toLevel: level + 1, note: "Đồng ý đề nghị")))
        }
        return events
    }

    /// An id of the example data of `province`: the same on every run.
    static func demoID(_ province: ID<AdministrativeUnit>, _ serial: UInt8) -> UUID {
        var bytes = province.rawValue.uuid
        bytes.0 = 0xDE
        bytes.1 = 0x70
        bytes.15 = serial
        return UUID(uuid: bytes)
    }
}
