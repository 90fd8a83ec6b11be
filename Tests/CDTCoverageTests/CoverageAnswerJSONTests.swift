import CDTDomain
import CDTModuleKit
import Foundation
import NIOCore
import Testing
@testable import CDTCoverage

/// The drill-down's hand-written JSON says what the app's encoder would: the same keys, values and
/// absences, with text that needs escaping.
@Suite struct CoverageAnswerJSONTests {
    @Test func theHandWrittenTextEqualsTheEncoders() throws {
        let province = UUID(), commune = UUID()
        let unit = CoverageUnit(id: province, name: "Tỉnh \"Lạng\" Sơn\\\n", level: "province", path: "/\(province)/", provinceId: province, parentId: nil)
        let child = CoverageUnit(id: commune, name: "Phường Kỳ Lừa", level: "commune", path: "/\(province)/\(commune)/", provinceId: province, parentId: province)
        let figures = [
            MetricFigure(metric: "households", label: LocalizedName(vietnamese: "Hộ đã đăng ký", english: "Households registered"),
                         value: 12, change: 3, isShare: false, apportioned: false),
            MetricFigure(metric: "householdsVisited.share", label: nil, value: 1.0 / 3.0, change: nil, isShare: true, apportioned: true),
            MetricFigure(metric: "membersPerTeam", label: nil, value: nil, change: nil, isShare: false, apportioned: false),
            MetricFigure(metric: "residents.60+", label: nil, value: 1e21, change: -0.5, isShare: false, apportioned: false),
        ]
        let answer = CoverageAnswer(
            unit: unit, ancestors: [.nation], at: CalendarDate(year: 2025, month: 10, day: 31)!, from: CalendarDate(year: 2025, month: 10, day: 1)!,
            hierarchy: .current, figures: figures, children: [UnitCoverage(unit: child, figures: figures)])
        var written = JSONText()
        answer.write(to: &written)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded = try encoder.encode(answer)
        let mine = try JSONSerialization.jsonObject(with: Data(written.bytes)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(mine != nil && mine == theirs, "\(String(decoding: written.bytes, as: UTF8.self))\n\(String(decoding: encoded, as: UTF8.self))")
        var withoutFrom = answer
        withoutFrom.from = nil
        var second = JSONText()
        withoutFrom.write(to: &second)
        #expect(String(decoding: second.bytes, as: UTF8.self) == String(decoding: try encoder.encode(withoutFrom), as: UTF8.self))
    }

    /// Figures written straight from a unit's values say what the encoder writes of the same figures:
    /// whole numbers (negative ones, zero, large ones) as digits, fractions, absent shares and changes.
    @Test func figuresWrittenFromValuesEqualTheEncoders() throws {
        var now = UnitValues(), before = UnitValues()
        now["households"] = 1_234_567
        now["householdsEligible"] = 3
        now["householdsVisited"] = 1
        now["teams"] = -2
        now["members"] = 9_007_199_254_740_993
        now["residents.60+"] = 0.25
        now["villages"] = 40
        now.apportioned = 1 << UInt64(MetricSlots.slot("householdsVisited")!)
        before["households"] = 1_234_600
        before["householdsEligible"] = 0
        let province = UUID()
        let unit = CoverageUnit(id: province, name: "Tỉnh Cao Bằng", level: "province", path: "/\(province)/", provinceId: province, parentId: nil)
        for (labelled, previous) in [(true, Optional(before)), (false, nil)] {
            let values = FigureValues(now: now, before: previous, formulas: MetricFormula.all, labelled: labelled)
            let answer = CoverageAnswer(unit: unit, ancestors: [.nation], at: CalendarDate(year: 2025, month: 10, day: 31)!, from: nil, hierarchy: .asOf,
                                        own: UnitCoverage(unit: unit, values: values), children: [UnitCoverage(unit: unit, values: values)])
            var written = JSONText()
            answer.write(to: &written)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let mine = try JSONSerialization.jsonObject(with: Data(written.bytes)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: try encoder.encode(answer)) as? NSDictionary
            #expect(mine != nil && mine == theirs, "\(String(decoding: written.bytes, as: UTF8.self))")
            #expect(answer.figures.count == Metric.all.count)
            #expect(answer.own.figure("householdsVisited.share")?.apportioned == true)
            #expect(answer.own.figure("households")?.change == (labelled ? -33 : nil))
        }
        var digits = JSONText()
        digits.number(-0.0); digits.number(0); digits.number(-12); digits.number(1e21); digits.number(0.5)
        #expect(String(decoding: digits.bytes, as: UTF8.self) == "-0,0,-12,1e+21,0.5")
    }

    /// A province of 168 communes is sent in parts of at least 48 KiB, which together are the whole text.
    @Test func aLargeAnswerIsSentInPartsThatMakeTheWholeText() throws {
        var now = UnitValues()
        now["households"] = 1_234
        now["householdsVisited"] = 411
        let province = UUID()
        let unit = CoverageUnit(id: province, name: "Thành phố Hồ Chí Minh", level: "province", path: "/\(province)/", provinceId: province, parentId: nil)
        let children = (0..<168).map { index in
            let id = UUID()
            let commune = CoverageUnit(id: id, name: "Phường \(index)", level: "commune", path: "/\(province)/\(id)/", provinceId: province, parentId: province)
            return UnitCoverage(unit: commune, values: FigureValues(now: now, before: now, formulas: MetricFormula.all, labelled: false))
        }
        let answer = CoverageAnswer(unit: unit, ancestors: [.nation], at: CalendarDate(year: 2026, month: 12, day: 7)!, from: CalendarDate(year: 2026, month: 12, day: 1)!,
                                    hierarchy: .current, own: UnitCoverage(unit: unit, values: FigureValues(now: now, before: now, formulas: MetricFormula.all, labelled: true)),
                                    children: children)
        var whole = JSONText()
        answer.write(to: &whole)
        let parts = answer.bodyParts()
        #expect(parts.count > 10)
        #expect(parts.dropLast().allSatisfy { $0.readableBytes >= CoverageAnswer.partSize })
        #expect(parts.flatMap { Array($0.readableBytesView) } == whole.bytes)
        #expect(try JSONSerialization.jsonObject(with: Data(whole.bytes)) is NSDictionary)
        // Small answers are one part.
        var small = answer
        small.children = Array(children.prefix(3))
        #expect(small.bodyParts().count == 1)
    }
}
