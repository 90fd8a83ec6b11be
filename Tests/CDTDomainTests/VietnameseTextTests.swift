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
