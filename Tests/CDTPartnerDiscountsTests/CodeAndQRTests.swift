import Foundation
import Testing
@testable import CDTPartnerDiscounts

/// The codes members show at a counter and their QR codes, without a database.
@Suite struct CodeAndQRTests {
    @Test func codesAreTenCrockfordCharactersGroupedAndForgivingToType() throws {
        let code = RedemptionCode.random()
        #expect(code.characters.count == 10 && code.description.count == 12)
        #expect(code.description.range(of: "^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$", options: .regularExpression) != nil)
        // 32^10 = 2^50 codes.
        #expect(RedemptionCode.alphabet.count == 32)
        #expect(RedemptionCode(typed: "abcd efgh-jk")?.description == "ABCD-EFGH-JK")
        #expect(RedemptionCode(typed: "ILO0-1234-56")?.description == "1100-1234-56")
        #expect(RedemptionCode(typed: "ABCD-EFGH-J") == nil)
        #expect(RedemptionCode(typed: "ABCD-EFGH-JU") == nil)
        #expect(Set((0..<1000).map { _ in RedemptionCode.random() }).count == 1000)
    }

    /// The standard's worked example (ISO/IEC 18004 annex I, "01234567" at 1-M): its data codewords give
    /// these error correction codewords.
    @Test func reedSolomonMatchesTheStandardsExample() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(QRCode.remainder(data, QRCode.divisor(degree: 10)) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test func aCodeFitsVersionOneAndReadsBack() throws {
        let qr = try QRCode(text: "K7QM-4XZ2-9P")
        #expect(qr.size == 21)
        // Finder patterns in three corners: a dark ring, a light ring and a dark 3×3 centre.
        for (x, y) in [(0, 0), (14, 0), (0, 14)] {
            #expect((0..<7).allSatisfy { qr.modules[y][x + $0] && qr.modules[y + 6][x + $0] && qr.modules[y + $0][x] && qr.modules[y + $0][x + 6] })
            #expect((1..<6).allSatisfy { !qr.modules[y + 1][x + $0] && !qr.modules[y + 5][x + $0] })
            #expect((2..<5).allSatisfy { i in (2..<5).allSatisfy { qr.modules[y + i][x + $0] } })
        }
        // Format information: level M and the mask, both copies alike.
        var first = 0, second = 0
        let size = qr.size
        let firstPositions = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        let secondPositions = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        for (i, (x, y)) in firstPositions.enumerated() where qr.modules[y][x] { first |= 1 << i }
        for (i, (x, y)) in secondPositions.enumerated() where qr.modules[y][x] { second |= 1 << i }
        #expect(first == second)
        let format = (first ^ 0x5412) >> 10
        #expect(format >> 3 == 0, "level M")
        let mask = format & 7
        // Unmask and read the codewords back in placement order: the mode, the length and the text.
        var grid = QRCode.Grid(size: size)
        grid.drawFunctionPatterns(version: 1)
        var bits: [Bool] = []
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j, y = (right + 1) & 2 == 0 ? size - 1 - vertical : vertical
                    guard !grid.isFunction[y][x] else { continue }
                    var unmasked = QRCode.Grid(size: size)
                    unmasked.modules[y][x] = qr.modules[y][x]
                    unmasked.apply(mask: mask)
                    bits.append(unmasked.modules[y][x])
                }
            }
            right -= 2
        }
        let bytes = stride(from: 0, to: 26 * 8, by: 8).map { start in bits[start..<start + 8].reduce(0) { $0 << 1 | ($1 ? 1 : 0) } }
        #expect(bytes[0] >> 4 == 0b0100, "byte mode")
        let length = (bytes[0] & 0x0F) << 4 | bytes[1] >> 4
        #expect(length == 12)
        let text = (0..<length).map { UInt8(((bytes[1 + $0] & 0x0F) << 4) | (bytes[2 + $0] >> 4)) }
        #expect(String(decoding: text, as: UTF8.self) == "K7QM-4XZ2-9P")
        let svg = qr.svg(moduleSize: 8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"232\""))
    }

    @Test func longerTextTakesALargerVersionAndTooLongIsRefused() throws {
        #expect(try QRCode(text: String(repeating: "a", count: 26)).size == 25)
        #expect(try QRCode(text: String(repeating: "a", count: 60)).size == 33)
        #expect(throws: QRCode.TooLong.self) { try QRCode(text: String(repeating: "a", count: 63)) }
    }
}

/// The province's CSV for Excel, without a database.
@Suite struct ReportCSVTests {
    @Test func textAFormulaCouldBeStaysTextAndFieldsAreQuoted() {
        let text = CSVText.lines([["Ưu đãi", "Số"], ["=HYPERLINK(\"x\")", "12"], ["Giảm 5%, tặng 1 GB", "-3"]])
        #expect(text == "Ưu đãi,Số\r\n\"'=HYPERLINK(\"\"x\"\")\",12\r\n\"Giảm 5%, tặng 1 GB\",-3\r\n")
    }

    @Test func amountsAreWrittenAsInVietnam() {
        #expect(PageLayout.money(1_000_000) == "1.000.000" && PageLayout.money(20000) == "20.000" && PageLayout.money(5) == "5")
    }
}
