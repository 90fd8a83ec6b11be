import CDTDomain
import Foundation
import Testing

/// The village events' rules without a database: where a village opens, which village may change, where
/// it may move, and what closing must not orphan.
@Suite struct VillageRulesTests {
    let province = ID<AdministrativeUnit>(), commune = ID<AdministrativeUnit>()

    func unit(_ level: UnitLevel, _ type: String, parent: ID<AdministrativeUnit>?, from: String = "2025-07-01", until: String? = nil) throws -> AdministrativeUnit {
        try AdministrativeUnit(id: ID(), code: level == .village ? "00004.1" : level == .commune ? "00004" : "01", name: "Thôn Đông", kind: UnitKind(level: level, type: type), parentID: parent,
                               validity: ValidityPeriod(from: CalendarDate(from)!, until: until.map { CalendarDate($0)! }))
    }

    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch { return (error as? ValidationFailure)?.violations.map(\.field) ?? ["not a ValidationFailure: \(error)"] }
    }

    @Test func aVillageOpensUnderACommuneWithANewIDAndAFreeCode() throws {
        let ward = try unit(.commune, "Phường", parent: province), village = try unit(.village, "Thôn", parent: ward.id)
        #expect(fields { try VillageRules.checkOpening(under: ward, codeTaken: false, idTaken: false) } == [])
        #expect(fields { try VillageRules.checkOpening(under: village, codeTaken: false, idTaken: false) } == ["unitId"])
        #expect(fields { try VillageRules.checkOpening(under: ward, codeTaken: false, idTaken: true) } == ["payload.villageId"])
        #expect(fields { try VillageRules.checkOpening(under: ward, codeTaken: true, idTaken: false) } == ["payload.code"])
    }

    @Test func onlyAnOpenVillageChangesAfterTheDayItOpened() throws {
        let day = CalendarDate("2026-01-10")!
        #expect(fields { _ = try VillageRules.openVillage(try! unit(.village, "Thôn", parent: commune), changingOn: day) } == [])
        #expect(fields { _ = try VillageRules.openVillage(try! unit(.commune, "Xã", parent: province), changingOn: day) } == ["unitId"])
        #expect(fields { _ = try VillageRules.openVillage(try! unit(.village, "Thôn", parent: commune, until: "2025-12-31"), changingOn: day) } == ["unitId"])
        #expect(fields { _ = try VillageRules.openVillage(try! unit(.village, "Thôn", parent: commune, from: "2026-01-10"), changingOn: day) } == ["occurredAt"])
    }

    @Test func aMoveGoesToAnotherCommuneOfTheProvinceInForce() throws {
        let day = CalendarDate("2026-01-10")!
        let village = try unit(.village, "Thôn", parent: commune)
        let other = try unit(.commune, "Xã", parent: province), own = try AdministrativeUnit(
            id: commune, code: "00004", name: "Xã Đông", kind: UnitKind(level: .commune, type: "Xã"), parentID: province,
            validity: ValidityPeriod(from: CalendarDate("2025-07-01")!))
        #expect(fields { try VillageRules.checkMove(of: village, to: (other, province), villageProvince: province, on: day, newIDTaken: false) } == [])
        #expect(fields { try VillageRules.checkMove(of: village, to: (other, ID()), villageProvince: province, on: day, newIDTaken: false) } == ["payload.communeId"])
        #expect(fields { try VillageRules.checkMove(of: village, to: nil, villageProvince: province, on: day, newIDTaken: false) } == ["payload.communeId"])
        #expect(fields { try VillageRules.checkMove(of: village, to: (own, province), villageProvince: province, on: day, newIDTaken: false) } == ["payload.communeId"])
        #expect(fields { try VillageRules.checkMove(of: village, to: (other, province), villageProvince: province, on: day, newIDTaken: true) } == ["payload.newVillageId"])
    }

    @Test func closingNeverOrphansWork() throws {
        let day = CalendarDate("2026-01-10")!
        let village = try unit(.village, "Thôn", parent: commune), next = try unit(.village, "Thôn", parent: commune)
        #expect(fields { try VillageRules.checkSuccessor(of: village, (next, province), villageProvince: province, on: day, activeTeams: 1) } == [])
        #expect(fields { try VillageRules.checkSuccessor(of: village, (next, province), villageProvince: province, on: day, activeTeams: 2) } == ["payload.successorId"])
        #expect(fields { try VillageRules.checkSuccessor(of: village, (village, province), villageProvince: province, on: day, activeTeams: 0) } == ["payload.successorId"])
        #expect(fields { try VillageRules.checkClosingAlone(teams: 0, households: 0, roles: 0) } == [])
        #expect(fields { try VillageRules.checkClosingAlone(teams: 0, households: 3, roles: 0) } == ["payload.successorId"])
    }
}
