import CDTDomain
import Testing

/// Builds units tersely for the tests.
private func day(_ text: String) -> CalendarDate { CalendarDate(text)! }
private let reform = day("2025-07-01")
private let before = try! ValidityPeriod(from: day("2025-03-01"), until: reform)
private let after = try! ValidityPeriod(from: reform)

private func unit(_ code: String, _ name: String, _ level: UnitLevel, _ type: String, parent: AdministrativeUnit? = nil, _ validity: ValidityPeriod) throws -> AdministrativeUnit {
    try AdministrativeUnit(id: ID(), code: code, name: name, kind: UnitKind(level: level, type: type), parentID: parent?.id, validity: validity)
}

@Suite struct HierarchyTests {
    @Test func unitsCheckTheirCodeTypeAndName() throws {
        #expect(throws: HierarchyError.malformedCode("1", level: .province, digits: 2)) { try unit("1", "Tỉnh X", .province, "Tỉnh", after) }
        #expect(throws: HierarchyError.unknownType("Huyện", level: .commune, allowed: UnitKind.knownTypes[.commune]!)) {
            try UnitKind(level: .commune, type: "Huyện")
        }
        #expect(throws: HierarchyError.emptyName(code: "01")) { try unit("01", "  ", .province, "Tỉnh", after) }
        #expect(throws: HierarchyError.emptyName(code: "01")) { try unit("01", "", .province, "Tỉnh", after) }
        #expect(throws: HierarchyError.emptyName(code: "01")) { try unit("01", "\u{3000}\n", .province, "Tỉnh", after) }
        // White space at either end goes (an ideographic space, a tab, a newline); inside, it stays.
        #expect(try unit("01", " Tỉnh Cao  Bằng\t\n", .province, "Tỉnh", after).name == "Tỉnh Cao  Bằng")
        #expect(try unit("01", "\u{3000}Tỉnh Cao Bằng", .province, "Tỉnh", after).name == "Tỉnh Cao Bằng")
        #expect(try unit("01", "Tỉnh Cao Bằng\u{00A0}", .province, "Tỉnh", after).name == "Tỉnh Cao Bằng")
        #expect(try unit("01", "Tỉnh Cao Bằng", .province, "Tỉnh", after).name == "Tỉnh Cao Bằng")
        #expect(throws: HierarchyError.emptyValidity(from: reform, until: reform)) { try ValidityPeriod(from: reform, until: reform) }
        #expect(HierarchyError.malformedCode("1", level: .province, digits: 2).field == "code")
    }

    @Test func aParentMustBeHigherAndValidThroughoutItsChild() throws {
        var hierarchy = AdministrativeHierarchy()
        let hanoi = try unit("01", "Thành phố Hà Nội", .province, "Thành phố Trung ương", before)
        try hierarchy.add(hanoi)
        let badLevel = try unit("02", "Tỉnh Hà Giang", .province, "Tỉnh", parent: hanoi, before)
        #expect(throws: HierarchyError.parentNotAbove(code: "02", parentLevel: .province, level: .province)) { try hierarchy.add(badLevel) }
        let outlives = try unit("00001", "Phường Phúc Xá", .commune, "Phường", parent: hanoi, after)
        #expect(throws: HierarchyError.self) { try hierarchy.add(outlives) }
    }

    @Test func aReusedCodeIsADifferentUnitInAnotherPeriod() throws {
        var hierarchy = AdministrativeHierarchy()
        let bacGiang = try unit("24", "Tỉnh Bắc Giang", .province, "Tỉnh", before)
        let bacNinh = try unit("24", "Tỉnh Bắc Ninh", .province, "Tỉnh", after)
        try hierarchy.add(bacGiang)
        try hierarchy.add(bacNinh)
        #expect(hierarchy.unit(code: "24", level: .province, asOf: day("2025-06-30"))?.name == "Tỉnh Bắc Giang")
        #expect(hierarchy.unit(code: "24", level: .province, asOf: reform)?.name == "Tỉnh Bắc Ninh")
        let overlapping = try unit("24", "Tỉnh Trùng", .province, "Tỉnh", after)
        #expect(throws: HierarchyError.overlappingCode("24", level: .province, existing: after, new: after)) { try hierarchy.add(overlapping) }
    }

    /// Hà Nội before and after 1 July 2025: Quận Ba Đình's Phường Trúc Bạch (00004) and Phường Phúc Xá
    /// (00001) merge into the new Phường Ba Đình, which reuses code 00004; Xã X splits in two.
    private func reorganizedHanoi() throws -> (AdministrativeHierarchy, [String: AdministrativeUnit]) {
        var hierarchy = AdministrativeHierarchy()
        let hanoiOld = try unit("01", "Thành phố Hà Nội", .province, "Thành phố Trung ương", before)
        let hanoiNew = try unit("01", "Thành phố Hà Nội", .province, "Thành phố Trung ương", after)
        let baDinhDistrict = try unit("001", "Quận Ba Đình", .district, "Quận", parent: hanoiOld, before)
        let phucXa = try unit("00001", "Phường Phúc Xá", .commune, "Phường", parent: baDinhDistrict, before)
        let trucBach = try unit("00004", "Phường Trúc Bạch", .commune, "Phường", parent: baDinhDistrict, before)
        let splitCommune = try unit("09999", "Xã Tách Đôi", .commune, "Xã", parent: baDinhDistrict, before)
        let village = try unit("T01", "Thôn Một", .village, "Thôn", parent: trucBach, before)
        let baDinhWard = try unit("00004", "Phường Ba Đình", .commune, "Phường", parent: hanoiNew, after)
        let westLake = try unit("00103", "Phường Tây Hồ", .commune, "Phường", parent: hanoiNew, after)
        let villageAfter = try unit("T01", "Tổ dân phố Một", .village, "Tổ dân phố", parent: baDinhWard, after)
        for unit in [hanoiOld, hanoiNew, baDinhDistrict, phucXa, trucBach, splitCommune, village, baDinhWard, westLake, villageAfter] {
            try hierarchy.add(unit)
        }
        try hierarchy.link(LineageLink(predecessor: hanoiOld.id, successor: hanoiNew.id, kind: .renamed, effective: reform))
        try hierarchy.link(LineageLink(predecessor: phucXa.id, successor: baDinhWard.id, kind: .merged, effective: reform))
        try hierarchy.link(LineageLink(predecessor: trucBach.id, successor: baDinhWard.id, kind: .merged, effective: reform))
        try hierarchy.link(LineageLink(predecessor: splitCommune.id, successor: baDinhWard.id, kind: .split(share: 0.25), effective: reform))
        try hierarchy.link(LineageLink(predecessor: splitCommune.id, successor: westLake.id, kind: .split(share: 0.75), effective: reform))
        try hierarchy.link(LineageLink(predecessor: village.id, successor: villageAfter.id, kind: .moved, effective: reform))
        let named = ["hanoiOld": hanoiOld, "hanoiNew": hanoiNew, "district": baDinhDistrict, "phucXa": phucXa, "trucBach": trucBach,
                     "split": splitCommune, "village": village, "baDinh": baDinhWard, "westLake": westLake, "villageAfter": villageAfter]
        return (hierarchy, named)
    }

    @Test func theTreeAsOfADateHasThatDatesDepth() throws {
        let (hierarchy, units) = try reorganizedHanoi()
        let oldTree = hierarchy.subtree(under: units["hanoiOld"]!.id, asOf: day("2025-06-30"))
        #expect(oldTree.map(\.name) == ["Quận Ba Đình", "Phường Phúc Xá", "Xã Tách Đôi", "Phường Trúc Bạch", "Thôn Một"])
        let newTree = hierarchy.subtree(under: units["hanoiNew"]!.id, asOf: reform)
        #expect(newTree.map(\.name) == ["Phường Ba Đình", "Phường Tây Hồ", "Tổ dân phố Một"])
        #expect(hierarchy.ancestors(of: units["village"]!.id).map(\.name) == ["Phường Trúc Bạch", "Quận Ba Đình", "Thành phố Hà Nội"])
        #expect(hierarchy.ancestors(of: units["villageAfter"]!.id).count == 2)
        #expect(hierarchy.units(asOf: day("2025-06-30")).count == 6)
        #expect(hierarchy.units(asOf: reform).count == 4)
    }

    @Test func successorsFollowMergesAndApportionSplits() throws {
        let (hierarchy, units) = try reorganizedHanoi()
        let today = day("2026-11-22")
        #expect(hierarchy.successors(of: units["trucBach"]!.id, asOf: today).map(\.unit.name) == ["Phường Ba Đình"])
        #expect(hierarchy.successors(of: units["trucBach"]!.id, asOf: today).first?.share == 1)
        let split = hierarchy.successors(of: units["split"]!.id, asOf: today)
        #expect(Set(split.map(\.unit.name)) == ["Phường Ba Đình", "Phường Tây Hồ"])
        #expect(split.first { $0.unit.name == "Phường Tây Hồ" }?.share == 0.75)
        // Before the reform, a unit is its own successor.
        #expect(hierarchy.successors(of: units["trucBach"]!.id, asOf: day("2025-06-30")).map(\.unit.name) == ["Phường Trúc Bạch"])
        #expect(Set(hierarchy.predecessors(of: units["baDinh"]!.id).map(\.name)) == ["Phường Phúc Xá", "Phường Trúc Bạch", "Xã Tách Đôi"])
    }

    @Test func searchFindsNamesWithoutDiacriticsInVietnameseOrder() throws {
        let (hierarchy, _) = try reorganizedHanoi()
        for query in ["ha noi", "Hà Nội", "HA NOI"] {
            #expect(hierarchy.search(query, asOf: reform).map(\.name) == ["Thành phố Hà Nội"])
        }
        #expect(hierarchy.search("phuong", asOf: day("2025-06-30")).map(\.name) == ["Phường Phúc Xá", "Phường Trúc Bạch"])
        #expect(hierarchy.search("", asOf: reform).isEmpty)
    }

    @Test func aSplitShareMustBeAFraction() {
        #expect(throws: HierarchyError.invalidShare(1.5)) {
            try LineageLink(predecessor: ID(), successor: ID(), kind: .split(share: 1.5), effective: reform)
        }
    }
}
