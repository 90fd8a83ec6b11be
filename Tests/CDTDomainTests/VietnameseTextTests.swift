import CDTDomain
import Testing

@Suite struct VietnameseTextTests {
    @Test func searchIgnoresDiacriticsCaseAndExtraSpaces() {
        #expect(VietnameseText.searchKey("Thành phố Hà Nội") == "thanh pho ha noi")
        #expect(VietnameseText.searchKey("ha noi") == "ha noi")
        #expect(VietnameseText.searchKey("HA  NOI ") == "ha noi")
        #expect(VietnameseText.searchKey("Đặc khu Côn Đảo") == "dac khu con dao")
        #expect(VietnameseText.searchKey("Phường Phúc Xá") == "phuong phuc xa")
        #expect(VietnameseText.searchKey("Tổ công nghệ số cộng đồng") == "to cong nghe so cong dong")
    }

    @Test func sortsInVietnameseAlphabeticalOrder() {
        let names = ["Yên Bái", "Đà Nẵng", "Ân Thi", "An Giang", "Ăn Nhậu", "Bắc Ninh", "Dĩ An", "Ô Môn", "Ơ Đông", "Óc Eo", "Uông Bí", "Ưng Hòa", "Zeta"]
        let sorted = names.sorted(by: VietnameseText.areInIncreasingOrder)
        #expect(sorted == ["An Giang", "Ăn Nhậu", "Ân Thi", "Bắc Ninh", "Dĩ An", "Đà Nẵng", "Óc Eo", "Ô Môn", "Ơ Đông", "Uông Bí", "Ưng Hòa", "Yên Bái", "Zeta"])
    }

    @Test func tonesOrderLevelGraveHookTildeAcuteDot() {
        let syllables = ["mạ", "má", "mã", "mả", "mà", "ma"]
        #expect(syllables.sorted(by: VietnameseText.areInIncreasingOrder) == ["ma", "mà", "mả", "mã", "má", "mạ"])
        // Letters decide before tones: "mà b" < "ma c".
        #expect(VietnameseText.areInIncreasingOrder("mà b", "ma c"))
    }

    @Test func composedAndDecomposedFormsAreEqual() {
        let composed = "Nghệ An"
        let decomposed = "Nghe\u{0302}\u{0323} An"
        #expect(VietnameseText.searchKey(composed) == VietnameseText.searchKey(decomposed))
        #expect(VietnameseText.sortKey(composed) == VietnameseText.sortKey(decomposed))
    }
}

@Suite struct ToneMarkPlacementTests {
    @Test func bothPlacementsAreTheSameWordForEqualitySearchAndSort() {
        for (old, new) in [("Hòa", "Hoà"), ("Thủy", "Thuỷ"), ("Hóa", "Hoá"), ("Khỏe", "Khoẻ"), ("Xã Thuận Hòa", "Xã Thuận Hoà"), ("LŨY", "LUỸ")] {
            #expect(VietnameseText.isSameName(old, new), "\(old) / \(new)")
            #expect(VietnameseText.sortKey(old) == VietnameseText.sortKey(new), "\(old) / \(new)")
            #expect(VietnameseText.searchKey(old) == VietnameseText.searchKey(new))
        }
        #expect(VietnameseText.canonicalToneMarks("Khánh Hoà") == "Khánh Hòa")
    }

    @Test func onlyTheOpenEndingsMove() {
        // `qu` is a consonant: the tone of Quý stays on y; a closed syllable (Hoàng) has one placement only.
        #expect(VietnameseText.canonicalToneMarks("Quý Hoàng Thuyết") == "Quý Hoàng Thuyết")
        #expect(!VietnameseText.isSameName("Hòa", "Hỏa"))
        #expect(!VietnameseText.isSameName("Phó Bảng", "Phố Bảng"))
        let sorted = ["Xã Thuận Hoà", "Xã Thuận An", "Xã Thuận Hòa Đông"].sorted(by: VietnameseText.areInIncreasingOrder)
        #expect(sorted == ["Xã Thuận An", "Xã Thuận Hoà", "Xã Thuận Hòa Đông"])
    }

    @Test func aTypeWordInLowerCaseDisplaysAndSortsAsTheTypeWord() throws {
        let province = ID<AdministrativeUnit>()
        let written = try AdministrativeUnit(id: ID(), code: "06325", name: "xã Bắc Sơn", kind: UnitKind(level: .commune, type: "Xã"),
                                             parentID: province, validity: ValidityPeriod(from: CalendarDate("2026-04-30")!))
        #expect(written.name == "Xã Bắc Sơn" && written.shortName == "Bắc Sơn")
        let city = try AdministrativeUnit(id: ID(), code: "75", name: "Thành phố Đồng Nai", kind: UnitKind(level: .province, type: "Thành phố Trung ương"),
                                          parentID: nil, validity: ValidityPeriod(from: CalendarDate("2026-04-30")!))
        #expect(city.shortName == "Đồng Nai")
    }
}
