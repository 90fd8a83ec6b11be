import CDTDomain
import Testing

private let march = CalendarDate("2025-03-01")!
private let july = CalendarDate("2025-07-01")!

private func rows(_ lines: [(String, String, String, String, String)]) -> [IncomingUnit] {
    lines.enumerated().map { IncomingUnit(line: $0.offset + 2, code: $0.element.0, name: $0.element.1, level: $0.element.2, parentCode: $0.element.3, type: $0.element.4) }
}

private let tree2024 = rows([
    ("01", "Thành phố Hà Nội", "province", "", "Thành phố Trung ương"),
    ("001", "Quận Ba Đình", "district", "01", "Quận"),
    ("00001", "Phường Phúc Xá", "commune", "001", "Phường"),
    ("00004", "Phường Trúc Bạch", "commune", "001", "Phường"),
    ("24", "Tỉnh Bắc Giang", "province", "", "Tỉnh"),
])

private let tree2025 = rows([
    ("00004", "Phường Ba Đình", "commune", "01", "Phường"),   // children may come before parents
    ("01", "Thành phố Hà Nội", "province", "", "Thành phố Trung ương"),
    ("24", "Tỉnh Bắc Ninh", "province", "", "Tỉnh"),
])

/// Applies a plan to a list of units the way the store does.
private func applying(_ plan: TreeImportPlan, to units: [AdministrativeUnit], on date: CalendarDate) throws -> [AdministrativeUnit] {
    var result = try units.map { unit in
        guard plan.closed.contains(unit.id) else { return unit }
        return try AdministrativeUnit(id: unit.id, code: unit.code, name: unit.name, kind: unit.kind, parentID: unit.parentID,
                                      validity: ValidityPeriod(from: unit.validity.from, until: date))
    }
    result.removeAll { unit in plan.corrected.contains { $0.id == unit.id } }
    return result + plan.corrected + plan.created
}

@Suite struct TreeImportTests {
    @Test func aFirstImportCreatesEveryUnitParentsFirst() throws {
        let plan = try TreeImport.plan(tree2024, inForce: [], effective: march)
        #expect(plan.created.map(\.code) == ["01", "24", "001", "00001", "00004"])
        #expect(plan.closed.isEmpty && plan.unchanged == 0)
        let hanoi = plan.created[0]
        #expect(plan.created.first { $0.code == "001" }?.parentID == hanoi.id)
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        let units = try applying(TreeImport.plan(tree2024, inForce: [], effective: march), to: [], on: march)
        let again = try TreeImport.plan(tree2024, inForce: units, effective: march)
        #expect(again.isEmpty)
        #expect(again.unchanged == 5)
    }

    @Test func theReformKeepsWhatCarriesOnAndClosesTheRest() throws {
        let units2024 = try applying(TreeImport.plan(tree2024, inForce: [], effective: march), to: [], on: march)
        let plan = try TreeImport.plan(tree2025, inForce: units2024, effective: july)
        // Hà Nội carries on; Bắc Giang's code 24 now names Bắc Ninh; 00004 is a new ward.
        #expect(plan.unchanged == 1)
        #expect(Set(plan.created.map(\.name)) == ["Tỉnh Bắc Ninh", "Phường Ba Đình"])
        let closedNames = Set(units2024.filter { plan.closed.contains($0.id) }.map(\.name))
        #expect(closedNames == ["Tỉnh Bắc Giang", "Quận Ba Đình", "Phường Phúc Xá", "Phường Trúc Bạch"])
        let hanoi = units2024.first { $0.code == "01" }!
        #expect(plan.created.first { $0.code == "00004" }?.parentID == hanoi.id)
    }

    @Test func aSameDayReimportOfACorrectedFileCorrectsInPlace() throws {
        let units = try applying(TreeImport.plan(tree2024, inForce: [], effective: march), to: [], on: march)
        var fixed = tree2024
        fixed[3].name = "Phường Trúc Bạch (sửa)"
        let plan = try TreeImport.plan(fixed, inForce: units, effective: march)
        #expect(plan.corrected.map(\.name) == ["Phường Trúc Bạch (sửa)"])
        #expect(plan.corrected.first?.id == units.first { $0.code == "00004" }?.id)
        #expect(plan.created.isEmpty && plan.closed.isEmpty)
    }

    @Test func everyBadRowIsNamedByLineAndField() {
        func failure(_ edit: (inout [IncomingUnit]) -> Void) -> ImportError? {
            var rows = tree2024
            edit(&rows)
            do { _ = try TreeImport.plan(rows, inForce: [], effective: march); return nil } catch { return error }
        }
        #expect(failure { $0[2].level = "hamlet" }.map { "\($0.line) \($0.field)" } == "4 level")
        #expect(failure { $0[2].type = "Huyện" }.map { "\($0.line) \($0.field)" } == "4 type")
        #expect(failure { $0[2].code = "1" }.map { "\($0.line) \($0.field)" } == "4 code")
        #expect(failure { $0[3].parentCode = "999" }.map { "\($0.line) \($0.field)" } == "5 parent_code")
        #expect(failure { $0[0].parentCode = "99" }.map { "\($0.line) \($0.field)" } == "2 parent_code")
        #expect(failure { $0[1].name = " " }.map { "\($0.line) \($0.field)" } == "3 name")
        #expect(failure { var copy = $0[2]; copy.line = 7; $0.append(copy) } == ImportError(line: 7, field: "code", message: "commune 00001 is listed twice (first on line 4)"))
    }

    @Test func aReorganizationLinksTheTwoTrees() throws {
        let units2024 = try applying(TreeImport.plan(tree2024, inForce: [], effective: march), to: [], on: march)
        let plan2025 = try TreeImport.plan(tree2025, inForce: units2024, effective: july)
        let all = try applying(plan2025, to: units2024, on: july)
        let map = [
            IncomingLineage(line: 2, oldCode: "01", newCode: "01", level: "province", part: "full"),
            IncomingLineage(line: 3, oldCode: "00001", newCode: "00004", level: "commune", part: "full"),
            IncomingLineage(line: 4, oldCode: "00004", newCode: "00004", level: "commune", part: "partial"),
        ]
        let links = try ReorganizationImport.plan(map, before: all, after: all, effective: july)
        #expect(links.count == 2)  // Hà Nội carried on: no link
        var hierarchy = AdministrativeHierarchy()
        for unit in all.sorted(by: { $0.kind.level < $1.kind.level }) { try hierarchy.add(unit) }
        for link in links { try hierarchy.link(link) }
        let trucBach = units2024.first { $0.name == "Phường Trúc Bạch" }!
        let heirs = hierarchy.successors(of: trucBach.id, asOf: CalendarDate("2026-11-22")!)
        #expect(heirs.map(\.unit.name) == ["Phường Ba Đình"])
        #expect(heirs.first?.share == nil)  // a split without a share cannot be apportioned
        let bad = [IncomingLineage(line: 2, oldCode: "77", newCode: "01", level: "province", part: "full")]
        #expect(throws: ImportError(line: 2, field: "old_code", message: "no province 77 was in force on 2025-06-30")) {
            try ReorganizationImport.plan(bad, before: all, after: all, effective: july)
        }
    }
}

@Suite struct TreeRenameTests {
    private let april = CalendarDate("2026-04-30")!
    private let tree2025 = rows([
        ("75", "Tỉnh Đồng Nai", "province", "", "Tỉnh"),
        ("25270", "Xã Lộc Ninh", "commune", "75", "Xã"),
        ("26000", "Xã Thuận Hòa", "commune", "75", "Xã"),
        ("24", "Tỉnh Bắc Giang", "province", "", "Tỉnh"),
    ])
    private let tree2026 = rows([
        ("75", "Thành phố Đồng Nai", "province", "", "Thành phố Trung ương"),
        ("25270", "Phường Lộc Ninh", "commune", "75", "Phường"),
        ("26000", "Xã Thuận Hoà", "commune", "75", "Xã"),
        ("24", "Tỉnh Bắc Ninh", "province", "", "Tỉnh"),
    ])

    @Test func respellingsAndTypeChangesKeepIdentityAndOtherNamesMakeANewUnit() throws {
        var units = try applying(TreeImport.plan(tree2025, inForce: [], effective: july), to: [], on: july)
        let village = try AdministrativeUnit(id: ID(), code: "1", name: "Ấp 1", kind: UnitKind(level: .village, type: "Ấp"),
                                             parentID: units.first { $0.code == "25270" }!.id, validity: ValidityPeriod(from: july))
        units.append(village)
        let plan = try TreeImport.plan(tree2026, inForce: units, effective: april)
        #expect(Set(plan.renamed.map(\.after.name)) == ["Thành phố Đồng Nai", "Phường Lộc Ninh", "Xã Thuận Hoà"])
        #expect(plan.renamed.allSatisfy { renaming in units.contains { $0.id == renaming.after.id } })
        #expect(plan.renamed.filter(\.isRespelling).map(\.after.name) == ["Xã Thuận Hoà"])
        // Bắc Giang → Bắc Ninh is another place under a reused code; the village is never closed here.
        #expect(plan.created.map(\.name) == ["Tỉnh Bắc Ninh"])
        #expect(plan.closed == [units.first { $0.code == "24" }!.id])
        #expect(!plan.closed.contains(village.id))
    }
}
