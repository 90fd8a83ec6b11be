import CDTDomain
import Foundation

/// Made-up Vietnamese people for the demo: names in the usual family–middle–given order, mobile numbers,
/// birth years and the affiliations members typically come from.
struct DemoPeople {
    static let families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
    static let femaleMiddles = ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Minh"]
    static let maleMiddles = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân"]
    static let femaleNames = ["Lan", "Hoa", "Hương", "Mai", "Linh", "Trang", "Thảo", "Hạnh", "Nga", "Yến", "Huyền", "Phương", "Dung", "Hà", "Oanh"]
    static let maleNames = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phong", "Quang", "Sơn", "Tuấn", "Việt", "Thắng", "Khoa"]
    static let memberAffiliations: [Affiliation] = [
        .youthUnion, .youthUnion, .youthUnion, .womensUnion, .womensUnion, .farmersUnion, .veteransAssociation, .fatherlandFront,
        .police, .teacher, .postalStaff, .telecomStaff, .itEnterpriseStaff, .volunteer, .volunteer,
    ]

    static func person(_ generator: inout SeededGenerator, leader: Affiliation? = nil) -> PersonDetails {
        let female = Bool.random(using: &generator)
        let name = [
            families.randomElement(using: &generator)!,
            (female ? femaleMiddles : maleMiddles).randomElement(using: &generator)!,
            (female ? femaleNames : maleNames).randomElement(using: &generator)!,
        ].joined(separator: " ")
        let prefix = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "070", "077", "079", "081", "083"].randomElement(using: &generator)!
        let phone = prefix + String(Int.random(in: 0..<10_000_000, using: &generator)).leftPadded(to: 7)
        var affiliations: [Affiliation] = leader.map { [$0] } ?? []
        let other = memberAffiliations.randomElement(using: &generator)!
        if leader == nil || Int.random(in: 0..<3, using: &generator) == 0, !affiliations.contains(other) { affiliations.append(other) }
        let birthYear = leader == nil ? Int.random(in: 1975...2005, using: &generator) : Int.random(in: 1960...1990, using: &generator)
        return PersonDetails(name: name, phone: phone, gender: female ? .female : .male, birthYear: birthYear, affiliations: affiliations)
    }
}

extension DemoPeople {
    /// A household's label as a team writes it, after the head of the household: `Hộ Nguyễn Văn An`. Drawn
    /// from the household's id (its last bytes), not from the seeded generator, so the rest of the
    /// generated data stays as it was.
    static func householdLabel(for id: UUID) -> String {
        let bytes = id.uuid
        let female = bytes.15 & 1 == 1
        let family = families[Int(bytes.14) % families.count]
        let middle = (female ? femaleMiddles : maleMiddles)[Int(bytes.13) % (female ? femaleMiddles : maleMiddles).count]
        let given = (female ? femaleNames : maleNames)[Int(bytes.12) % (female ? femaleNames : maleNames).count]
        return "Hộ \(family) \(middle) \(given)"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
