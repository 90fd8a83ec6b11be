import CDTDomain
import CDTPostgres
import CDTServer
import CDTTesting
import Foundation
import Testing

/// Work in two communes of one province, recorded by the importer: the fixture's commune A (teams in
/// villages A1 and A2) and a second commune C of province A (a team in village C1), so that what a caller
/// may name inside their own province can be tried. Phones: A1's head 0912345678, C's head 0987654321.
struct CommuneWorld: Sendable {
    let fixture: WorkFixture
    let communeC = ID<AdministrativeUnit>(), villageC1 = ID<AdministrativeUnit>()
    let teamA1 = ID<Team>(), teamA2 = ID<Team>(), teamC = ID<Team>()
    /// The heads of the teams.
    let memberA1 = ID<Member>(), memberA2 = ID<Member>(), memberC = ID<Member>()
    /// A member who was on team A1 and left it.
    let formerA1 = ID<Member>()
    /// Members of team C, one per caller that may try to adopt one.
    let othersC: [ID<Member>] = (0..<6).map { _ in ID() }
    let householdA1 = ID<Household>(), householdC = ID<Household>()
    static let make = EventFactory()

    static func make() async throws -> CommuneWorld {
        let world = CommuneWorld(fixture: try await WorkFixture.make())
        let owner = world.fixture.database.makeClient()
        do {
            let validity = try ValidityPeriod(from: CalendarDate("2025-07-01")!)
            try await PostgresHierarchyStore(client: owner).add([
                try AdministrativeUnit(id: world.communeC, code: "00070", name: "Phường Hoàn Kiếm", kind: UnitKind(level: .commune, type: "Phường"),
                                       parentID: world.fixture.provinceA, validity: validity),
                try AdministrativeUnit(id: world.villageC1, code: "00070.1", name: "Tổ dân phố Hàng Bạc", kind: UnitKind(level: .village, type: "Tổ dân phố"),
                                       parentID: world.communeC, validity: validity),
            ])
            try await world.seed(owner)
        } catch {
            await owner.close()
            throw error
        }
        await owner.close()
        return world
    }

    private func seed(_ owner: PostgresClient) async throws {
        let make = Self.make, f = fixture
        var events = [
            make.establish(teamA1, in: f.villageA1, issuer: f.communeA),
            make.establish(teamA2, in: f.villageA2, issuer: f.communeA, name: "Tổ CNSCĐ Tổ dân phố 2"),
            make.establish(teamC, in: villageC1, issuer: communeC, name: "Tổ CNSCĐ Hàng Bạc"),
            make.join(memberA1, teamA1, in: f.villageA1, as: .head),
            make.join(memberA2, teamA2, in: f.villageA2, as: .head, name: "Phạm Văn Minh"),
            make.join(formerA1, teamA1, in: f.villageA1, as: .member, name: "Đỗ Văn Hùng"),
            make.event(f.villageA1, on: "2025-08-05", .memberLeft(MemberLeft(teamId: teamA1, memberId: formerA1))),
            make.event(villageC1, on: "2025-08-02", .memberJoined(MemberJoined(teamId: teamC, memberId: memberC, role: .head,
                person: PersonDetails(name: "Lê Thị Hoa", phone: "0987654321", gender: .female, birthYear: 1985)))),
            make.register(householdA1, in: f.villageA1),
            make.register(householdC, in: villageC1),
        ]
        for (index, member) in othersC.enumerated() {
            events.append(make.join(member, teamC, in: villageC1, as: .member, name: "Thành viên \(index)"))
        }
        let outcomes = try await RowScope.$current.withValue(.everyProvince) {
            try await PostgresEventLog(client: owner, now: { WorkFixture.now }).append(events)
        }
        for (event, outcome) in zip(events, outcomes) {
            guard case .accepted = outcome else { throw ValidationFailure(field: event.type.rawValue, rule: "seeding failed: \(outcome)") }
        }
    }

    /// The event as its sender would make it today-ish (within every role's backdating bound).
    func recent(_ unit: ID<AdministrativeUnit>, _ payload: EventPayload) -> DomainEvent {
        Self.make.event(unit, on: EventFactory.recently, payload)
    }
}
